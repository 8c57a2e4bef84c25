/**
 * onnxruntime-node backends: the shared machinery (lazy loading of the native binding, session options, the
 * strict-placement retry) and the `ort-cpu` backend. `ort-cuda` and `ort-webgpu` build on it (ort-cuda.ts,
 * ort-webgpu.ts). Feeding and fetching tensors is ../ort-session.ts's `OrtSession`, shared with onnxruntime-web;
 * availability is checked once through `defineBackend` (../backend.ts).
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
import type { InferenceSession } from 'onnxruntime-node';
import type { Model } from '../../ir/graph.js';
import {
  defineBackend,
  type Availability,
  type BackendName,
  type DefinedBackend,
  type LoadOptions,
  type Session,
} from '../backend.js';
import {
  CPU_PLACEMENT_REFUSED,
  encodeForOrt,
  int64NodeCount,
  ortErrorText,
  ortFailure,
  OrtSession,
  shapeNodesOnCpuNote,
  type GraphOptimizationLevel,
  type ModelEncoder,
} from '../ort-session.js';
import { checkBoundaryTypes } from '../ort-tensor.js';

/** The onnxruntime-node module. */
export type OrtModule = typeof import('onnxruntime-node');

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
  readonly encode?: ModelEncoder;
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

/** An onnxruntime-node backend. */
export interface OrtBackend extends DefinedBackend<OrtLoadOptions> {
  /** The ORT session options a load with `options` uses (for inspection and debugging). */
  sessionOptions(options?: OrtLoadOptions): InferenceSession.SessionOptions;
}

/** Loads onnxruntime-node, then runs the spec's own check. */
async function checkOrt(spec: OrtBackendSpec): Promise<Availability> {
  let ort: OrtModule;
  try {
    ort = await loadOrt();
  } catch (error) {
    return { available: false, reason: `onnxruntime-node failed to load: ${ortErrorText(error)}` };
  }
  return spec.check(ort);
}

/** Creates a session for a spec; see `createOrtBackend` for what happens when strict placement refuses it. */
async function loadOrtSession(spec: OrtBackendSpec, model: Model, options: OrtLoadOptions): Promise<Session> {
  const ort = await loadOrt();
  checkBoundaryTypes(spec.name, model);
  const bytes = await (spec.encode ?? encodeForOrt)(model);
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, sessionOptions(spec, options));
  } catch (error) {
    const message = ortErrorText(error);
    const shapeNodes = int64NodeCount(model);
    // ORT itself prefers the CPU EP for small int64 shape arithmetic (Shape/Div/Split on sizes) even when a GPU
    // EP could run it, so a dynamic model is refused under strict placement. Unless the caller chose strictness
    // explicitly, allow that mix, and say so in the provider text.
    if (CPU_PLACEMENT_REFUSED.test(message) && options.cpuFallback === undefined && shapeNodes > 0) {
      const relaxed = { ...options, cpuFallback: true };
      session = await ort.InferenceSession.create(bytes, sessionOptions(spec, relaxed));
      const provider = providerText(ort, spec, relaxed) + shapeNodesOnCpuNote(shapeNodes);
      return new OrtSession(provider, spec.name, ort.Tensor, session);
    }
    throw ortFailure(spec.name, 'session creation failed', message, spec.explainLoadFailure);
  }
  return new OrtSession(providerText(ort, spec, options), spec.name, ort.Tensor, session);
}

/** An onnxruntime-node backend built from a spec, through `defineBackend` (availability checked once, cached). */
export function createOrtBackend(spec: OrtBackendSpec): OrtBackend {
  return {
    ...defineBackend<OrtLoadOptions>({
      name: spec.name,
      check: () => checkOrt(spec),
      load: (model, options) => loadOrtSession(spec, model, options ?? {}),
    }),
    sessionOptions: (options: OrtLoadOptions = {}) => sessionOptions(spec, options),
  };
}

/** Options of `createOrtCpuBackend`. */
export interface OrtCpuOptions {
  /** Default graph optimization level (`all`). */
  readonly graphOptimizationLevel?: GraphOptimizationLevel;
  /** Serializer override (tests); default `encodeModel`. */
  readonly encode?: ModelEncoder;
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
