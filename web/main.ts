/**
 * The sppkit browser page: builds an SPP model in the browser with sppkit's builder and blocks, exports it with
 * `encodeModel`, runs it on onnxruntime-web's WebGPU EP and wasm EP (the `onnxruntime-web/webgpu` build, served by
 * scripts/serve-web.ts at /ort/), and shows both beside sppkit's reference evaluator: status, timings, max abs diff.
 *
 * The results also go, as JSON, into `#results` and `document.body.dataset.state` becomes `done` (the browser
 * test reads both).
 *
 * It imports sppkit as any user would, from the package root `sppkit` (browser-safe): scripts/serve-web.ts bundles it
 * with that name pointed at src/index.ts, and tsconfig.json's `paths` does the same for the type checker.
 */
import * as ort from 'onnxruntime-web/webgpu';
import {
  compareTensors,
  DataType,
  encodeModel,
  evaluate,
  fromOrtTensor,
  GraphBuilder,
  seededWeights,
  sppAdaptive,
  sppfBlock,
  Tensor,
  toOrtTensor,
  type DimSpec,
  type Model,
} from 'sppkit';

/** Later runs timed per runtime (after the first). */
const TIMED_RUNS = 5;

/** What the page reports for one runtime. */
interface RuntimeResult {
  readonly runtime: string;
  readonly status: 'pass' | 'fail' | 'error';
  readonly createMs?: number;
  readonly firstRunMs?: number;
  readonly meanRunMs?: number;
  readonly maxAbsDiff?: number;
  readonly detail: string;
}

/** The page's settings. */
interface Settings {
  readonly block: 'spp-adaptive-max' | 'spp-adaptive-avg' | 'sppf';
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly dynamic: boolean;
}

function element<T extends Element>(selector: string, kind: abstract new () => T): T {
  const found = document.querySelector(selector);
  if (!(found instanceof kind)) throw new Error(`page is missing ${selector}`);
  return found;
}

function readSettings(form: HTMLFormElement): Settings {
  const data = new FormData(form);
  const int = (name: string, fallback: number): number => {
    const value = Number(data.get(name));
    return Number.isInteger(value) && value > 0 ? value : fallback;
  };
  const block = data.get('block');
  return {
    block: block === 'spp-adaptive-avg' || block === 'sppf' ? block : 'spp-adaptive-max',
    channels: int('channels', 16),
    height: int('height', 13),
    width: int('width', 11),
    dynamic: data.get('dynamic') === 'on',
  };
}

function buildModel(settings: Settings): Model {
  const b = new GraphBuilder({ name: settings.block.replace(/-/g, '_'), opset: 17 });
  const h: DimSpec = settings.dynamic ? 'H' : settings.height;
  const w: DimSpec = settings.dynamic ? 'W' : settings.width;
  const x = b.input('x', DataType.FLOAT, [1, settings.channels, h, w]);
  if (settings.block === 'sppf') {
    const config = { outChannels: settings.channels };
    b.output(sppfBlock.build(b, x, config, seededWeights(sppfBlock.params(config, settings.channels), 1)), 'y');
  } else {
    b.output(
      sppAdaptive(b, x, { levels: [4, 2, 1], pool: settings.block === 'spp-adaptive-avg' ? 'avg' : 'max' }),
      'y',
    );
  }
  return b.build();
}

function inputFor(settings: Settings): Tensor {
  const size = settings.channels * settings.height * settings.width;
  // Deterministic values in [-2, 2) with ties; for max pooling also a few values far below -1e5 (where a max that
  // starts from -1e5, as onnxruntime-web's JSEP MaxPool does, would show). Kept out of convolutions and averages,
  // whose float rounding would then be judged at a scale of 1e5.
  const deep = settings.block === 'spp-adaptive-max';
  const values = Array.from({ length: size }, (_, i) => (deep && i % 97 === 0 ? -3e5 : (((i * 7919) % 101) - 50) / 25));
  return Tensor.float32([1, settings.channels, settings.height, settings.width], values);
}

async function runOrt(
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

function cell(row: HTMLTableRowElement, text: string, className = ''): void {
  const td = row.insertCell();
  td.textContent = text;
  if (className !== '') td.className = className;
}

function show(results: readonly RuntimeResult[], summary: Record<string, unknown>): void {
  const body = element('#rows', HTMLTableSectionElement);
  body.replaceChildren();
  const ms = (value: number | undefined): string => (value === undefined ? '–' : value.toFixed(1));
  for (const result of results) {
    const row = body.insertRow();
    cell(row, result.runtime);
    cell(row, result.status, result.status === 'pass' ? 'ok' : 'fail');
    cell(row, ms(result.createMs), 'num');
    cell(row, ms(result.firstRunMs), 'num');
    cell(row, ms(result.meanRunMs), 'num');
    cell(row, result.maxAbsDiff === undefined ? '–' : result.maxAbsDiff.toExponential(2), 'num');
    cell(row, result.detail, 'small');
  }
  element('#results', HTMLPreElement).textContent = JSON.stringify({ ...summary, results }, null, 2);
}

/** `vendor/architecture` of the WebGPU adapter (read untyped: TypeScript's DOM library has no WebGPU types). */
async function adapterText(): Promise<string> {
  const gpu: unknown = Reflect.get(navigator, 'gpu');
  const request: unknown = typeof gpu === 'object' && gpu !== null ? Reflect.get(gpu, 'requestAdapter') : undefined;
  if (typeof request !== 'function') return 'navigator.gpu is undefined';
  const adapter: unknown = await Reflect.apply(request, gpu, []);
  const info: unknown = typeof adapter === 'object' && adapter !== null ? Reflect.get(adapter, 'info') : undefined;
  if (typeof info !== 'object' || info === null) return 'no WebGPU adapter';
  const text = (key: string): string => String(Reflect.get(info, key) ?? '');
  const fallback = Reflect.get(info, 'isFallbackAdapter') === true ? ' (fallback adapter)' : '';
  return `${text('vendor')}/${text('architecture')}${fallback}`;
}

async function runAll(settings: Settings): Promise<void> {
  document.body.dataset['state'] = 'running';
  const model = buildModel(settings);
  const bytes = encodeModel(model);
  const input = inputFor(settings);
  const t0 = performance.now();
  const reference = evaluate(model, new Map([['x', input]])).get('y');
  const referenceMs = performance.now() - t0;
  if (reference === undefined) throw new Error('the reference gave no output y');
  element('#model', HTMLDivElement).textContent =
    `${model.graph.name}: ${model.graph.nodes.length} nodes, ${bytes.length} bytes of ONNX; ` +
    `x [1, ${settings.channels}, ${settings.height}, ${settings.width}]` +
    `${settings.dynamic ? ' fed to symbolic H, W' : ''} → y [${reference.dims.join(', ')}]`;
  // Max pooling is exact; averages and convolutions differ by float rounding order.
  const atol = settings.block === 'spp-adaptive-max' ? 0 : 1e-4;
  const noFallback = { session: { disable_cpu_ep_fallback: '1' } };
  const results: RuntimeResult[] = [
    {
      runtime: 'reference (sppkit, TypeScript)',
      status: 'pass',
      firstRunMs: referenceMs,
      maxAbsDiff: 0,
      detail: 'src/runtime/reference.ts',
    },
  ];
  results.push(
    await runOrt(
      'onnxruntime-web WebGPU EP',
      bytes,
      { executionProviders: ['webgpu'], extra: noFallback },
      input,
      reference,
      atol,
    ),
  );
  results.push(
    await runOrt('onnxruntime-web wasm EP', bytes, { executionProviders: ['wasm'] }, input, reference, atol),
  );
  show(results, { settings, adapter: await adapterText(), ort: ort.env.versions, crossOriginIsolated });
  document.body.dataset['state'] = 'done';
}

ort.env.wasm.wasmPaths = '/ort/';
const form = element('#controls', HTMLFormElement);
form.addEventListener('submit', (event) => {
  event.preventDefault();
  void runAll(readSettings(form));
});
runAll(readSettings(form)).catch((error: unknown) => {
  element('#results', HTMLPreElement).textContent =
    `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  document.body.dataset['state'] = 'error';
});
