/**
 * What the one runtime suite (suite.test.ts) expects of each backend, where backends legitimately differ: how they
 * describe themselves, which extra dtypes they run exactly, how close float arithmetic must come to the reference.
 * Everything else the suite asserts of every backend alike.
 */
import { DataType } from '../../src/ir/dtype.js';
import type { BackendName } from '../../src/runtime/backend.js';

/** One backend's expectations. */
export interface BackendProfile {
  /** The availability detail, when available. */
  readonly detail: RegExp;
  /** `Session.provider` of a default load of a float32 model. */
  readonly provider: RegExp;
  /** Dtypes besides float32 in which the MaxPool pyramid must run bit-identically to the reference. */
  readonly exactDtypes: readonly DataType[];
  /** atol = rtol for averages and convolutions (float rounding order differs). */
  readonly tolerance: number;
  /** True for onnxruntime backends: errors name the backend, ORT's own words pass through, bfloat16 is refused. */
  readonly onnxruntime: boolean;
}

const CPU_TOLERANCE = 1e-5;
const GPU_TOLERANCE = 1e-4;

/** The expectations, by backend. */
export const PROFILES: Readonly<Record<BackendName, BackendProfile>> = {
  ref: {
    detail: /^sppkit reference kernels \(pure TypeScript\)$/,
    provider: /^sppkit reference$/,
    exactDtypes: [DataType.DOUBLE, DataType.FLOAT16],
    tolerance: 0,
    onnxruntime: false,
  },
  'ort-cpu': {
    detail: /onnxruntime-node 1\.30\.\d+, CPUExecutionProvider/,
    provider: /^onnxruntime-node 1\.30\.\d+, CPUExecutionProvider, graph optimization all$/,
    exactDtypes: [DataType.DOUBLE, DataType.FLOAT16],
    tolerance: CPU_TOLERANCE,
    onnxruntime: true,
  },
  'ort-cuda': {
    detail: /CUDAExecutionProvider on device 0/,
    provider: /CUDAExecutionProvider, no CPU fallback, device 0/,
    exactDtypes: [],
    tolerance: GPU_TOLERANCE,
    onnxruntime: true,
  },
  'ort-webgpu': {
    detail: /WebGpuExecutionProvider on /,
    provider: /WebGpuExecutionProvider, no CPU fallback, /,
    exactDtypes: [],
    tolerance: GPU_TOLERANCE,
    onnxruntime: true,
  },
  'web-wasm': {
    detail: /^onnxruntime-web 1\.30\.\d+, wasm \(CPU\) EP in Node v\d+/,
    provider: /^onnxruntime-web 1\.30\.\d+, wasm \(CPU\) EP in Node/,
    exactDtypes: [],
    tolerance: CPU_TOLERANCE,
    onnxruntime: true,
  },
  'web-webgpu': {
    detail: new RegExp(
      String.raw`^onnxruntime-web 1\.30\.\d+ \(ort\.webgpu\.min\.mjs\), ` +
        String.raw`WebGpuExecutionProvider in Chromium \d+\S* headless, adapter \S+`,
    ),
    provider: /WebGpuExecutionProvider \(onnxruntime-web\/webgpu\), no CPU fallback, Chromium/,
    exactDtypes: [],
    tolerance: GPU_TOLERANCE,
    onnxruntime: true,
  },
};
