/**
 * The `web-webgpu` backend: onnxruntime-web's WebGPU EP in headless Chromium (web-browser.ts), driven from Node.
 *
 * Build choice: the page loads `onnxruntime-web/webgpu` (`dist/ort.webgpu.min.mjs`), the **native** WebGPU EP
 * (the C++ EP compiled to wasm), not the default `onnxruntime-web` build's JS kernels (JSEP). For sppkit's models
 * the JSEP MaxPool is wrong or refuses: it throws on `ceil_mode=1` and starts its max from -1e5, so a window whose
 * values are all below -1e5 gives -1e5. The native EP has neither problem (checked by the availability probe,
 * whose window is all below -1e5, and by the tests).
 *
 * No silent fallback: sessions are created with `executionProviders: ['webgpu']` only (so ORT-web cannot fall back
 * to its wasm backend) and with ORT's `session.disable_cpu_ep_fallback`, so a model with a node the WebGPU EP
 * cannot run fails to load with ORT's message instead of running that node on the CPU EP inside the wasm. The
 * availability probe additionally creates its session with verbose logging and requires ORT's own line
 * "All nodes placed on [WebGpuExecutionProvider]"; `verifyPlacement: true` does the same for any load.
 *
 * Model bytes (encodeModel) are served from the runner's 127.0.0.1 server and fetched by the page; inputs and
 * outputs travel as raw bytes in base64 (web-wire.ts).
 */
import { DataType } from '../../ir/dtype.js';
import { UnsupportedError } from '../../ir/errors.js';
import type { Model } from '../../ir/graph.js';
import type { Tensor } from '../../ir/tensor.js';
import {
  BackendError,
  defineBackend,
  type Availability,
  type DefinedBackend,
  type LoadOptions,
  type Session,
  type TensorMap,
} from '../backend.js';
import {
  CPU_PLACEMENT_REFUSED,
  encodeForOrt,
  int64NodeCount,
  ortFailure,
  shapeNodesOnCpuNote,
  type GraphOptimizationLevel,
  type ModelEncoder,
} from '../ort-session.js';
import { checkBoundaryTypes } from '../ort-tensor.js';
import { probeModel, runProbe } from '../probe.js';
import {
  acquireWebHost,
  CHROMIUM_CANDIDATES,
  CHROMIUM_ENV,
  describeAdapter,
  fieldOf,
  findChromium,
  ORT_WEB_MODULE,
  releaseWebHost,
  type WebHost,
} from './web-browser.js';
import { fromWireTensor, parseWireTensor, toWireTensor, wireTypeOf } from './web-wire.js';

/** The WebGPU feature a device needs for float16 shaders. */
const SHADER_F16 = 'shader-f16';

/** The first float16 value of the model (input, initializer or node output), if any. */
function firstFloat16Value(model: Model): string | undefined {
  return [...model.graph.values()].find((value) => value.type?.dtype === DataType.FLOAT16)?.name;
}

/** ORT's own log line when the whole graph went to one EP. */
const ALL_ON_WEBGPU = 'All nodes placed on [WebGpuExecutionProvider]';

/** Options of a `web-webgpu` load. */
export interface WebGpuLoadOptions extends LoadOptions {
  readonly graphOptimizationLevel?: GraphOptimizationLevel;
  /** Let ORT run nodes the WebGPU EP cannot take on its CPU EP, inside the page's wasm (default false). */
  readonly cpuFallback?: boolean;
  /** Create the session with verbose logging and require ORT's "All nodes placed on [WebGpuExecutionProvider]". */
  readonly verifyPlacement?: boolean;
}

/** Options of `createWebWebGpuBackend`. */
export interface WebWebGpuOptions {
  /** Chromium executable (default: `$SPPKIT_CHROMIUM`, else the first of CHROMIUM_CANDIDATES). */
  readonly executablePath?: string;
  readonly cpuFallback?: boolean;
  readonly graphOptimizationLevel?: GraphOptimizationLevel;
  /** Serializer override (tests); default `encodeModel`. */
  readonly encode?: ModelEncoder;
}

/** A `web-webgpu` backend. */
export type WebWebGpuBackend = DefinedBackend<WebGpuLoadOptions, WebGpuSession>;

/** A page session with what ORT reported when creating it. */
export interface WebGpuSession extends Session {
  /** ORT's node-placement log lines (only with `verifyPlacement`). */
  readonly placement: readonly string[];
  /** Milliseconds ORT took to create the session, measured in the page. */
  readonly createMs: number;
  /** Milliseconds of the last `run`, measured in the page around `session.run` (excludes the transfer). */
  readonly lastRunMs: number | undefined;
}

let nextId = 0;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errorOf(answer: unknown): string | undefined {
  const error = fieldOf(answer, 'error');
  return typeof error === 'string' ? error : undefined;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

class PageSession implements WebGpuSession {
  lastRunMs: number | undefined;
  private released = false;

  constructor(
    readonly provider: string,
    private readonly host: WebHost,
    private readonly id: string,
    private readonly inputNames: readonly string[],
    readonly placement: readonly string[],
    readonly createMs: number,
  ) {}

  async run(feeds: TensorMap): Promise<Map<string, Tensor>> {
    if (this.released) throw new BackendError('web-webgpu', 'session was disposed');
    for (const name of feeds.keys()) {
      if (!this.inputNames.includes(name))
        throw new BackendError(
          'web-webgpu',
          `'${name}' is not an input of the model (its inputs: ${this.inputNames.join(', ')})`,
        );
    }
    const missing = this.inputNames.filter((name) => !feeds.has(name));
    if (missing.length > 0)
      throw new BackendError(
        'web-webgpu',
        `missing input(s) ${missing.map((n) => `'${n}'`).join(', ')} ` +
          `(the model's inputs: ${this.inputNames.join(', ')})`,
      );
    const wire = [...feeds].map(([name, tensor]) => toWireTensor(name, tensor));
    const answer = await this.host.call('run', { id: this.id, feeds: wire });
    const error = errorOf(answer);
    if (error !== undefined) throw ortFailure('web-webgpu', 'run failed', error);
    const ms = fieldOf(answer, 'ms');
    this.lastRunMs = typeof ms === 'number' ? ms : undefined;
    const outputs = fieldOf(answer, 'outputs');
    if (!Array.isArray(outputs))
      throw new BackendError('web-webgpu', `the page returned no outputs: ${JSON.stringify(answer).slice(0, 200)}`);
    const { Tensor: OrtTensor } = await import('onnxruntime-web');
    const result = new Map<string, Tensor>();
    for (const output of outputs) {
      const parsed = parseWireTensor(output);
      result.set(parsed.name, fromWireTensor(OrtTensor, parsed));
    }
    return result;
  }

  async dispose(): Promise<void> {
    if (this.released) return;
    this.released = true;
    try {
      await this.host.call('release', { id: this.id });
    } finally {
      releaseWebHost(this.host.chromium);
    }
  }
}

function sessionOptionsFor(options: WebGpuLoadOptions, defaults: WebWebGpuOptions): Record<string, unknown> {
  const cpuFallback = options.cpuFallback ?? defaults.cpuFallback ?? false;
  return {
    executionProviders: ['webgpu'],
    graphOptimizationLevel: options.graphOptimizationLevel ?? defaults.graphOptimizationLevel ?? 'all',
    ...(cpuFallback ? {} : { extra: { session: { disable_cpu_ep_fallback: '1' } } }),
  };
}

/** The `web-webgpu` backend. */
export function createWebWebGpuBackend(defaults: WebWebGpuOptions = {}): WebWebGpuBackend {
  const encode = defaults.encode ?? encodeForOrt;

  /** Creates a page session; it holds one use of the shared host, given back by `dispose` (or here on failure). */
  async function open(
    executablePath: string,
    model: Model,
    options: WebGpuLoadOptions,
    note = '',
  ): Promise<PageSession> {
    const host = await acquireWebHost(executablePath);
    let session: PageSession | undefined;
    try {
      const id = `s${nextId++}`;
      const modelPath = `/models/${id}.onnx`;
      host.server.set(modelPath, { kind: 'bytes', type: 'application/octet-stream', body: await encode(model) });
      let answer: unknown;
      try {
        answer = await host.call('create', {
          id,
          modelUrl: modelPath,
          options: sessionOptionsFor(options, defaults),
          capturePlacement: options.verifyPlacement === true,
        });
      } finally {
        host.server.delete(modelPath);
      }
      const error = errorOf(answer);
      if (error !== undefined) {
        const hint = /fallback/i.test(error)
          ? ' (some nodes cannot run on the WebGPU EP, e.g. int64 shape arithmetic of dynamic sizes, which ORT ' +
            "assigns to its CPU EP; pass cpuFallback: true to allow ORT's CPU EP for them, and verifyPlacement: " +
            'true to see which)'
          : '';
        throw ortFailure('web-webgpu', 'session creation failed', error, (text) => `${text}${hint}`);
      }
      const placement = stringList(fieldOf(answer, 'placement'));
      const createMs = fieldOf(answer, 'ms');
      const cpuFallback = options.cpuFallback ?? defaults.cpuFallback ?? false;
      const adapter = host.adapter.ok ? describeAdapter(host.adapter.info) : 'no adapter';
      const provider =
        [
          `onnxruntime-web ${host.ortVersion}`,
          'WebGpuExecutionProvider (onnxruntime-web/webgpu)',
          cpuFallback ? 'CPU fallback allowed' : 'no CPU fallback',
          `Chromium ${host.browser.version()} headless, adapter ${adapter}`,
          `graph optimization ${options.graphOptimizationLevel ?? defaults.graphOptimizationLevel ?? 'all'}`,
        ].join(', ') + note;
      session = new PageSession(
        provider,
        host,
        id,
        stringList(fieldOf(answer, 'inputNames')),
        placement,
        typeof createMs === 'number' ? createMs : Number.NaN,
      );
      if (options.verifyPlacement === true && !placement.some((line) => line.includes(ALL_ON_WEBGPU))) {
        throw new BackendError(
          'web-webgpu',
          `ORT did not report "${ALL_ON_WEBGPU}"; its placement log: ${placement.join(' | ') || '(nothing)'}`,
        );
      }
      return session;
    } catch (error) {
      if (session === undefined) releaseWebHost(executablePath);
      else await session.dispose();
      throw error;
    }
  }

  const check = async (): Promise<Availability> => {
    const executablePath = defaults.executablePath ?? findChromium();
    if (executablePath === undefined) {
      return {
        available: false,
        reason:
          `no Chromium: ${CHROMIUM_ENV} is not set and none of ${CHROMIUM_CANDIDATES.join(', ')} exists ` +
          '(Debian: apt-get install chromium)',
      };
    }
    try {
      await import('playwright-core');
    } catch (error) {
      return {
        available: false,
        reason: `playwright-core is not installed (npm install --save-dev playwright-core): ${String(error)}`,
      };
    }
    let host: WebHost;
    try {
      host = await acquireWebHost(executablePath);
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
      return { available: false, reason: `Chromium at ${executablePath} could not start the harness: ${message}` };
    }
    try {
      if (!host.adapter.ok)
        return {
          available: false,
          reason: `Chromium ${host.browser.version()} has no WebGPU adapter: ${host.adapter.error}`,
        };
      const adapter = describeAdapter(host.adapter.info);
      const probe = probeModel();
      let session: PageSession;
      try {
        session = await open(executablePath, probe.model, { verifyPlacement: true });
      } catch (error) {
        return {
          available: false,
          reason: `WebGPU probe session failed on adapter ${adapter}: ${errorText(error)}`,
        };
      }
      const mismatch = await runProbe(session, probe).finally(() => session.dispose());
      if (mismatch !== undefined) return { available: false, reason: `WebGPU ${mismatch}` };
      return {
        available: true,
        detail:
          `onnxruntime-web ${host.ortVersion} (${ORT_WEB_MODULE}), WebGpuExecutionProvider ` +
          `in Chromium ${host.browser.version()} headless, adapter ${adapter}`,
      };
    } finally {
      releaseWebHost(executablePath);
    }
  };

  return defineBackend<WebGpuLoadOptions, WebGpuSession>({
    name: 'web-webgpu',
    check,
    async load(model: Model, options: WebGpuLoadOptions = {}): Promise<WebGpuSession> {
      checkBoundaryTypes('web-webgpu', model, wireTypeOf);
      const half = firstFloat16Value(model);
      const executablePath = defaults.executablePath ?? findChromium() ?? CHROMIUM_CANDIDATES[0];
      const host = await acquireWebHost(executablePath);
      releaseWebHost(executablePath);
      if (half !== undefined && host.adapter.ok && !host.adapter.info.features.includes(SHADER_F16)) {
        throw new UnsupportedError(
          `web-webgpu: value '${half}' is float16, ` +
            `but adapter ${describeAdapter(host.adapter.info)} lacks the '${SHADER_F16}' feature`,
        );
      }
      try {
        return await open(executablePath, model, options);
      } catch (error) {
        // As for ort-webgpu: ORT puts small int64 shape arithmetic on its CPU EP by choice, so a dynamic model is
        // refused under strict placement; unless strictness was asked for, allow that mix and say so.
        const shapeNodes = int64NodeCount(model);
        if (
          !(error instanceof Error) ||
          !CPU_PLACEMENT_REFUSED.test(error.message) ||
          options.cpuFallback !== undefined ||
          defaults.cpuFallback !== undefined ||
          shapeNodes === 0
        )
          throw error;
        return await open(executablePath, model, { ...options, cpuFallback: true }, shapeNodesOnCpuNote(shapeNodes));
      }
    },
  });
}
