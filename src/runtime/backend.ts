/**
 * One interface for every runtime (the pure-TS reference and the onnxruntime providers), its errors, and
 * `defineBackend`, the one place where a backend's availability is checked once, cached, and enforced by `load`.
 *
 * Browser-safe: this file and everything directly in src/runtime/ import no Node built-in; the Node-only backends
 * live in src/runtime/node/.
 */
import { SppkitError } from '../ir/errors.js';
import type { Model } from '../ir/graph.js';
import type { Tensor } from '../ir/tensor.js';

/** The backends of DESIGN.md's runtime table. */
export const BACKEND_NAMES = ['ref', 'ort-cpu', 'ort-cuda', 'ort-webgpu', 'web-wasm', 'web-webgpu'] as const;
/** A backend name. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** True when `text` is one of BACKEND_NAMES. */
export function isBackendName(text: string): text is BackendName {
  return BACKEND_NAMES.some((name) => name === text);
}

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

/** A backend cannot run here (missing library, driver or device); the message says which and why. */
export class BackendUnavailableError extends SppkitError {
  constructor(
    readonly backend: BackendName,
    readonly reason: string,
  ) {
    super('E_BACKEND_UNAVAILABLE', `${backend}: unavailable: ${reason}`);
  }
}

/** A backend failed to load or run a model; the message carries the runtime's own words. */
export class BackendError extends SppkitError {
  constructor(
    readonly backend: BackendName,
    detail: string,
  ) {
    super('E_BACKEND', `${backend}: ${detail}`);
  }
}

/** What a backend supplies to `defineBackend`. */
export interface BackendDefinition<Options extends LoadOptions, S extends Session> {
  readonly name: BackendName;
  /**
   * Decides whether the backend can run here (it may load a runtime, probe drivers, start a browser). Called at
   * most once per backend object; a throw or rejection becomes `unavailable: availability check failed: <why>`.
   */
  readonly check: () => Promise<Availability>;
  /** Loads a model; called only once `check` said the backend is available. */
  readonly load: (model: Model, options: Options | undefined) => Promise<S>;
}

/** A backend made by `defineBackend`: `load` takes the backend's own options and gives its own session type. */
export interface DefinedBackend<
  Options extends LoadOptions = LoadOptions,
  S extends Session = Session,
> extends Backend {
  load(model: Model, options?: Options): Promise<S>;
}

/**
 * Makes a backend from its availability check and its loader: the check runs on first use and its answer is kept
 * (so drivers are probed at most once), and `load` refuses with BackendUnavailableError, naming the reason, while
 * the backend is unavailable.
 */
export function defineBackend<Options extends LoadOptions = LoadOptions, S extends Session = Session>(
  definition: BackendDefinition<Options, S>,
): DefinedBackend<Options, S> {
  let cached: Promise<Availability> | undefined;
  const availability = (): Promise<Availability> => {
    cached ??= Promise.resolve()
      .then(definition.check)
      .catch((error: unknown): Availability => {
        const message = error instanceof Error ? error.message : String(error);
        return { available: false, reason: `availability check failed: ${message}` };
      });
    return cached;
  };
  return {
    name: definition.name,
    availability,
    async load(model: Model, options?: Options): Promise<S> {
      const state = await availability();
      if (!state.available) throw new BackendUnavailableError(definition.name, state.reason);
      return definition.load(model, options);
    },
  };
}

/** A backend that can never run here, for `reason`; `load` throws BackendUnavailableError. */
export function unavailableBackend(name: BackendName, reason: string): Backend {
  return defineBackend({
    name,
    check: () => Promise.resolve({ available: false, reason }),
    load: () => Promise.reject(new BackendUnavailableError(name, reason)),
  });
}
