/**
 * What the model worker computes about a model, as plain data for the page: the `sppkit inspect` summary, the
 * `sppkit check` problems plus warnings, and the pass records of `sppkit transform --explain`.
 */
import { formatType, inferTypesTolerantly, type Model, type runPasses } from 'sppkit';
import type { ModelSummary, PassReport } from './protocol.js';

/** The summary `sppkit inspect` prints, with the types inference adds where the file leaves them out. */
export function summarize(model: Model, fileName: string, byteLength: number): ModelSummary {
  const graph = model.graph;
  const { types } = inferTypesTolerantly(model);
  const typeOf = (value: (typeof graph.outputs)[number]): string => formatType(value.type ?? types.get(value) ?? null);
  const counts = new Map<string, number>();
  for (const node of graph.nodes) {
    const op = node.domain === '' || node.domain === 'ai.onnx' ? node.opType : `${node.domain}::${node.opType}`;
    counts.set(op, (counts.get(op) ?? 0) + 1);
  }
  return {
    fileName,
    byteLength,
    irVersion: model.irVersion,
    opsets: [...model.opsetImports].map(([domain, version]) => ({
      domain: domain === '' ? 'ai.onnx' : domain,
      version,
    })),
    producer: `${model.producerName} ${model.producerVersion}`.trim(),
    graphName: graph.name,
    nodeCount: graph.nodes.length,
    initializerCount: graph.initializers.size,
    parameterCount: [...graph.initializers.values()].reduce((sum, v) => sum + (v.constValue?.size ?? 0), 0),
    inputs: graph.inputs.filter((v) => !graph.initializers.has(v.name)).map((v) => ({ name: v.name, type: typeOf(v) })),
    outputs: graph.outputs.map((v) => ({ name: v.name, type: typeOf(v) })),
    opCounts: [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([op, count]) => ({ op, count })),
  };
}

/**
 * Warnings that are not check problems: nodes whose types could not be inferred (their outputs stay as the file
 * declares them), said once with the first reason.
 */
export function inferenceWarnings(model: Model): string[] {
  const { notes } = inferTypesTolerantly(model);
  const reasons = [...notes.values()];
  const [first] = reasons;
  if (first === undefined) return [];
  const more = reasons.length > 1 ? ` (and ${reasons.length - 1} more node(s); hover their boxes in the picture)` : '';
  return [`types not inferred past ${reasons.length} node(s): ${first}${more}`];
}

/** What `runPasses` records per pass. */
type PassRecord = ReturnType<typeof runPasses>['results'][number];

/** Pass records as plain data. */
export function passReports(records: readonly PassRecord[]): PassReport[] {
  return records.map((record) => ({
    pass: record.pass,
    modified: record.modified,
    notes: [...record.notes],
    events: record.events.map((event) => ({ kind: event.kind, where: event.where, detail: event.detail })),
  }));
}

/** A node as the diff sees it: op, name, and the names of its inputs and outputs (attributes aside). */
function signature(node: Model['graph']['nodes'][number]): string {
  const names = (values: readonly ({ readonly name: string } | null | undefined)[]): string =>
    values.map((v) => v?.name ?? '').join(',');
  return `${node.domain}::${node.opType}|${node.name}|${names(node.inputs)}|${names(node.outputs)}`;
}

/**
 * The picture box ids (`n<index>`, as renderGraphSvg numbers nodes) of the nodes a transform added or changed (in
 * `after`) and removed or changed (in `before`): nodes whose op, name, inputs or outputs have no match on the
 * other side.
 */
export function nodeChanges(before: Model, after: Model): { added: string[]; removed: string[] } {
  const beforeSet = new Set(before.graph.nodes.map(signature));
  const afterSet = new Set(after.graph.nodes.map(signature));
  const ids = (model: Model, other: ReadonlySet<string>): string[] =>
    model.graph.nodes.flatMap((node, index) => (other.has(signature(node)) ? [] : [`n${index}`]));
  return { added: ids(after, beforeSet), removed: ids(before, afterSet) };
}
