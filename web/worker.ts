/**
 * The page's model worker (a second bundle, /worker.js): decodes, checks, transforms, encodes and draws models off
 * the page's thread, so a large model (YOLOv5n: 7.9 MB, 236 nodes) never freezes the page. It reports each stage
 * as it starts, and failures with the SppkitError's own message (as the CLI prints it) and code.
 *
 * It keeps the opened file's bytes and decodes them afresh for each transform, so every transform starts from
 * the file exactly as `sppkit transform` reads it, and its result is `encodeModel` of `runPasses` on that.
 */
import { checkModel, decodeModel, encodeModel, parsePassList, renderGraphSvg, runPasses, SppkitError } from 'sppkit';
import type { Model } from 'sppkit';
import { inferenceWarnings, nodeChanges, passReports, summarize } from './analysis.js';
import { readRequest, type PassReport, type WorkerReply } from './protocol.js';

/** The opened file (the page sends one at a time). */
let opened: { readonly fileName: string; readonly bytes: Uint8Array } | undefined;

function reply(message: WorkerReply, transfer: Transferable[] = []): void {
  postMessage(message, { transfer });
}

/** Reports stages as they start; `current` names the stage a failure happened in. */
class Progress {
  current = 'starting';
  private step = 0;

  constructor(
    private readonly id: number,
    private readonly steps: number,
  ) {}

  next(stage: string): void {
    this.current = stage;
    reply({ kind: 'progress', id: this.id, stage, step: this.step, steps: this.steps });
    this.step += 1;
  }
}

/** The picture of a model, or a warning saying why there is none (a picture never fails the whole request). */
function picture(model: Model, warnings: string[]): string {
  try {
    return renderGraphSvg(model);
  } catch (error) {
    warnings.push(`no picture: ${error instanceof Error ? error.message : String(error)}`);
    return '';
  }
}

function open(id: number, fileName: string, bytes: Uint8Array): void {
  const started = performance.now();
  const progress = new Progress(id, 4);
  try {
    progress.next(`decoding ${fileName}`);
    const model = decodeModel(bytes, fileName);
    opened = { fileName, bytes };
    progress.next(`checking ${model.graph.nodes.length} nodes`);
    const problems = checkModel(model);
    progress.next('inferring types for the summary');
    const summary = summarize(model, fileName, bytes.byteLength);
    const warnings = inferenceWarnings(model);
    progress.next(`drawing the graph (${model.graph.nodes.length} nodes)`);
    const svg = picture(model, warnings);
    reply({ kind: 'opened', id, summary, problems, warnings, svg, ms: performance.now() - started });
  } catch (error) {
    opened = undefined;
    reply(failure(id, progress.current, error));
  }
}

/** `<stem>-transformed.onnx` for `<stem>.onnx`. */
function transformedName(fileName: string): string {
  return `${fileName.replace(/\.onnx$/i, '')}-transformed.onnx`;
}

function transform(id: number, passText: string): void {
  const started = performance.now();
  const source = opened;
  if (source === undefined) {
    reply({ kind: 'failed', id, message: 'no model is open', code: 'E_STATE', stage: 'transform' });
    return;
  }
  let progress = new Progress(id, 1);
  try {
    const passes = parsePassList(passText);
    progress = new Progress(id, passes.length + 4);
    progress.next(`decoding ${source.fileName}`);
    let model = decodeModel(source.bytes, source.fileName);
    // One pass at a time, for progress; runPasses' loop over the list does the same.
    const records: PassReport[] = [];
    for (const [index, pass] of passes.entries()) {
      progress.next(`pass ${index + 1} of ${passes.length}: ${pass.name}`);
      const result = runPasses(model, [pass]);
      model = result.model;
      records.push(...passReports(result.results));
    }
    progress.next('encoding the result');
    const encoded = encodeModel(model);
    const bytes = new Uint8Array(encoded.byteLength);
    bytes.set(encoded);
    progress.next('checking the result');
    const problems = checkModel(model);
    // The original as the opened picture shows it (a fresh decode: the same nodes in the same order).
    const { added, removed } = nodeChanges(decodeModel(source.bytes, source.fileName), model);
    const name = transformedName(source.fileName);
    const summary = summarize(model, name, bytes.byteLength);
    progress.next(`drawing the result (${model.graph.nodes.length} nodes)`);
    const svg = picture(model, []);
    const ms = performance.now() - started;
    const result = { records, summary, problems, svg, bytes: bytes.buffer, ms, added, removed };
    reply({ kind: 'transformed', id, passes: passText, ...result }, [bytes.buffer]);
  } catch (error) {
    reply(failure(id, progress.current, error));
  }
}

function failure(id: number, stage: string, error: unknown): WorkerReply {
  if (error instanceof SppkitError) return { kind: 'failed', id, message: error.message, code: error.code, stage };
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { kind: 'failed', id, message: `internal error while ${stage}: ${text}`, code: 'internal', stage };
}

addEventListener('message', (event: MessageEvent) => {
  const request = readRequest(event.data);
  if (request.kind === 'open') open(request.id, request.fileName, new Uint8Array(request.bytes));
  else transform(request.id, request.passes);
});
