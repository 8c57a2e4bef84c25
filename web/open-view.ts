/**
 * The Open tab: a local `.onnx` (file input or drag and drop) is read in the page and handed to the model worker,
 * which decodes, checks and draws it and later runs the chosen passes; the page shows the summary, the check
 * report, the graph, the pass report, the op counts and both graphs before and after, and offers the result.
 *
 * `document.body.dataset.openState` tells where it is: idle, opening, opened, open-error, transforming,
 * transformed, transform-error (the browser test waits on it).
 */
import { DEFAULT_PASSES, PASS_ENTRIES } from 'sppkit';
import { bytesText, download, element, h, messageOf, ms, parseSvg } from './dom.js';
import { renderCheck, renderExplain, renderOpDiff, renderSummary } from './open-render.js';
import { readReply, type ModelSummary, type WorkerReply, type WorkerRequest } from './protocol.js';
import { SvgViewer } from './svg-view.js';

type Final = Exclude<WorkerReply, { kind: 'progress' }>;
type Progress = Extract<WorkerReply, { kind: 'progress' }>;

/** The page's side of the model worker: one request at a time, progress passed on. */
class ModelWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { progress: (p: Progress) => void; done: (reply: Final) => void }>();

  private start(): Worker {
    const worker = new Worker('/worker.js', { type: 'module' });
    worker.addEventListener('message', (event: MessageEvent) => {
      const reply = readReply(event.data);
      const waiting = this.pending.get(reply.id);
      if (waiting === undefined) return;
      if (reply.kind === 'progress') waiting.progress(reply);
      else {
        this.pending.delete(reply.id);
        waiting.done(reply);
      }
    });
    worker.addEventListener('error', (event) => {
      // The worker could not load or died: every waiting request fails, and the next one starts a new worker.
      for (const [id, waiting] of this.pending)
        waiting.done({
          kind: 'failed',
          id,
          message: `the model worker failed: ${event.message}`,
          code: 'internal',
          stage: '',
        });
      this.pending.clear();
      this.worker = undefined;
    });
    return worker;
  }

  send(
    request: (id: number) => WorkerRequest,
    transfer: Transferable[],
    progress: (p: Progress) => void,
  ): Promise<Final> {
    this.worker ??= this.start();
    const id = this.nextId++;
    const worker = this.worker;
    return new Promise((resolve) => {
      this.pending.set(id, { progress, done: resolve });
      worker.postMessage(request(id), transfer);
    });
  }
}

/** A progress bar with its stage text. */
class ProgressBar {
  private started = 0;
  constructor(private readonly root: HTMLElement) {}

  begin(stage: string): void {
    this.started = performance.now();
    this.root.hidden = false;
    this.set(stage, 0, 1);
  }

  set(stage: string, step: number, steps: number): void {
    element('.bar > span', HTMLSpanElement, this.root).style.width =
      `${Math.round((100 * step) / Math.max(1, steps))}%`;
    element('.stage', HTMLSpanElement, this.root).textContent = `${stage}…`;
  }

  end(): number {
    this.root.hidden = true;
    return performance.now() - this.started;
  }
}

/** The opened model as the page keeps it. */
interface Opened {
  readonly summary: ModelSummary;
  readonly svg: string;
}

/** The Open tab. */
export class OpenView {
  private readonly worker = new ModelWorker();
  private readonly graph = new SvgViewer('graph');
  private readonly before = new SvgViewer('before');
  private readonly after = new SvgViewer('after');
  private readonly openProgress = new ProgressBar(element('#open-progress', HTMLDivElement));
  private readonly transformProgress = new ProgressBar(element('#transform-progress', HTMLDivElement));
  private opened: Opened | undefined;
  private result: { readonly name: string; readonly bytes: Uint8Array<ArrayBuffer> } | undefined;

  constructor() {
    document.body.dataset['openState'] = 'idle';
    element('#open-graph', HTMLDivElement).append(this.graph.root);
    element('#compare', HTMLDivElement).append(this.before.root, this.after.root);
    const input = element('#file', HTMLInputElement);
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file !== undefined) void this.open(file);
      input.value = '';
    });
    this.wirePasses();
    element('#transform', HTMLFormElement).addEventListener('submit', (event) => {
      event.preventDefault();
      void this.transform();
    });
    element('#download-transformed', HTMLButtonElement).addEventListener('click', () => {
      if (this.result !== undefined) download(this.result.bytes, this.result.name);
    });
    for (const button of Array.from(document.querySelectorAll<HTMLButtonElement>('[data-compare]')))
      button.addEventListener('click', () => this.setCompare(button.dataset['compare'] ?? 'both'));
  }

  /** Drops onto `target` open the first file dropped. */
  acceptDrops(target: HTMLElement, onDrop: () => void): void {
    const zone = element('#drop', HTMLDivElement);
    target.addEventListener('dragover', (event) => {
      event.preventDefault();
      zone.classList.add('over');
    });
    target.addEventListener('dragleave', (event) => {
      if (event.relatedTarget === null) zone.classList.remove('over');
    });
    target.addEventListener('drop', (event) => {
      event.preventDefault();
      zone.classList.remove('over');
      const file = event.dataTransfer?.files[0];
      if (file === undefined) return;
      onDrop();
      void this.open(file);
    });
  }

  private wirePasses(): void {
    const field = element('#passes', HTMLInputElement);
    const list = element('#pass-list', HTMLElement);
    const add = (item: string): void => {
      const current = field.value.trim();
      field.value = current === '' ? item : `${current},${item}`;
      field.focus();
      field.setSelectionRange(field.value.length, field.value.length);
    };
    const chip = (label: string, title: string, action: () => void): HTMLButtonElement => {
      const button = h('button', { class: 'chip pass', text: label, title, attrs: { type: 'button' } });
      button.addEventListener('click', action);
      return button;
    };
    list.replaceChildren(
      chip('default', `runs ${DEFAULT_PASSES.join(', ')}`, () => {
        field.value = 'default';
      }),
      ...PASS_ENTRIES.map((entry) =>
        chip(entry.name, `${entry.summary}${entry.argument === undefined ? '' : ` (=N: ${entry.argument})`}`, () =>
          add(entry.name === 'opset' ? 'opset=' : entry.name),
        ),
      ),
      chip('clear', 'empty the list', () => {
        field.value = '';
        field.focus();
      }),
    );
    element('#default-passes', HTMLElement).textContent = DEFAULT_PASSES.join(', ');
  }

  private setState(state: string): void {
    document.body.dataset['openState'] = state;
  }

  private showError(selector: string, title: string, reply: Extract<WorkerReply, { kind: 'failed' }>): void {
    const box = element(selector, HTMLDivElement);
    box.hidden = false;
    box.replaceChildren(
      h('strong', { text: title }),
      h('pre', { class: 'message', text: reply.message }),
      h('span', { class: 'code', text: reply.code === 'internal' ? 'internal error' : `error code ${reply.code}` }),
    );
  }

  /** Reads `file` and opens it in the worker. */
  async open(file: File): Promise<void> {
    this.setState('opening');
    element('#open-error', HTMLDivElement).hidden = true;
    element('#opened', HTMLDivElement).hidden = true;
    element('#transform-result', HTMLDivElement).hidden = true;
    element('#drop', HTMLDivElement).classList.add('compact');
    this.opened = undefined;
    this.result = undefined;
    this.openProgress.begin(`reading ${file.name} (${bytesText(file.size)})`);
    let bytes: ArrayBuffer;
    try {
      bytes = await file.arrayBuffer();
    } catch (error) {
      this.openProgress.end();
      this.showError('#open-error', `Could not read ${file.name}`, {
        kind: 'failed',
        id: 0,
        message: messageOf(error),
        code: 'E_FILE',
        stage: 'reading',
      });
      this.setState('open-error');
      return;
    }
    const reply = await this.worker.send(
      (id) => ({ kind: 'open', id, fileName: file.name, bytes }),
      [bytes],
      (p) => this.openProgress.set(p.stage, p.step, p.steps),
    );
    const elapsed = this.openProgress.end();
    if (reply.kind === 'failed') {
      this.showError('#open-error', `Could not open ${file.name}`, reply);
      this.setState('open-error');
      return;
    }
    if (reply.kind !== 'opened') return;
    this.opened = { summary: reply.summary, svg: reply.svg };
    element('#summary', HTMLDivElement).replaceChildren(...renderSummary(reply.summary));
    element('#check', HTMLDivElement).replaceChildren(...renderCheck(file.name, reply.problems, reply.warnings));
    element('#opened', HTMLDivElement).hidden = false;
    element('#open-time', HTMLElement).textContent = `opened in ${ms(elapsed)}`;
    if (reply.svg === '') this.graph.showMessage('No picture (see the warnings).');
    else this.graph.show(parseSvg(reply.svg));
    this.setState('opened');
  }

  private async transform(): Promise<void> {
    const opened = this.opened;
    if (opened === undefined) return;
    const passes = element('#passes', HTMLInputElement).value.trim();
    this.setState('transforming');
    element('#transform-error', HTMLDivElement).hidden = true;
    element('#transform-result', HTMLDivElement).hidden = true;
    const apply = element('#apply', HTMLButtonElement);
    apply.disabled = true;
    this.transformProgress.begin(`running ${passes}`);
    const reply = await this.worker.send(
      (id) => ({ kind: 'transform', id, passes }),
      [],
      (p) => this.transformProgress.set(p.stage, p.step, p.steps),
    );
    this.transformProgress.end();
    apply.disabled = false;
    if (reply.kind === 'failed') {
      this.showError('#transform-error', `The passes did not run (${reply.stage})`, reply);
      this.setState('transform-error');
      return;
    }
    if (reply.kind !== 'transformed') return;
    const bytes = new Uint8Array(reply.bytes);
    this.result = { name: reply.summary.fileName, bytes };
    element('#explain', HTMLDivElement).replaceChildren(renderExplain(reply.records));
    element('#op-diff', HTMLDivElement).replaceChildren(renderOpDiff(opened.summary, reply.summary));
    const check =
      reply.problems.length === 0
        ? 'check: ok'
        : `check: ${reply.problems.length} problem(s): ${reply.problems.join('; ')}`;
    element('#transform-meta', HTMLElement).textContent =
      `${reply.summary.fileName}: ${bytesText(bytes.length)}, ${reply.summary.nodeCount} nodes (was ` +
      `${opened.summary.nodeCount}); ${check}; done in ${ms(reply.ms)}`;
    element('#cli-line', HTMLElement).textContent =
      `sppkit transform ${opened.summary.fileName} -o ${reply.summary.fileName} --passes ${passes} --explain`;
    const downloadButton = element('#download-transformed', HTMLButtonElement);
    downloadButton.textContent = `Download ${reply.summary.fileName} (${bytesText(bytes.length)})`;
    element('#transform-result', HTMLDivElement).hidden = false;
    if (opened.svg !== '') this.before.show(parseSvg(opened.svg));
    if (reply.svg === '') this.after.showMessage('No picture of the result.');
    else this.after.show(parseSvg(reply.svg));
    const added = this.after.mark(reply.added, 'added');
    const removed = this.before.mark(reply.removed, 'removed');
    element('#changes', HTMLParagraphElement).replaceChildren(
      ...(added + removed === 0
        ? ['No node changed: the pictures are the same graph.']
        : [
            h('span', { class: 'mark-added', text: `${reply.added.length} new or changed node(s)` }),
            ' outlined in orange in “after”, ',
            h('span', { class: 'mark-removed', text: `${reply.removed.length} removed or changed` }),
            ' dashed red in “before”; both pictures open at the first change.',
          ]),
    );
    this.setCompare('both');
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        const [firstAdded] = reply.added;
        const [firstRemoved] = reply.removed;
        if (firstAdded !== undefined) this.after.reveal(firstAdded);
        if (firstRemoved !== undefined) this.before.reveal(firstRemoved);
      }),
    );
    this.setState('transformed');
  }

  /** Shows both graphs side by side, or one of them. */
  private setCompare(mode: string): void {
    this.before.root.hidden = mode === 'after';
    this.after.root.hidden = mode === 'before';
    element('#compare', HTMLDivElement).dataset['mode'] = mode;
    for (const button of Array.from(document.querySelectorAll<HTMLButtonElement>('[data-compare]')))
      button.setAttribute('aria-pressed', String(button.dataset['compare'] === mode));
    requestAnimationFrame(() => {
      this.before.fit();
      this.after.fit();
    });
  }
}
