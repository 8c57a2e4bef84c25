/**
 * onnxruntime-node backends: the shared machinery (lazy loading of the native binding, session options, feeding
 * and fetching tensors) and the `ort-cpu` backend. `ort-cuda` and `ort-webgpu` build on it (ort-cuda.ts,
 * ort-webgpu.ts).
 *
 * onnxruntime-node is imported lazily, on the first availability check or load, so that importing sppkit never
 * loads native code, and so that `ort-webgpu` can set `VK_ICD_FILENAMES` before ORT first initialises WebGPU.
 *
 * An ORT session is created with exactly the execution providers a backend names. onnxruntime silently assigns
 * nodes that the chosen EP cannot run to its CPU EP; sppkit forbids that by default (ORT's session config
 * `session.disable_cpu_ep_fallback`), so a GPU backend either runs the whole graph on its EP or refuses to load,
 * and `Session.provider` says what ran. `cpuFallback: true` allows the mix, and the provider text says so.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { SppkitError, UnsupportedError } from '../ir/errors.js';
import { DataType } from '../ir/dtype.js';
import type { Model } from '../ir/graph.js';
import type { Tensor } from '../ir/tensor.js';
import type { Availability, Backend, BackendName, LoadOptions, Session, TensorMap } from './backend.js';
import { checkBoundaryTypes, fromOrtTensor, toOrtTensor, type OrtTensorConstructor } from './ort-tensor.js';

/** The onnxruntime-node module. */
export type OrtModule = typeof import('onnxruntime-node');

/** ORT's graph optimization levels. */
export type GraphOptimizationLevel = NonNullable<InferenceSession.SessionOptions['graphOptimizationLevel']>;

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

/** Options of an onnxruntime-node load, beyond the common ones. */
export interface OrtLoadOptions extends LoadOptions {
  /** ORT graph optimizations (default: the backend's setting, `all` unless configured). */
  readonly graphOptimizationLevel?: GraphOptimizationLevel;
  /** Let ORT run nodes the EP cannot take on its CPU EP (default: the backend's setting, false for GPU EPs). */
  readonly cpuFallback?: boolean;
}

let ortModule: Promise<OrtModule> | undefined;

/** Imports onnxruntime-node once (loading its native binding). */
export function loadOrt(): Promise<OrtModule> {
  ortModule ??= import('onnxruntime-node');
  return ortModule;
}

/** The folder holding `onnxruntime_binding.node` and `libonnxruntime.so.1`, where ORT also loads EP libraries from. */
export function ortBinaryDir(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  // entry is <package>/dist/index.js; the binding is <package>/bin/napi-v6/<platform>/<arch>/ (see its binding.js).
  return path.join(path.dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

/**
 * The text of an error thrown by onnxruntime. Kept whole (its source location helps a bug report) unless `short`,
 * which drops the `file.cc:line function condition was false.` prefix of ORT's checks.
 */
export function ortErrorText(error: unknown, short = false): string {
  const text = (error instanceof Error ? error.message : String(error)).trim();
  return short ? text.replace(/^\S+\.(?:cc|cpp|h):\d+ .*? was false\. /s, '') : text;
}

/** What an onnxruntime-node backend plugs into the shared machinery. */
export interface OrtBackendSpec {
  readonly name: BackendName;
  /** ORT's name of the EP, for `Session.provider` (e.g. `CPUExecutionProvider`). */
  readonly providerName: string;
  /** The `executionProviders` list, in order; never lists `cpu` after a GPU EP. */
  readonly executionProviders: () => readonly InferenceSession.ExecutionProviderConfig[];
  /** Whether nodes may fall back to the CPU EP unless a load says otherwise. */
  readonly cpuFallback: boolean;
  /** The default graph optimization level. */
  readonly graphOptimizationLevel: GraphOptimizationLevel;
  /** Backend-specific availability (after onnxruntime-node itself loaded); cached by the caller. */
  readonly check: (ort: OrtModule) => Promise<Availability>;
  /** Extra text for `Session.provider` (e.g. which Vulkan driver). */
  readonly describe?: () => string;
  /** Turns a session-creation failure into the message users see (e.g. naming a missing library). */
  readonly explainLoadFailure?: (ortMessage: string) => string;
  /** Serializes a model to ONNX bytes (default: `encodeModel` from src/export/model.ts). */
  readonly encode?: (model: Model) => Uint8Array | Promise<Uint8Array>;
}

/** Serializes a model with `encodeModel` (src/export), imported on first use. */
export async function encodeForOrt(model: Model): Promise<Uint8Array> {
  const { encodeModel } = await import('../export/model.js');
  return encodeModel(model);
}

/** Session options for a spec and a load. */
export function sessionOptions(spec: OrtBackendSpec, options: OrtLoadOptions): InferenceSession.SessionOptions {
  const cpuFallback = options.cpuFallback ?? spec.cpuFallback;
  return {
    executionProviders: spec.executionProviders(),
    graphOptimizationLevel: options.graphOptimizationLevel ?? spec.graphOptimizationLevel,
    ...(options.threads === undefined ? {} : { intraOpNumThreads: options.threads }),
    // The CPU EP is never "fallback" for itself.
    ...(cpuFallback || spec.providerName === 'CPUExecutionProvider'
      ? {}
      : { extra: { session: { disable_cpu_ep_fallback: '1' } } }),
  };
}

function providerText(ort: OrtModule, spec: OrtBackendSpec, options: OrtLoadOptions): string {
  const parts = [`onnxruntime-node ${ort.env.versions.node ?? '?'}`, spec.providerName];
  if (spec.providerName !== 'CPUExecutionProvider')
    parts.push((options.cpuFallback ?? spec.cpuFallback) ? 'CPU fallback allowed' : 'no CPU fallback');
  const extra = spec.describe?.();
  if (extra !== undefined && extra !== '') parts.push(extra);
  parts.push(`graph optimization ${options.graphOptimizationLevel ?? spec.graphOptimizationLevel}`);
  if (options.threads !== undefined) parts.push(`${options.threads} intra-op thread(s)`);
  return parts.join(', ');
}

/** What `OrtSession` needs of an onnxruntime session; onnxruntime-node's and onnxruntime-web's both fit. */
export interface OrtRuntimeSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

/** A `Session` over an onnxruntime session (node or web): checks feeds, converts tensors both ways. */
export class OrtSession implements Session {
  constructor(
    readonly provider: string,
    private readonly backend: BackendName,
    private readonly TensorClass: OrtTensorConstructor,
    private readonly session: OrtRuntimeSession,
    /** How errors name the runtime (`onnxruntime`, `onnxruntime-web`). */
    private readonly runtime = 'onnxruntime',
  ) {}

  async run(feeds: TensorMap): Promise<Map<string, Tensor>> {
    const inputs = this.session.inputNames;
    const ortFeeds: Record<string, OrtTensor> = {};
    for (const [name, tensor] of feeds) {
      if (!inputs.includes(name))
        throw new BackendError(
          this.backend,
          `'${name}' is not an input of the model (its inputs: ${inputs.join(', ')})`,
        );
      ortFeeds[name] = toOrtTensor(this.TensorClass, tensor);
    }
    const missing = inputs.filter((name) => !feeds.has(name));
    if (missing.length > 0)
      throw new BackendError(
        this.backend,
        `missing input(s) ${missing.map((n) => `'${n}'`).join(', ')} (the model's inputs: ${inputs.join(', ')})`,
      );
    let results: Record<string, OrtTensor>;
    try {
      results = await this.session.run(ortFeeds);
    } catch (error) {
      throw new BackendError(this.backend, `run failed: ${ortErrorText(error)}`);
    }
    const outputs = new Map<string, Tensor>();
    for (const name of this.session.outputNames) {
      const value = results[name];
      if (value === undefined)
        throw new BackendError(this.backend, `${this.runtime} returned no value for output '${name}'`);
      outputs.set(name, fromOrtTensor(value, name));
    }
    return outputs;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** An onnxruntime-node backend. */
export interface OrtBackend extends Backend {
  load(model: Model, options?: OrtLoadOptions): Promise<Session>;
  /** The ORT session options a load with `options` uses (for inspection and debugging). */
  sessionOptions(options?: OrtLoadOptions): InferenceSession.SessionOptions;
}

/** An onnxruntime-node backend built from a spec: availability is checked once and cached. */
export function createOrtBackend(spec: OrtBackendSpec): OrtBackend {
  let cached: Promise<Availability> | undefined;
  const availability = (): Promise<Availability> => {
    cached ??= (async (): Promise<Availability> => {
      let ort: OrtModule;
      try {
        ort = await loadOrt();
      } catch (error) {
        return { available: false, reason: `onnxruntime-node failed to load: ${ortErrorText(error)}` };
      }
      try {
        return await spec.check(ort);
      } catch (error) {
        return { available: false, reason: `availability check failed: ${ortErrorText(error)}` };
      }
    })();
    return cached;
  };
  return {
    name: spec.name,
    availability,
    sessionOptions: (options: OrtLoadOptions = {}) => sessionOptions(spec, options),
    async load(model: Model, options: OrtLoadOptions = {}): Promise<Session> {
      const state = await availability();
      if (!state.available) throw new BackendUnavailableError(spec.name, state.reason);
      const ort = await loadOrt();
      checkBoundaryTypes(spec.name, model);
      const bytes = await (spec.encode ?? encodeForOrt)(model);
      let session: InferenceSession;
      let provider = providerText(ort, spec, options);
      try {
        session = await ort.InferenceSession.create(bytes, sessionOptions(spec, options));
      } catch (error) {
        const message = ortErrorText(error);
        const shapeNodes = int64NodeCount(model);
        // ORT itself prefers the CPU EP for small int64 shape arithmetic (Shape/Div/Split on sizes) even when a GPU
        // EP could run it, so a dynamic model is refused under strict placement. Unless the caller chose strictness
        // explicitly, allow that mix, and say so in the provider text.
        if (CPU_PLACEMENT_REFUSED.test(message) && options.cpuFallback === undefined && shapeNodes > 0) {
          session = await ort.InferenceSession.create(bytes, sessionOptions(spec, { ...options, cpuFallback: true }));
          provider = `${providerText(ort, spec, { ...options, cpuFallback: true })} (ORT placed some of the model's ${shapeNodes} int64 shape-arithmetic nodes on the CPU EP)`;
          return new OrtSession(provider, spec.name, ort.Tensor, session);
        }
        const unsupported = ORT_LACKS.find((pattern) => pattern.test(message));
        if (unsupported !== undefined)
          throw new UnsupportedError(`${spec.name}: onnxruntime lacks this: ${shortOrtMessage(message)}`);
        throw new BackendError(spec.name, `session creation failed: ${spec.explainLoadFailure?.(message) ?? message}`);
      }
      return new OrtSession(provider, spec.name, ort.Tensor, session);
    },
  };
}

/** Options of `createOrtCpuBackend`. */
export interface OrtCpuOptions {
  /** Default graph optimization level (`all`). */
  readonly graphOptimizationLevel?: GraphOptimizationLevel;
  /** Serializer override (tests); default `encodeModel`. */
  readonly encode?: (model: Model) => Uint8Array | Promise<Uint8Array>;
}

/** The `ort-cpu` backend: onnxruntime-node's CPU EP. */
export function createOrtCpuBackend(options: OrtCpuOptions = {}): OrtBackend {
  return createOrtBackend({
    name: 'ort-cpu',
    providerName: 'CPUExecutionProvider',
    executionProviders: () => ['cpu'],
    cpuFallback: true,
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    ...(options.encode === undefined ? {} : { encode: options.encode }),
    check: (ort) => {
      const cpu = ort.listSupportedBackends().find((entry) => entry.name === 'cpu');
      if (cpu === undefined)
        return Promise.resolve({
          available: false,
          reason: `onnxruntime-node ${ort.env.versions.node ?? '?'} lists no cpu backend`,
        });
      return Promise.resolve({
        available: true,
        detail: `onnxruntime-node ${ort.env.versions.node ?? '?'}, CPUExecutionProvider`,
      });
    },
  });
}

/** One kernel run from an ORT profile: the node, its op type and the execution provider that ran it. */
export interface ProfiledNode {
  readonly node: string;
  readonly opType: string;
  readonly provider: string;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? Object.getOwnPropertyDescriptor(value, key)?.value : undefined;
}

/**
 * The kernel runs in an ORT profile (the JSON that `enableProfiling` writes): ORT records, for every node it ran,
 * an event of category `Node` named `<node>_kernel_time` whose args name the op and the EP. This is how to check
 * which EP really ran each node.
 */
export function profiledNodes(profile: unknown): ProfiledNode[] {
  const nodes: ProfiledNode[] = [];
  const events: readonly unknown[] = Array.isArray(profile) ? profile : [];
  for (const event of events) {
    const name = field(event, 'name');
    const args = field(event, 'args');
    const opType = field(args, 'op_name');
    const provider = field(args, 'provider');
    if (field(event, 'cat') !== 'Node' || typeof name !== 'string' || !name.endsWith('_kernel_time')) continue;
    if (typeof opType !== 'string' || typeof provider !== 'string') continue;
    nodes.push({ node: name.slice(0, -'_kernel_time'.length), opType, provider });
  }
  return nodes;
}

/**
 * onnxruntime messages that mean "this runtime does not implement that" (an op for a type, an opset newer than it
 * supports) rather than "the model is wrong": the golden runner reports these as skips with the reason.
 */
const ORT_LACKS: readonly RegExp[] = [
  /Could not find an implementation for/,
  /Opset \d+ is under development/,
  /is not a registered function\/op/,
];

/** The useful part of an onnxruntime message (without the C++ source location). */
function shortOrtMessage(message: string): string {
  return message.replace(/\/onnxruntime_src\/\S+ [^)]*\) /, '').slice(0, 300);
}

/** ORT's message when strict placement refused a model because some nodes would run on the CPU EP. */
export const CPU_PLACEMENT_REFUSED = /fallback to CPU EP has been explicitly disabled/;

/** Nodes of the model whose every output is int64 (shape arithmetic in sppkit's dynamic models). */
export function int64NodeCount(model: Model): number {
  return model.graph.nodes.filter(
    (node) => node.outputs.length > 0 && node.outputs.every((v) => v.type?.dtype === DataType.INT64),
  ).length;
}
