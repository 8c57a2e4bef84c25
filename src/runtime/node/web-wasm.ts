/**
 * The `web-wasm` backend: onnxruntime-web's wasm (CPU) EP, run in this Node process. Under Node, the plain
 * `onnxruntime-web` entry resolves to its Node build (`dist/ort.node.min.mjs`), which has the wasm backend only
 * (no WebGPU, no WebGL); its `.wasm` is read from the package folder. It is imported on first use.
 *
 * This is the same kernel code that runs in a browser tab's wasm, so it checks what a web user's CPU path computes
 * without a browser. Tensors convert through ort-tensor.ts (onnxruntime-web's `Tensor` is onnxruntime-common's,
 * like onnxruntime-node's).
 */
import type { Model } from '../../ir/graph.js';
import type { InferenceSession as WebInferenceSession } from 'onnxruntime-web';
import { defineBackend, type Availability, type DefinedBackend, type LoadOptions } from '../backend.js';
import {
  encodeForOrt,
  OrtSession,
  ortErrorText,
  ortFailure,
  type GraphOptimizationLevel,
  type ModelEncoder,
} from '../ort-session.js';
import { checkBoundaryTypes } from '../ort-tensor.js';
import { probeModel, runProbe } from '../probe.js';

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
  readonly encode?: ModelEncoder;
}

/** A `web-wasm` backend. */
export type WebWasmBackend = DefinedBackend<WebWasmLoadOptions>;

/** Creates a wasm session (no availability check: the caller made it). */
async function createSession(
  ort: OrtWebModule,
  bytes: Uint8Array,
  optimization: GraphOptimizationLevel,
  threads: number | undefined,
): Promise<OrtSession> {
  let session: WebInferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: optimization,
      ...(threads === undefined ? {} : { intraOpNumThreads: threads }),
    });
  } catch (error) {
    throw ortFailure('web-wasm', 'session creation failed', ortErrorText(error));
  }
  const wasmThreads = ort.env.wasm.numThreads;
  const provider = [
    `onnxruntime-web ${ort.env.versions.web ?? '?'}`,
    'wasm (CPU) EP in Node',
    ...(typeof wasmThreads === 'number' ? [`${wasmThreads} wasm thread(s)`] : []),
    `graph optimization ${optimization}`,
  ].join(', ');
  return new OrtSession(provider, 'web-wasm', ort.Tensor, session, 'onnxruntime-web');
}

/** The `web-wasm` backend. */
export function createWebWasmBackend(defaults: WebWasmOptions = {}): WebWasmBackend {
  const encode = defaults.encode ?? encodeForOrt;
  const optimization = (options: WebWasmLoadOptions): GraphOptimizationLevel =>
    options.graphOptimizationLevel ?? defaults.graphOptimizationLevel ?? 'all';
  const check = async (): Promise<Availability> => {
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
      const session = await createSession(ort, await encode(probe.model), 'all', undefined);
      const mismatch = await runProbe(session, probe).finally(() => session.dispose());
      if (mismatch !== undefined) return { available: false, reason: mismatch };
    } catch (error) {
      return { available: false, reason: `probe session failed: ${ortErrorText(error)}` };
    }
    return {
      available: true,
      detail: `onnxruntime-web ${ort.env.versions.web ?? '?'}, wasm (CPU) EP in Node ${process.version}`,
    };
  };
  return defineBackend<WebWasmLoadOptions>({
    name: 'web-wasm',
    check,
    async load(model: Model, options: WebWasmLoadOptions = {}) {
      const ort = await loadOrtWeb();
      checkBoundaryTypes('web-wasm', model);
      return createSession(ort, await encode(model), optimization(options), options.threads);
    },
  });
}
