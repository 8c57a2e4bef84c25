/**
 * The `web-wasm` backend: onnxruntime-web's wasm (CPU) EP, run in this Node process. Under Node, the plain
 * `onnxruntime-web` entry resolves to its Node build (`dist/ort.node.min.mjs`), which has the wasm backend only
 * (no WebGPU, no WebGL); its `.wasm` is read from the package folder. It is imported on first use.
 *
 * This is the same kernel code that runs in a browser tab's wasm, so it checks what a web user's CPU path computes
 * without a browser. Tensors convert through ort-tensor.ts (onnxruntime-web's `Tensor` is onnxruntime-common's,
 * like onnxruntime-node's).
 */
import { GraphBuilder } from '../graph/builder.js';
import { DataType } from '../ir/dtype.js';
import type { Model } from '../ir/graph.js';
import { Tensor } from '../ir/tensor.js';
import { MaxPool } from '../ops/max-pool.js';
import type { InferenceSession as WebInferenceSession } from 'onnxruntime-web';
import type { Availability, Backend, LoadOptions, Session } from './backend.js';
import {
  BackendError,
  BackendUnavailableError,
  encodeForOrt,
  OrtSession,
  ortErrorText,
  type GraphOptimizationLevel,
} from './ort-node.js';
import { checkBoundaryTypes, toOrtTensor } from './ort-tensor.js';

/** The onnxruntime-web module (its Node build). */
export type OrtWebModule = typeof import('onnxruntime-web');

let ortWeb: Promise<OrtWebModule> | undefined;

/** Imports onnxruntime-web once. */
export function loadOrtWeb(): Promise<OrtWebModule> {
  ortWeb ??= import('onnxruntime-web');
  return ortWeb;
}

/** Options of a `web-wasm` load. */
export interface WebWasmLoadOptions extends LoadOptions {
  readonly graphOptimizationLevel?: GraphOptimizationLevel;
}

/** Options of `createWebWasmBackend`. */
export interface WebWasmOptions {
  readonly graphOptimizationLevel?: GraphOptimizationLevel;
  /** Serializer override (tests); default `encodeModel`. */
  readonly encode?: (model: Model) => Uint8Array | Promise<Uint8Array>;
}

/** A `web-wasm` backend. */
export interface WebWasmBackend extends Backend {
  load(model: Model, options?: WebWasmLoadOptions): Promise<Session>;
}

/** A model that checks a backend computes: its `input` must give exactly `expected` as output `y`. */
export interface ProbeCase {
  readonly model: Model;
  readonly input: Tensor;
  readonly expected: number;
}

/**
 * The availability probe of the onnxruntime-web backends: MaxPool 2x2 over values all below -1e5 must give the
 * largest, -2e5 (onnxruntime-web's JSEP MaxPool starts its max from -1e5 and would give -1e5).
 */
export function probeModel(): ProbeCase {
  const b = new GraphBuilder({ name: 'web_probe', opset: 17 });
  const x = b.input('x', DataType.FLOAT, [1, 1, 2, 2]);
  b.output(b.op1(MaxPool, [x], { kernelShape: [2, 2] }), 'y');
  return { model: b.build(), input: Tensor.float32([1, 1, 2, 2], [-3e5, -2e5, -4e5, -5e5]), expected: -2e5 };
}

/** The `web-wasm` backend. */
export function createWebWasmBackend(defaults: WebWasmOptions = {}): WebWasmBackend {
  const encode = defaults.encode ?? encodeForOrt;
  const optimization = (options: WebWasmLoadOptions): GraphOptimizationLevel =>
    options.graphOptimizationLevel ?? defaults.graphOptimizationLevel ?? 'all';
  let cached: Promise<Availability> | undefined;
  const availability = (): Promise<Availability> => {
    cached ??= (async (): Promise<Availability> => {
      let ort: OrtWebModule;
      try {
        ort = await loadOrtWeb();
      } catch (error) {
        return { available: false, reason: `onnxruntime-web failed to load: ${ortErrorText(error)}` };
      }
      if (typeof WebAssembly !== 'object')
        return { available: false, reason: 'this JavaScript engine has no WebAssembly' };
      const probe = probeModel();
      try {
        const session = await ort.InferenceSession.create(await encode(probe.model), { executionProviders: ['wasm'] });
        const y = (await session.run({ x: toOrtTensor(ort.Tensor, probe.input) }))['y']?.data;
        await session.release();
        if (!(y instanceof Float32Array) || y.length !== 1 || y[0] !== probe.expected)
          return { available: false, reason: `probe computed ${String(y)}, expected ${probe.expected}` };
      } catch (error) {
        return { available: false, reason: `probe session failed: ${ortErrorText(error)}` };
      }
      return {
        available: true,
        detail: `onnxruntime-web ${ort.env.versions.web ?? '?'}, wasm (CPU) EP in Node ${process.version}`,
      };
    })();
    return cached;
  };
  return {
    name: 'web-wasm',
    availability,
    async load(model: Model, options: WebWasmLoadOptions = {}): Promise<Session> {
      const state = await availability();
      if (!state.available) throw new BackendUnavailableError('web-wasm', state.reason);
      const ort = await loadOrtWeb();
      checkBoundaryTypes('web-wasm', model);
      const bytes = await encode(model);
      let session: WebInferenceSession;
      try {
        session = await ort.InferenceSession.create(bytes, {
          executionProviders: ['wasm'],
          graphOptimizationLevel: optimization(options),
          ...(options.threads === undefined ? {} : { intraOpNumThreads: options.threads }),
        });
      } catch (error) {
        throw new BackendError('web-wasm', `session creation failed: ${ortErrorText(error)}`);
      }
      const threads = ort.env.wasm.numThreads;
      const provider = [
        `onnxruntime-web ${ort.env.versions.web ?? '?'}`,
        'wasm (CPU) EP in Node',
        ...(typeof threads === 'number' ? [`${threads} wasm thread(s)`] : []),
        `graph optimization ${optimization(options)}`,
      ].join(', ');
      return new OrtSession(provider, 'web-wasm', ort.Tensor, session, 'onnxruntime-web');
    },
  };
}
