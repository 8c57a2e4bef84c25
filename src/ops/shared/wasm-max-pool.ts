/**
 * 2-D max pooling of float32 NCHW data with the WebAssembly SIMD kernel in wasm/max-pool.wat: a row pass (4 outputs
 * at a time from unaligned loads where a stride-1 window lies inside the row, scalar elsewhere) into a scratch
 * plane, then a column pass (4 columns at a time). Exact, like every max: same values as the JS kernels, up to the
 * sign of a zero when +0 and -0 tie; NaN wins, as in onnxruntime.
 *
 * Used by pool-reduce.ts when WebAssembly SIMD is available (Node 16+, current browsers); otherwise, or for other
 * layouts (dilation, rank ≠ 4, float64), the JS kernels run.
 */
import type { AxisGeometry } from './pool-geometry.js';
import { LOWEST_FLOAT32 } from './sliding-max.js';
import { ensureMemory, instantiateKernel, isKernelFunction, isWasmMemory } from './wasm/load.js';
import { MAX_POOL_WASM } from './wasm/max-pool-wasm.js';

interface Kernel {
  readonly memory: WebAssembly.Memory;
  readonly rows: (
    src: number,
    dst: number,
    rows: number,
    width: number,
    outWidth: number,
    kernel: number,
    stride: number,
    pad: number,
    lowest: number,
  ) => void;
  readonly cols: (
    src: number,
    dst: number,
    planes: number,
    height: number,
    outHeight: number,
    length: number,
    kernel: number,
    stride: number,
    pad: number,
    lowest: number,
  ) => void;
}

let kernel: Kernel | null | undefined;

/** The instantiated kernel (once), or null where WebAssembly SIMD is unavailable. */
function loadKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  const exports = instantiateKernel(MAX_POOL_WASM);
  const { memory, rows, cols } = exports ?? {};
  kernel = isWasmMemory(memory) && isKernelFunction(rows) && isKernelFunction(cols) ? { memory, rows, cols } : null;
  return kernel;
}

/** True when every window bound of the axis (`o*s - pad + k` and the sizes) is an int32. */
function fitsInt32(axis: AxisGeometry): boolean {
  return axis.outSize * axis.stride + axis.padBegin + axis.kernel + axis.inSize < 2 ** 31;
}

/**
 * Max-pools float32 `[N, C, H, W]` over undilated windows `axes` ([rows, columns]); undefined when the kernel does
 * not apply (the caller then uses the JS path).
 */
export function wasmMaxPool2d(
  data: Float32Array,
  dims: readonly number[],
  axes: readonly AxisGeometry[],
): { data: Float32Array; dims: number[] } | undefined {
  const [rowAxis, colAxis] = axes;
  if (
    dims.length !== 4 ||
    axes.length !== 2 ||
    rowAxis === undefined ||
    colAxis === undefined ||
    rowAxis.dilation !== 1 ||
    colAxis.dilation !== 1
  )
    return undefined;
  // The kernel computes window bounds in i32 (`ox*s - pad + k`): geometry past that range takes the JS path.
  if (![rowAxis, colAxis].every(fitsInt32)) return undefined;
  const wasm = loadKernel();
  if (wasm === null) return undefined;
  const [batch = 1, channels = 1, height = 1, width = 1] = dims;
  const planes = batch * channels;
  const inBytes = data.byteLength;
  const scratchBytes = planes * height * colAxis.outSize * 4;
  const outCount = planes * rowAxis.outSize * colAxis.outSize;
  const needed = inBytes + scratchBytes + outCount * 4;
  if (!ensureMemory(wasm.memory, needed)) return undefined;
  new Float32Array(wasm.memory.buffer, 0, data.length).set(data);
  wasm.rows(
    0,
    inBytes,
    planes * height,
    width,
    colAxis.outSize,
    colAxis.kernel,
    colAxis.stride,
    colAxis.padBegin,
    LOWEST_FLOAT32,
  );
  wasm.cols(
    inBytes,
    inBytes + scratchBytes,
    planes,
    height,
    rowAxis.outSize,
    colAxis.outSize,
    rowAxis.kernel,
    rowAxis.stride,
    rowAxis.padBegin,
    LOWEST_FLOAT32,
  );
  const out = new Float32Array(wasm.memory.buffer, inBytes + scratchBytes, outCount).slice();
  return { data: out, dims: [batch, channels, rowAxis.outSize, colAxis.outSize] };
}
