/**
 * The checker: ONNX's structural rules plus sppkit's op schemas. It collects every problem (each naming the node
 * and values involved) instead of stopping at the first.
 *
 * Rules: non-empty unique value names (SSA); nodes in topological order; every input defined before use; graph
 * outputs defined; the default opset imported and its IR version high enough; every default-domain op an ONNX
 * operator of that opset; every op sppkit implements with valid attributes and a valid number of inputs/outputs;
 * declared types consistent with inference.
 *
 * The open world. An op sppkit does not implement (another domain's, such as `com.microsoft.Gelu` or a custom
 * `com.example.Fancy`, or an ONNX operator sppkit has no file for yet) is not an error: ONNX allows any domain the
 * model imports, and onnxruntime runs contrib and custom ops. Such a model can be perfectly valid, so each such op
 * is a warning, reported once with its node count; the model still checks as valid. Its outputs keep the types
 * the model declares; a node that cannot be type-checked only because an input has no known type is not an
 * error either (one summary warning), so one unknown op does not bury the report in follow-on noise.
 */
import { subgraphsOf } from '../../graph/subgraphs.js';
import { inputsAt, versionAt, type SubgraphInferrer } from '../../ops/core/op.js';
import { findOp, resolveNode } from '../../ops/core/registry.js';
import { CheckError, SppkitError } from '../../ir/errors.js';
import { isDefaultDomain, type Graph, type Model } from '../../ir/graph.js';
import { formatType, type Node, type TensorType, type Value } from '../../ir/value.js';
import { irVersionForOpset, MAX_OPSET } from '../../ir/versions.js';
import type { Limits } from '../../ir/limits.js';
import { inferNodeTypes, mergeTypes, qualifiedOpName } from './infer-shapes.js';
import { onnxOpIntroducedIn } from './onnx-operators.js';
import { checkRules } from './check-rules.js';
import { frozenPoolingWarnings } from '../frozen/frozen.js';
import type { Pass } from './pass.js';

/** What the checker found. */
export interface CheckReport {
  /** Violations of ONNX's rules: the model is invalid when there is any. */
  readonly errors: readonly string[];
  /** What sppkit cannot vouch for in a model that may well be valid: ops it does not implement, and after them. */
  readonly warnings: readonly string[];
}

/** What the checker notes while it walks the graphs (beyond errors). */
interface OpenWorld {
  /** Nodes of ops sppkit does not implement. */
  readonly unknown: Node[];
  /** Nodes not type-checked because an input has no known type. */
  readonly untyped: Node[];
}

/**
 * Lists every problem of `model` (empty when it is valid); warnings are left out (see `checkModelReport`). `limits`
 * override the resource limits' defaults.
 */
export function checkModel(model: Model, limits: Partial<Limits> = {}): string[] {
  return checkCore(model, limits).problems;
}

/**
 * Checks `model`: every error, and the warnings — ops sppkit does not implement, and (for a valid model) adaptive
 * pooling that an exporter froze at its trace size (src/transform/frozen).
 */
export function checkModelReport(model: Model, limits: Partial<Limits> = {}): CheckReport {
  const { problems, open } = checkCore(model, limits);
  const frozen = problems.length === 0 ? frozenPoolingWarnings(model) : [];
  return { errors: problems, warnings: [...openWorldWarnings(open), ...frozen] };
}

function checkCore(model: Model, limits: Partial<Limits>): { problems: string[]; open: OpenWorld } {
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
  const open: OpenWorld = { unknown: [], untyped: [] };
  checkGraph(model.graph, opset ?? 1, model, problems, open, TOP_SCOPE);
  return { problems, open };
}

/** One warning per op sppkit does not implement (with its nodes), and one for the nodes not type-checked. */
function openWorldWarnings(open: OpenWorld): string[] {
  const byOp = new Map<string, Node[]>();
  for (const node of open.unknown) {
    const nodes = byOp.get(qualifiedOpName(node)) ?? [];
    nodes.push(node);
    byOp.set(qualifiedOpName(node), nodes);
  }
  const warnings = [...byOp].map(([name, nodes]) => {
    const shown = nodes.slice(0, 3).map((node) => `'${node.name}'`);
    const more = nodes.length > shown.length ? ` and ${nodes.length - shown.length} more` : '';
    const where = `${nodes.length} node(s): ${shown.join(', ')}${more}`;
    return `op '${name}' is not implemented by sppkit (${where}): not checked; its outputs keep their declared types`;
  });
  if (open.untyped.length > 0) {
    warnings.push(
      `${open.untyped.length} node(s) not type-checked because an input has no known type ` +
        `(first: ${open.untyped[0]?.label() ?? ''})`,
    );
  }
  return warnings;
}

/** What a graph sees of the graphs that enclose it (nothing, for the main graph). */
interface OuterScope {
  /** Values defined before the node that holds the graph, in every enclosing graph. */
  readonly values: ReadonlySet<Value>;
  /** Their names: a subgraph may not define them again (ONNX's SSA rule spans scopes). */
  readonly names: ReadonlySet<string>;
  /** Their types as the checker inferred them. */
  readonly typeOf: (value: Value) => TensorType | null;
}

const TOP_SCOPE: OuterScope = { values: new Set(), names: new Set(), typeOf: (value) => value.type };

/** Checks one graph (and, through its nodes, their subgraphs); returns the types it inferred for its values. */
function checkGraph(
  graph: Graph,
  opset: number,
  model: Model,
  problems: string[],
  open: OpenWorld,
  outer: OuterScope,
): (value: Value) => TensorType | null {
  const where = `graph '${graph.name}'`;
  const main = graph === model.graph;
  const defined = new Set<Value>(outer.values);
  // Types as the checker infers them, without touching the model: declared types refined by inference.
  const types = new Map<Value, TensorType | null>();
  const typeOf = (value: Value): TensorType | null =>
    types.has(value)
      ? (types.get(value) ?? null)
      : defined.has(value) && !outer.values.has(value)
        ? value.type
        : outer.typeOf(value);
  const names = new Set<string>();
  const define = (value: Value, what: string): void => {
    if (value.name === '') problems.push(`${where}: ${what} has an empty name`);
    else if (names.has(value.name))
      problems.push(`${where}: value name '${value.name}' is defined more than once (${what})`);
    else if (outer.names.has(value.name))
      problems.push(`${where}: value name '${value.name}' (${what}) is already defined in an enclosing graph`);
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
    // A subgraph sees what is defined before its node, in this graph and the enclosing ones.
    const subgraphTypes = new Map<Graph, (value: Value) => TensorType | null>();
    for (const sub of subgraphsOf(node)) {
      const scope: OuterScope = { values: new Set(defined), names: new Set([...outer.names, ...names]), typeOf };
      subgraphTypes.set(sub, checkGraph(sub, opset, model, problems, open, scope));
    }
    const inferSubgraph: SubgraphInferrer = (sub) => {
      const subTypeOf = subgraphTypes.get(sub) ?? ((value: Value) => value.type);
      return sub.outputs.map(subTypeOf);
    };
    checkNode(node, opset, problems, open, typeOf, types, inferSubgraph);
    for (const output of node.outputs) define(output, `output of ${label}`);
  }
  for (const output of graph.outputs) {
    if (!defined.has(output))
      problems.push(`${where}: graph output '${output.name}' is not defined by any input, initializer or node`);
    // Subgraph inputs and outputs may leave their types to inference (as the ONNX checker allows).
    if (output.type === null && main) problems.push(`${where}: graph output '${output.name}' has no type`);
  }
  for (const input of graph.inputs)
    if (input.type === null && main) problems.push(`${where}: graph input '${input.name}' has no type`);
  return typeOf;
}

/**
 * Checks a node of an op sppkit does not implement: an error when the default domain has no such operator at
 * `opset`; otherwise it is noted for a warning.
 */
function checkUnknownOp(node: Node, opset: number, problems: string[], open: OpenWorld): void {
  const label = node.label();
  // Another domain's op, or an opset newer than the table: nothing to hold the name against.
  if (!isDefaultDomain(node.domain) || opset > MAX_OPSET) {
    open.unknown.push(node);
    return;
  }
  const since = onnxOpIntroducedIn(node.opType);
  if (since === undefined)
    problems.push(`${label}: op '${node.opType}' is unknown to ONNX (the default domain has no such operator)`);
  else if (since > opset)
    problems.push(`${label}: ${node.opType} does not exist at opset ${opset} (ONNX added it in opset ${since})`);
  else open.unknown.push(node);
}

function checkNode(
  node: Node,
  opset: number,
  problems: string[],
  open: OpenWorld,
  typeOf: (value: Value) => TensorType | null,
  types: Map<Value, TensorType | null>,
  inferSubgraph: SubgraphInferrer,
): void {
  const label = node.label();
  const op = findOp(node.domain, node.opType);
  if (op === undefined) {
    checkUnknownOp(node, opset, problems, open);
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
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
    return;
  }
  try {
    const inferred = inferNodeTypes(node, opset, typeOf, undefined, inferSubgraph);
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
    // Not an error of this node when it only lacks an input's type (after an op sppkit does not implement). A typed
    // error is the problem; anything else is an engine bug, reported as such (never as the model's fault).
    const blocked = node.inputs.some((input) => input !== null && typeOf(input) === null);
    if (blocked && error instanceof SppkitError) open.untyped.push(node);
    else if (error instanceof SppkitError) problems.push(error.message);
    else if (error instanceof Error) problems.push(`${label}: internal error (${error.name}): ${error.message}`);
    else problems.push(`${label}: internal error (?): ${String(error)}`);
  }
}

/** Throws a CheckError listing every problem, when there is any (warnings do not count). */
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
    const { errors, warnings } = checkModelReport(model);
    if (errors.length > 0) throw new CheckError(errors);
    return { model, modified: false, notes: ['model is valid', ...warnings.map((warning) => `warning: ${warning}`)] };
  },
};
