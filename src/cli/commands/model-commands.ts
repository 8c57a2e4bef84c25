/**
 * `sppkit inspect`, `sppkit check` and `sppkit run`: commands that read a model file.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatAttribute } from '../../ir/attribute.js';
import { formatShape } from '../../ir/dim.js';
import { dtypeName } from '../../ir/dtype.js';
import type { Model } from '../../ir/graph.js';
import { SppkitError, UnsupportedError } from '../../ir/errors.js';
import { assertValidModel, checkModelReport } from '../../transform/passes/check.js';
import { inferGraphShapes } from '../../transform/passes/infer-shapes.js';
import type { Tensor } from '../../ir/tensor.js';
import { formatType } from '../../ir/value.js';
import { BACKEND_NAMES, type BackendName } from '../../runtime/backend.js';
import { getBackend } from '../../runtime/node/backends.js';
import { referenceBackendWithin, referenceGaps, validateFeeds } from '../../runtime/reference.js';
import {
  checkOutputFolder,
  choice,
  FailedError,
  int,
  LIMIT_HELP,
  LIMIT_OPTION,
  limitsOf,
  parse,
  str,
  UsageError,
  writeOutputFile,
} from '../args.js';
import { loadModel as readModelFile, readTensorFile, writeTensorFile } from '../../export/io-node.js';
import { formatRuns, randomFeeds, runOnBackends } from '../validate.js';
import { renderGraphSvg } from '../../viz/index.js';

/** A repeatable string option's values. */
function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function onePath(positionals: readonly string[], command: string): string {
  const [path, ...rest] = positionals;
  if (path === undefined) throw new UsageError(`${command}: which model? (sppkit ${command} <model.onnx>)`);
  if (rest.length > 0) throw new UsageError(`${command}: unexpected arguments ${rest.join(' ')}`);
  return path;
}

/** A JSON-friendly description of a model. */
export function describeModel(model: Model): Record<string, unknown> {
  const graph = model.graph;
  const opCounts: Record<string, number> = {};
  for (const node of graph.nodes) opCounts[node.opType] = (opCounts[node.opType] ?? 0) + 1;
  return {
    irVersion: model.irVersion,
    opsetImports: Object.fromEntries(model.opsetImports),
    producer: `${model.producerName} ${model.producerVersion}`.trim(),
    graph: graph.name,
    inputs: graph.inputs
      .filter((v) => !graph.initializers.has(v.name))
      .map((v) => ({ name: v.name, type: formatType(v.type) })),
    outputs: graph.outputs.map((v) => ({ name: v.name, type: formatType(v.type) })),
    initializers: graph.initializers.size,
    parameters: [...graph.initializers.values()].reduce((sum, v) => sum + (v.constValue?.size ?? 0), 0),
    nodes: graph.nodes.length,
    opCounts,
    metadata: Object.fromEntries(model.metadataProps),
  };
}

export const INSPECT_HELP = `usage: sppkit inspect <model.onnx> [--json] [--nodes] [--svg graph.svg]
  prints inputs, outputs, op counts (and every node with --nodes)
  --svg FILE   also draws the graph as an SVG: a box per node (op, name, attributes, its initializers folded
               in), arrows labelled with the value types (inferred where the file leaves them out)
${LIMIT_HELP}`;

/** `sppkit inspect`. */
export function inspectCommand(argv: readonly string[], out: (line: string) => void): number {
  const { values, positionals } = parse(
    argv,
    { json: { type: 'boolean' }, nodes: { type: 'boolean' }, svg: { type: 'string' }, ...LIMIT_OPTION },
    'inspect',
  );
  if (values.help === true) {
    out(INSPECT_HELP);
    return 0;
  }
  const path = onePath(positionals, 'inspect');
  const model = readModelFile(path, { limits: limitsOf(values) });
  try {
    inferGraphShapes(model.graph, model.opset);
  } catch {
    // Inspect shows what the file says even when inference cannot complete; `check` reports why.
  }
  const info = describeModel(model);
  const svgPath = str(values, 'svg');
  if (svgPath !== undefined) {
    writeOutputFile(svgPath, renderGraphSvg(model));
    // With --json, stdout stays one JSON document; the file's path is in it.
    if (values.json !== true) out(`wrote ${svgPath}: the graph of ${path} (${model.graph.nodes.length} nodes)`);
  }
  if (values.json === true) {
    out(JSON.stringify({ file: path, ...info, ...(svgPath === undefined ? {} : { svg: svgPath }) }, null, 2));
    return 0;
  }
  const opsets = [...model.opsetImports].map(([d, v]) => `${d || 'ai.onnx'}=${v}`).join(', ');
  out(`${path}: ir ${model.irVersion}, opsets ${opsets}, producer ${String(info.producer) || '-'}`);
  for (const v of model.graph.inputs.filter((i) => !model.graph.initializers.has(i.name)))
    out(`  input  ${v.name}: ${formatType(v.type)}`);
  for (const v of model.graph.outputs) out(`  output ${v.name}: ${formatType(v.type)}`);
  out(
    `  ${model.graph.nodes.length} nodes, ${model.graph.initializers.size} initializers ` +
      `(${String(info.parameters)} values)`,
  );
  out(
    `  ops: ${Object.entries(info.opCounts as Record<string, number>)
      .map(([op, n]) => `${op}×${n}`)
      .join(', ')}`,
  );
  if (values.nodes === true) {
    for (const node of model.graph.nodes) {
      const attrs = [...node.attributes].map(([k, a]) => `${k}=${formatAttribute(a)}`).join(' ');
      const inputs = node.inputs.map((v) => v?.name ?? '').join(', ');
      const outputs = node.outputs.map((v) => `${v.name}: ${formatType(v.type)}`).join(', ');
      out(`  ${node.label()}: (${inputs}) -> (${outputs}) ${attrs}`);
    }
  }
  return 0;
}

export const CHECK_HELP = `usage: sppkit check <model.onnx> [--limit NAME=VALUE]...
  validates SSA, order, definitions, opsets, attributes and types, and that every shape fits the resource limits
  and onnxruntime's rules; exit 1 when invalid.
  An op sppkit does not implement (another domain's, or an ONNX op it has no kernel for) is a warning, once per
  op: the model may well be valid ONNX; its outputs keep the types the model declares.
${LIMIT_HELP}`;

/** `sppkit check`. */
export function checkCommand(
  argv: readonly string[],
  out: (line: string) => void,
  err: (line: string) => void,
): number {
  const { values, positionals } = parse(argv, LIMIT_OPTION, 'check');
  if (values.help === true) {
    out(CHECK_HELP);
    return 0;
  }
  const path = onePath(positionals, 'check');
  const limits = limitsOf(values);
  const { errors: problems, warnings } = checkModelReport(readModelFile(path, { limits }), limits);
  for (const warning of warnings) err(`${path}: warning: ${warning}`);
  if (problems.length === 0) {
    out(`${path}: ok${warnings.length === 0 ? '' : ` (${warnings.length} warning(s))`}`);
    return 0;
  }
  for (const problem of problems) err(`${path}: ${problem}`);
  throw new FailedError(`${path}: ${problems.length} problem(s)`);
}

export const RUN_HELP = `usage: sppkit run <model.onnx> [--backend ${BACKEND_NAMES.join('|')}] [--input x=FILE.pb]...
                 [--dim H=13]... [--seed S] [--repeat N] [--output-dir DIR] [--limit NAME=VALUE]...
  checks the model, runs it (random inputs unless given), compares with the reference, prints outputs and timings;
  a model that fails the check, or asks for more than the limits allow, is refused (exit 2) before it runs.
  On an onnxruntime backend, a model the reference cannot run (an op sppkit does not implement) runs on that
  backend alone: the reference is skipped, and the ops it lacks are named.
${LIMIT_HELP}`;

function summarize(tensor: Tensor): string {
  const values = tensor.size > 0 && typeof tensor.data[0] !== 'string' ? tensor.toNumbers() : [];
  // A loop, not Math.min(...values): a detection output has ~10^5..10^6 elements, more than a call takes.
  let [min, max, sum, count] = [Infinity, -Infinity, 0, 0];
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    [min, max, sum, count] = [Math.min(min, value), Math.max(max, value), sum + value, count + 1];
  }
  const stats =
    count === 0 ? '' : ` min ${min.toPrecision(5)} max ${max.toPrecision(5)} mean ${(sum / count).toPrecision(5)}`;
  return `${dtypeName(tensor.dtype)}${formatShape(tensor.dims)}${stats} first [${values
    .slice(0, 6)
    .map((v) => v.toPrecision(5))
    .join(', ')}${values.length > 6 ? ', ...' : ''}]`;
}

/** `sppkit run`. */
export async function runCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      backend: { type: 'string' },
      input: { type: 'string', multiple: true },
      dim: { type: 'string', multiple: true },
      seed: { type: 'string' },
      repeat: { type: 'string' },
      'output-dir': { type: 'string' },
      ...LIMIT_OPTION,
    },
    'run',
  );
  if (values.help === true) {
    out(RUN_HELP);
    return 0;
  }
  const path = onePath(positionals, 'run');
  const backendName: BackendName = choice(values, 'backend', BACKEND_NAMES) ?? 'ref';
  const limits = limitsOf(values);
  const seed = int(values, 'seed') ?? 0;
  const repeats = int(values, 'repeat', 1, 10_000) ?? 1;
  const outDir = str(values, 'output-dir');
  if (outDir !== undefined) checkOutputFolder(outDir, '--output-dir');
  const dims = new Map<string, number>();
  for (const item of stringList(values.dim)) {
    const match = /^([A-Za-z_][\w]*)=(\d+)$/.exec(item);
    if (match === null) throw new UsageError(`--dim must look like H=13, got '${item}'`);
    const size = Number(match[2]);
    if (size < 1 || size > limits.maxTensorElements)
      throw new UsageError(`--dim ${item}: the size must be in 1..${limits.maxTensorElements}`);
    dims.set(match[1] ?? '', size);
  }
  const model = readModelFile(path, { limits });
  // The checker first: a model it refuses (an opset it does not know, a malformed node, a shape past the
  // limits, pads onnxruntime refuses) is not evaluated.
  assertValidModel(model, limits);
  inferGraphShapes(model.graph, model.opset);
  const feeds = new Map<string, Tensor>();
  for (const item of stringList(values.input)) {
    const at = item.indexOf('=');
    if (at < 1) throw new UsageError(`--input must look like x=FILE.pb, got '${item}'`);
    feeds.set(item.slice(0, at), readTensorFile(item.slice(at + 1)).tensor);
  }
  const missing = model.graph.inputs.some((v) => !model.graph.initializers.has(v.name) && !feeds.has(v.name));
  if (missing)
    for (const [name, tensor] of randomFeeds(model, seed, dims, limits)) if (!feeds.has(name)) feeds.set(name, tensor);
  validateFeeds(model, feeds);
  // The reference checks another backend's outputs when it can run the model; when it cannot (ops sppkit does not
  // implement), the chosen backend runs alone and the reference is reported as skipped, with the ops it lacks.
  const reference = referenceBackendWithin(limits);
  const gaps = backendName === 'ref' ? undefined : referenceGaps(model);
  if (gaps !== undefined) out(`reference skipped: ${gaps}; ${backendName} runs alone, unchecked`);
  const backends =
    backendName === 'ref'
      ? [reference]
      : gaps === undefined
        ? [reference, getBackend(backendName)]
        : [getBackend(backendName)];
  const { runs, outputs } = await runOnBackends(model, feeds, backends, { repeats, atol: 1e-4, rtol: 1e-4 });
  // The reference refused the model or its inputs (a limit, a bad value): that is the input's fault (exit 2). An op
  // the reference does not implement is sppkit's gap, not the input's: a failed run (exit 1) naming the ops.
  const refused = runs[0]?.status === 'error' ? runs[0].error : undefined;
  if (gaps === undefined && refused instanceof SppkitError && !(refused instanceof UnsupportedError)) throw refused;
  out(formatRuns(runs));
  for (const [name, tensor] of outputs ?? []) out(`${name}: ${summarize(tensor)}`);
  if (outDir !== undefined && outputs !== undefined) {
    mkdirSync(outDir, { recursive: true });
    [...outputs].forEach(([name, tensor], index) => writeTensorFile(join(outDir, `output_${index}.pb`), tensor, name));
    out(`wrote ${outputs.size} output(s) to ${outDir}`);
  }
  const last = runs[runs.length - 1];
  if (last !== undefined && last.status !== 'ok')
    throw new FailedError(`run on ${last.backend}: ${last.status}${last.message === '' ? '' : `: ${last.message}`}`);
  return 0;
}
