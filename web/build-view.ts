/**
 * The Build tab: choose a block of the catalogue and its settings; see its graph and the windows it pools over;
 * run it on onnxruntime-web (WebGPU, wasm) beside sppkit's reference evaluator; download the `.onnx`.
 *
 * The model is built exactly as `sppkit build <block>` builds it (input `x` [1, C, H, W] float32, output `y`,
 * seeded weights, the same doc string), so the download equals the CLI's file for the same options. Pictures
 * follow every change of the settings; runs happen on "Run" (and once at start), since WebGPU sessions take time.
 */
import {
  catalog,
  ConfigError,
  DataType,
  encodeModel,
  evaluate,
  formatType,
  GraphBuilder,
  isPyramidBlock,
  pyramidConfigFromOptions,
  renderGraphSvg,
  renderPyramidSvg,
  seededWeights,
  SppkitError,
  Tensor,
  type Model,
} from 'sppkit';
import { fillBlockSelect, presetFromUrl, readSettings, showFieldsOf, textOf, type Settings } from './block-form.js';
import { bytesText, download, element, h, messageOf, ms, parseSvg } from './dom.js';
import { configureOrt, ortVersions, runWasm, runWebGpu, webGpuAdapter, type RuntimeResult } from './run-ort.js';
import { SvgViewer } from './svg-view.js';

/** A model built from the settings. */
interface Built {
  readonly settings: Settings;
  readonly model: Model;
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Max and data movement only (exact on every backend); otherwise float rounding differs by backend. */
  readonly exact: boolean;
}

/** Ops whose float outputs are exact (a max, or moving data); anything else rounds. */
const EXACT_OPS = new Set([
  'MaxPool',
  'GlobalMaxPool',
  'ReduceMax',
  'Max',
  'Slice',
  'Concat',
  'Reshape',
  'Flatten',
  'Identity',
  'Squeeze',
  'Unsqueeze',
  'Transpose',
  'Gather',
]);
/** Tolerance (absolute and relative) for models that round: averages, convolutions, resizes. */
const ROUNDING_TOLERANCE = 1e-4;

/** Builds the block as `sppkit build` does. Throws ConfigError (or another SppkitError) for bad settings. */
export function buildBlockModel(settings: Settings): Model {
  const entry = catalog[settings.block];
  if (entry === undefined)
    throw new ConfigError(`unknown block '${settings.block}' (blocks: ${Object.keys(catalog).join(', ')})`);
  const configured = entry.configure(settings.options, settings.channels);
  const b = new GraphBuilder({ opset: settings.opset, name: entry.name });
  const h = settings.dynamic ? 'H' : settings.height;
  const w = settings.dynamic ? 'W' : settings.width;
  const x = b.input('x', DataType.FLOAT, [1, settings.channels, h, w]);
  b.output(configured.build(b, x, seededWeights(configured.params, settings.seed)), 'y');
  const model = b.build();
  model.docString = `sppkit ${settings.block} (${JSON.stringify(settings.options)})`;
  return model;
}

function isExact(model: Model): boolean {
  return model.graph.nodes.every(
    (node) =>
      EXACT_OPS.has(node.opType) ||
      node.outputs.every((v) => v.type !== null && v.type.dtype !== DataType.FLOAT && v.type.dtype !== DataType.DOUBLE),
  );
}

/**
 * Deterministic input values in [-2, 2) with ties; for exact models also a few values far below -1e5 (where a max
 * that starts from -1e5, as onnxruntime-web's JSEP MaxPool does, would show). Kept out of models that round,
 * whose rounding would then be judged at a scale of 1e5.
 */
function inputFor(settings: Settings, exact: boolean): Tensor {
  const size = settings.channels * settings.height * settings.width;
  const values = Array.from({ length: size }, (_, i) =>
    exact && i % 97 === 0 ? -3e5 : (((i * 7919) % 101) - 50) / 25,
  );
  return Tensor.float32([1, settings.channels, settings.height, settings.width], values);
}

/** The Build tab. */
export class BuildView {
  private readonly form = element('#controls', HTMLFormElement);
  private readonly graph = new SvgViewer('graph');
  private readonly pyramid = new SvgViewer('windows');
  private built: Built | undefined;
  private refreshTimer: number | undefined;
  private running = false;

  constructor() {
    configureOrt();
    const select = element('select[name="block"]', HTMLSelectElement, this.form);
    fillBlockSelect(select);
    presetFromUrl(this.form, location.search);
    if (select.value === '') select.value = 'spp-adaptive';
    element('#graph-view', HTMLDivElement).append(this.graph.root);
    element('#pyramid-view', HTMLDivElement).append(this.pyramid.root);
    this.form.addEventListener('input', () => this.scheduleRefresh());
    this.form.addEventListener('change', () => this.scheduleRefresh());
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.refresh();
      void this.run();
    });
    element('#download-model', HTMLButtonElement).addEventListener('click', () => {
      if (this.built !== undefined) download(this.built.bytes, `${this.built.settings.block}.onnx`);
    });
    this.refresh();
  }

  private scheduleRefresh(): void {
    window.clearTimeout(this.refreshTimer);
    this.refreshTimer = window.setTimeout(() => this.refresh(), 120);
  }

  /** Rebuilds the model and both pictures from the form; shows a settings error instead when there is one. */
  refresh(): void {
    window.clearTimeout(this.refreshTimer);
    const block = textOf(new FormData(this.form), 'block');
    showFieldsOf(this.form, block);
    const problem = element('#build-error', HTMLDivElement);
    const downloadButton = element('#download-model', HTMLButtonElement);
    let settings: Settings | undefined;
    try {
      settings = readSettings(this.form);
      const model = buildBlockModel(settings);
      const encoded = encodeModel(model);
      const bytes = new Uint8Array(encoded.byteLength);
      bytes.set(encoded);
      this.built = { settings, model, bytes, exact: isExact(model) };
    } catch (error) {
      this.built = undefined;
      problem.hidden = false;
      problem.textContent = error instanceof SppkitError ? error.message : `internal error: ${messageOf(error)}`;
      downloadButton.disabled = true;
      element('#run', HTMLButtonElement).disabled = true;
      this.graph.showMessage('No graph: the settings above do not build (see the message).');
      if (!this.running)
        element('#rows', HTMLTableSectionElement).replaceChildren(
          h('tr', { children: [h('td', { class: 'empty', text: 'Nothing to run.', attrs: { colspan: '7' } })] }),
        );
      // The windows still have a picture when the settings parse: it shows why a size is refused, level by level.
      this.drawPyramid(block, settings);
      return;
    }
    problem.hidden = true;
    downloadButton.disabled = false;
    downloadButton.textContent = `Download ${settings.block}.onnx`;
    element('#run', HTMLButtonElement).disabled = this.running;
    this.describe(this.built);
    this.graph.show(parseSvg(renderGraphSvg(this.built.model)));
    this.drawPyramid(block, settings);
  }

  private describe(built: Built): void {
    const { model, settings } = built;
    const x = model.graph.inputs[0];
    const y = model.graph.outputs[0];
    const fed = settings.dynamic ? ` (fed ${settings.height}×${settings.width})` : '';
    element('#model', HTMLDivElement).replaceChildren(
      h('strong', { text: model.graph.name }),
      ` · ${model.graph.nodes.length} nodes · ${model.graph.initializers.size} initializers · opset ${model.opset}` +
        ` · ${bytesText(built.bytes.length)} of ONNX`,
      h('br'),
      h('code', { text: `x ${formatType(x?.type ?? null)}${fed} → y ${formatType(y?.type ?? null)}` }),
    );
  }

  private drawPyramid(block: string, settings: Settings | undefined): void {
    const name = catalog[block]?.name ?? block;
    if (!isPyramidBlock(name)) {
      this.pyramid.showMessage(
        `${name} has no window picture: pictures show the bins of the SPP blocks and the max-pool windows of the ` +
          'YOLO necks (spp-adaptive, spp-paper, sppnet-compat, pyramid-pooling, ultralytics-spp, sppf, sim-sppf, ' +
          'sppcspc, sppelan).',
      );
      return;
    }
    if (settings === undefined) {
      this.pyramid.showMessage('No picture: the settings above do not parse (see the message).');
      return;
    }
    try {
      const config = pyramidConfigFromOptions(name, settings.options);
      const svg = renderPyramidSvg(name, config, { height: settings.height, width: settings.width });
      this.pyramid.show(parseSvg(svg));
    } catch (error) {
      this.pyramid.showMessage(error instanceof SppkitError ? error.message : messageOf(error), 'error-text');
    }
  }

  /** Runs the built model on the reference and the chosen runtimes; shows the table and the results JSON. */
  async run(): Promise<void> {
    const built = this.built;
    if (built === undefined || this.running) return;
    this.running = true;
    const runButton = element('#run', HTMLButtonElement);
    runButton.disabled = true;
    document.body.dataset['state'] = 'running';
    const rows = element('#rows', HTMLTableSectionElement);
    rows.replaceChildren(h('tr', { children: [h('td', { text: 'running…', attrs: { colspan: '7' } })] }));
    try {
      const { settings, model, bytes, exact } = built;
      const input = inputFor(settings, exact);
      const t0 = performance.now();
      const reference = evaluate(model, new Map([['x', input]])).get('y');
      const referenceMs = performance.now() - t0;
      if (reference === undefined) throw new Error('the reference gave no output y');
      const atol = exact ? 0 : ROUNDING_TOLERANCE;
      const results: RuntimeResult[] = [
        {
          runtime: 'reference (sppkit, TypeScript)',
          status: 'pass',
          firstRunMs: referenceMs,
          maxAbsDiff: 0,
          detail: exact
            ? 'the oracle; others must match it exactly (max and data movement only)'
            : `the oracle; others must match it within ${atol}`,
        },
      ];
      const show = (): void => this.show(results);
      show();
      if (settings.webgpu) {
        results.push(await runWebGpu(bytes, input, reference, atol, settings.dynamic));
        show();
      }
      if (settings.wasm) {
        results.push(await runWasm(bytes, input, reference, atol));
        show();
      }
      const adapter = await webGpuAdapter();
      const summary = { settings, adapter: adapter.text, ort: ortVersions(), crossOriginIsolated, results };
      element('#results', HTMLPreElement).textContent = JSON.stringify(summary, null, 2);
      document.body.dataset['state'] = 'done';
    } catch (error) {
      element('#results', HTMLPreElement).textContent = `error: ${messageOf(error)}`;
      rows.replaceChildren(h('tr', { children: [h('td', { text: messageOf(error), attrs: { colspan: '7' } })] }));
      document.body.dataset['state'] = 'error';
    } finally {
      this.running = false;
      runButton.disabled = this.built === undefined;
    }
  }

  private show(results: readonly RuntimeResult[]): void {
    const body = element('#rows', HTMLTableSectionElement);
    body.replaceChildren(
      ...results.map((result) => {
        const statusClass = result.status === 'pass' ? 'ok' : result.status === 'skipped' ? 'skip' : 'fail';
        const diff =
          result.maxAbsDiff === undefined ? '–' : result.maxAbsDiff === 0 ? '0' : result.maxAbsDiff.toExponential(2);
        const cells = [
          h('td', { text: result.runtime }),
          h('td', { children: [h('span', { class: `badge ${statusClass}`, text: result.status })] }),
          h('td', { class: 'num', text: ms(result.createMs) }),
          h('td', { class: 'num', text: ms(result.firstRunMs) }),
          h('td', { class: 'num', text: ms(result.meanRunMs) }),
          h('td', { class: 'num', text: diff }),
          h('td', { class: 'detail', text: result.detail }),
        ];
        return h('tr', { attrs: { 'data-runtime': result.runtime, 'data-status': result.status }, children: cells });
      }),
    );
  }
}
