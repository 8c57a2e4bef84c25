/**
 * The checker: ONNX's structural rules plus sppkit's op schemas. It collects every problem (each naming the node
 * and values involved) instead of stopping at the first.
 *
 * Rules: non-empty unique value names (SSA); nodes in topological order; every input defined before use; graph
 * outputs defined; the default opset imported and its IR version high enough; every op known at that opset with
 * valid attributes and a valid number of inputs/outputs; declared types consistent with inference.
 */
import { inputsAt, versionAt } from '../../ops/core/op.js';
import { findOp, resolveNode } from '../../ops/core/registry.js';
import { CheckError, SppkitError } from '../../ir/errors.js';
import type { Graph, Model } from '../../ir/graph.js';
import { formatType, type TensorType, type Value } from '../../ir/value.js';
import { irVersionForOpset, MAX_OPSET } from '../../ir/versions.js';
import { inferNodeTypes, mergeTypes } from './infer-shapes.js';
import { checkRules } from './check-rules.js';
import type { Limits } from '../../ir/limits.js';
import type { Pass } from './pass.js';

/** Lists every problem of `model` (empty when it is valid); `limits` override the resource limits' defaults. */
export function checkModel(model: Model, limits: Partial<Limits> = {}): string[] {
  const problems: string[] = [];
  const opset = model.opsetImports.get('') ?? model.opsetImports.get('ai.onnx');
  if (opset === undefined) problems.push('the default ONNX domain is not in opset_import');
  else {
    if (opset > MAX_OPSET) problems.push(`opset ${opset} is newer than sppkit knows (${MAX_OPSET})`);
    const minimumIr = irVersionForOpset(opset);
    if (model.irVersion < minimumIr)
      problems.push(`ir_version ${model.irVersion} is too old for opset ${opset} (needs >= ${minimumIr})`);
  }
  // Hook: the rules for files from strangers (resource limits, onnxruntime's refusals), in check-rules.ts. They come
  // first: a size past the limits is why a model is dangerous, and the one line the CLI prints should say so.
  problems.push(...checkRules(model, limits));
  checkGraph(model.graph, opset ?? 1, model, problems, new Set());
  return problems;
}

function checkGraph(graph: Graph, opset: number, model: Model, problems: string[], outer: ReadonlySet<Value>): void {
  const where = `graph '${graph.name}'`;
  const defined = new Set<Value>(outer);
  // Types as the checker infers them, without touching the model: declared types refined by inference.
  const types = new Map<Value, TensorType | null>();
  const names = new Set<string>();
  const define = (value: Value, what: string): void => {
    if (value.name === '') problems.push(`${where}: ${what} has an empty name`);
    else if (names.has(value.name))
      problems.push(`${where}: value name '${value.name}' is defined more than once (${what})`);
    names.add(value.name);
    defined.add(value);
  };
  for (const input of graph.inputs) define(input, 'graph input');
  for (const init of graph.initializers.values()) if (!graph.inputs.includes(init)) define(init, 'initializer');
  for (const init of graph.initializers.values()) {
    if (init.constValue === null) problems.push(`${where}: initializer '${init.name}' has no data`);
  }
  for (const node of graph.nodes) {
    const label = node.label();
    node.inputs.forEach((input, index) => {
      if (input !== null && !defined.has(input)) {
        problems.push(`${label}: input ${index} '${input.name}' is used before it is defined (or never defined)`);
      }
    });
    if (!model.opsetImports.has(node.domain) && !(node.domain === 'ai.onnx' && model.opsetImports.has(''))) {
      problems.push(`${label}: domain '${node.domain}' is not in opset_import`);
    }
    checkNode(node, opset, problems, types);
    for (const output of node.outputs) define(output, `output of ${label}`);
  }
  for (const output of graph.outputs) {
    if (!defined.has(output))
      problems.push(`${where}: graph output '${output.name}' is not defined by any input, initializer or node`);
    if (output.type === null) problems.push(`${where}: graph output '${output.name}' has no type`);
  }
  for (const input of graph.inputs)
    if (input.type === null) problems.push(`${where}: graph input '${input.name}' has no type`);
}

function checkNode(
  node: Graph['nodes'][number],
  opset: number,
  problems: string[],
  types: Map<Value, TensorType | null>,
): void {
  const label = node.label();
  const op = findOp(node.domain, node.opType);
  if (op === undefined) {
    problems.push(`${label}: op '${node.domain === '' ? '' : `${node.domain}.`}${node.opType}' is unknown to sppkit`);
    return;
  }
  if (versionAt(op, opset) === undefined) {
    problems.push(`${label}: ${node.opType} does not exist at opset ${opset}`);
    return;
  }
  const formal = inputsAt(op, opset);
  const variadic = formal.some((io) => io.variadic === true);
  const required = formal.filter((io) => io.optional !== true && io.variadic !== true).length;
  if (node.inputs.length < required || (!variadic && node.inputs.length > formal.length)) {
    problems.push(
      `${label}: has ${node.inputs.length} inputs; ${node.opType}-${versionAt(op, opset)} takes ` +
        (variadic ? `at least ${required}` : `${required}..${formal.length}`),
    );
  }
  formal.forEach((io, index) => {
    if (io.optional !== true && io.variadic !== true && index < node.inputs.length && node.inputs[index] === null) {
      problems.push(`${label}: required input ${index} ('${io.name}') is empty`);
    }
  });
  const maxOutputs = op.outputs.some((io) => io.variadic === true) ? Infinity : op.outputs.length;
  if (node.outputs.length < 1 || node.outputs.length > maxOutputs) {
    problems.push(`${label}: has ${node.outputs.length} outputs; ${node.opType} produces 1..${maxOutputs}`);
  }
  try {
    resolveNode(node, opset);
    const inferred = inferNodeTypes(node, opset, (value) =>
      types.has(value) ? (types.get(value) ?? null) : value.type,
    );
    node.outputs.forEach((output, index) => {
      const merged = mergeTypes(output.type, inferred[index] ?? null);
      if (merged === undefined) {
        problems.push(
          `${label}: output '${output.name}' is declared ${formatType(output.type)} ` +
            `but its inputs give ${formatType(inferred[index] ?? null)}`,
        );
      }
      types.set(output, merged ?? output.type);
    });
  } catch (error) {
    // A typed error is the problem; anything else is an engine bug, reported as such (never as the model's fault).
    if (error instanceof SppkitError) problems.push(error.message);
    else if (error instanceof Error) problems.push(`${label}: internal error (${error.name}): ${error.message}`);
    else problems.push(`${label}: internal error (?): ${String(error)}`);
  }
}

/** Throws a CheckError listing every problem, when there is any. */
export function assertValidModel(model: Model, limits: Partial<Limits> = {}): void {
  const problems = checkModel(model, limits);
  if (problems.length > 0) throw new CheckError(problems);
}

/** The `check` pass: validates, changes nothing. */
export const checkPass: Pass = {
  name: 'check',
  description: 'validate the model (SSA, order, definitions, opsets, attributes, types)',
  inPlace: true,
  run(model: Model) {
    assertValidModel(model);
    return { model, modified: false, notes: ['model is valid'] };
  },
};
