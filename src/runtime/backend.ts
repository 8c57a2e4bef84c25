/**
 * One interface for every runtime: the pure-TS reference and the onnxruntime providers.
 */
import type { Model } from '../ir/graph.js';
import type { Tensor } from '../ir/tensor.js';

/** The backends of DESIGN.md's runtime table. */
export const BACKEND_NAMES = ['ref', 'ort-cpu', 'ort-cuda', 'ort-webgpu', 'web-wasm', 'web-webgpu'] as const;
/** A backend name. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Whether a backend can run here, and if not, why. */
export type Availability =
  { readonly available: true; readonly detail: string } | { readonly available: false; readonly reason: string };

/** Named input or output tensors. */
export type TensorMap = ReadonlyMap<string, Tensor>;

/** A model loaded on a backend, ready to run. */
export interface Session {
  /** What actually runs the model (e.g. `onnxruntime-node 1.30.0, CPUExecutionProvider`). */
  readonly provider: string;
  run(feeds: TensorMap): Promise<Map<string, Tensor>>;
  dispose(): Promise<void>;
}

/** Options for loading a model. */
export interface LoadOptions {
  /** Intra-op threads (onnxruntime); default: the runtime's choice. */
  readonly threads?: number;
}

/** A runtime. */
export interface Backend {
  readonly name: BackendName;
  /** Checks (once, cached) whether this backend can run here. */
  availability(): Promise<Availability>;
  /** Loads a model; throws when the backend is unavailable or rejects the model. */
  load(model: Model, options?: LoadOptions): Promise<Session>;
}
