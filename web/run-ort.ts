/**
 * Runs a model's bytes on onnxruntime-web (the `onnxruntime-web/webgpu` build, served at /ort/) and compares the
 * output with the reference's: WebGPU EP (no CPU fallback) and wasm EP, with session-create, first-run and
 * later-run timings. WebGPU is skipped, with the reason, when this browser has no WebGPU adapter.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { compareTensors, fromOrtTensor, toOrtTensor, type Tensor } from 'sppkit';

/** Later runs timed per runtime (after the first). */
const TIMED_RUNS = 5;

/** What the page reports for one runtime. */
export interface RuntimeResult {
  readonly runtime: string;
  readonly status: 'pass' | 'fail' | 'error' | 'skipped';
  readonly createMs?: number;
  readonly firstRunMs?: number;
  readonly meanRunMs?: number;
  readonly maxAbsDiff?: number;
  readonly detail: string;
}

/** The WebGPU runtime's name in the results. */
const WEBGPU = 'onnxruntime-web WebGPU EP';
/** The wasm runtime's name in the results. */
const WASM = 'onnxruntime-web wasm EP';

/** Points onnxruntime-web at its wasm files on this server. */
export function configureOrt(): void {
  ort.env.wasm.wasmPaths = '/ort/';
}

/** onnxruntime-web's versions (for the results JSON). */
export function ortVersions(): unknown {
  return ort.env.versions;
}

/** The WebGPU adapter as `vendor/architecture`, or why there is none (read untyped: the DOM lib has no WebGPU). */
export async function webGpuAdapter(): Promise<{ readonly ok: boolean; readonly text: string }> {
  const gpu: unknown = Reflect.get(navigator, 'gpu');
  const request: unknown = typeof gpu === 'object' && gpu !== null ? Reflect.get(gpu, 'requestAdapter') : undefined;
  if (typeof request !== 'function')
    return {
      ok: false,
      text:
        'this browser has no WebGPU (navigator.gpu is undefined; Chrome and Edge 113+ have it, Chromium on Linux ' +
        'with --enable-unsafe-webgpu, and it needs a secure context such as localhost)',
    };
  let adapter: unknown;
  try {
    adapter = await Reflect.apply(request, gpu, []);
  } catch (error) {
    return { ok: false, text: `requestAdapter() failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof adapter !== 'object' || adapter === null)
    return { ok: false, text: 'no WebGPU adapter: navigator.gpu.requestAdapter() returned null (no usable GPU)' };
  const info: unknown = Reflect.get(adapter, 'info');
  if (typeof info !== 'object' || info === null) return { ok: true, text: 'WebGPU adapter (no adapter info)' };
  const field = (key: string): string => String(Reflect.get(info, key) ?? '');
  const fallback = Reflect.get(info, 'isFallbackAdapter') === true ? ' (fallback adapter)' : '';
  return { ok: true, text: `${field('vendor')}/${field('architecture')}${fallback}` };
}

/** Runs `bytes` on one onnxruntime-web EP and compares output `y` with the reference within `atol` (and rtol). */
export async function runOrt(
  runtime: string,
  bytes: Uint8Array,
  options: ort.InferenceSession.SessionOptions,
  input: Tensor,
  reference: Tensor,
  atol: number,
): Promise<RuntimeResult> {
  let stage = 'session creation';
  try {
    const t0 = performance.now();
    const session = await ort.InferenceSession.create(bytes, options);
    const createMs = performance.now() - t0;
    stage = 'run';
    const feeds = { x: toOrtTensor(ort.Tensor, input) };
    const t1 = performance.now();
    const first = await session.run(feeds);
    const firstRunMs = performance.now() - t1;
    const t2 = performance.now();
    for (let i = 0; i < TIMED_RUNS; i++) await session.run(feeds);
    const meanRunMs = (performance.now() - t2) / TIMED_RUNS;
    const output = first['y'];
    await session.release();
    if (output === undefined) return { runtime, status: 'error', detail: 'no output y' };
    const comparison = compareTensors(fromOrtTensor(output, 'y'), reference, { atol, rtol: atol });
    return {
      runtime,
      status: comparison.ok ? 'pass' : 'fail',
      createMs,
      firstRunMs,
      meanRunMs,
      maxAbsDiff: comparison.maxAbsErr,
      detail: comparison.message,
    };
  } catch (error) {
    return {
      runtime,
      status: 'error',
      detail: `${stage} failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/**
 * Runs on WebGPU, or says why it is skipped. A static model must place every node on WebGPU (no CPU fallback); a
 * dynamic one computes its bins' bounds with int64 shape arithmetic, which onnxruntime places on the CPU EP.
 */
export async function runWebGpu(
  bytes: Uint8Array,
  input: Tensor,
  reference: Tensor,
  atol: number,
  dynamic: boolean,
): Promise<RuntimeResult> {
  const adapter = await webGpuAdapter();
  if (!adapter.ok) return { runtime: WEBGPU, status: 'skipped', detail: adapter.text };
  const placement = dynamic
    ? { extra: {}, note: 'CPU fallback allowed (int64 shape arithmetic on the CPU EP)' }
    : { extra: { session: { disable_cpu_ep_fallback: '1' } }, note: 'no CPU fallback' };
  const options = { executionProviders: ['webgpu'], extra: placement.extra };
  const result = await runOrt(WEBGPU, bytes, options, input, reference, atol);
  return { ...result, detail: `${adapter.text}, ${placement.note}: ${result.detail}` };
}

/** Runs on the wasm EP. */
export function runWasm(bytes: Uint8Array, input: Tensor, reference: Tensor, atol: number): Promise<RuntimeResult> {
  return runOrt(WASM, bytes, { executionProviders: ['wasm'] }, input, reference, atol);
}
