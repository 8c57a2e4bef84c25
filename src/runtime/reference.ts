/**
 * The reference evaluator: runs a Model's nodes in order with sppkit's own kernels (src/ops).
 * Inputs are checked against the declared types; every output is checked against its inferred shape.
 */
import { bindShape, formatShape, type Dim } from '../ir/dim.js';
import { dtypeName } from '../ir/dtype.js';
import { OpError, SppkitError, UnsupportedError } from '../ir/errors.js';
import { isDefaultDomain, type Graph, type Model } from '../ir/graph.js';
import { Budget, LimitError, nodeWhat, resolveLimits, type Limits } from '../ir/limits.js';
import type { Tensor } from '../ir/tensor.js';
import type { Node, Value } from '../ir/value.js';
import { nodesDeep, outerReads, subgraphsOf } from '../graph/subgraphs.js';
import { versionAt, type SubgraphRunner } from '../ops/core/op.js';
import { findOp, runNode, tensorBytes } from '../ops/core/registry.js';
import { defineBackend, type Backend, type TensorMap } from './backend.js';

/** A problem with the tensors fed to a model. */
export class InputError extends SppkitError {
  constructor(message: string) {
    super('E_INPUT', message);
  }
}

function checkAgainst(value: Value, tensor: Tensor, bindings: Map<string, number>, what: string): string | undefined {
  const type = value.type;
  if (type === null) return undefined;
  if (type.dtype !== tensor.dtype)
    return `${what} '${value.name}' must be ${dtypeName(type.dtype)} but is ${tensor.describe()}`;
  if (type.shape !== null && !bindShape(type.shape, tensor.dims, bindings)) {
    const declared = `${formatShape(type.shape)} was declared${describeBindings(type.shape, bindings)}`;
    return `${what} '${value.name}' has shape [${tensor.dims.join(', ')}] but ${declared}`;
  }
  return undefined;
}

function describeBindings(shape: readonly Dim[], bindings: ReadonlyMap<string, number>): string {
  const names = shape.flatMap((dim) => (typeof dim === 'number' || dim.name === undefined ? [] : [dim.name]));
  const bound = names.filter((name) => bindings.has(name)).map((name) => `${name}=${bindings.get(name)}`);
  return bound.length > 0 ? ` (with ${bound.join(', ')})` : '';
}

/**
 * Checks feeds against the model's declared inputs (names, dtypes, shapes, consistent symbolic dims); throws an
 * InputError naming the input and both shapes.
 */
export function validateFeeds(model: Model, feeds: TensorMap): Map<string, number> {
  const graph = model.graph;
  const bindings = new Map<string, number>();
  for (const input of graph.inputs) {
    const tensor = feeds.get(input.name) ?? input.constValue ?? undefined;
    if (tensor === undefined)
      throw new InputError(
        `missing input '${input.name}' (the model's inputs: ${graph.inputs.map((v) => v.name).join(', ')})`,
      );
    const problem = checkAgainst(input, tensor, bindings, 'input');
    if (problem !== undefined) throw new InputError(problem);
  }
  for (const name of feeds.keys()) {
    if (!graph.inputs.some((input) => input.name === name))
      throw new InputError(
        `'${name}' is not an input of the model (its inputs: ${graph.inputs.map((v) => v.name).join(', ')})`,
      );
  }
  return bindings;
}

/**
 * Why the reference cannot run `model`, naming every op it lacks at once (`ops not implemented:
 * com.example.Fancy ×2, Foo ×1`, and ops it has but not at the model's opset); undefined when it can.
 */
export function referenceGaps(model: Model): string | undefined {
  const missing = new Map<string, number>();
  const tooOld = new Map<string, number>();
  for (const node of nodesDeep(model.graph)) {
    const op = findOp(node.domain, node.opType);
    const name = isDefaultDomain(node.domain) ? node.opType : `${node.domain}.${node.opType}`;
    if (op === undefined) missing.set(name, (missing.get(name) ?? 0) + 1);
    else if (versionAt(op, model.opset) === undefined) tooOld.set(name, (tooOld.get(name) ?? 0) + 1);
  }
  const list = (counts: ReadonlyMap<string, number>): string =>
    [...counts].map(([name, count]) => `${name} ×${count}`).join(', ');
  const parts = [
    ...(missing.size > 0 ? [`ops not implemented: ${list(missing)}`] : []),
    ...(tooOld.size > 0 ? [`ops not defined at opset ${model.opset}: ${list(tooOld)}`] : []),
  ];
  return parts.length === 0 ? undefined : `the reference cannot run this model: ${parts.join('; ')}`;
}

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** Resource limits: overrides of the defaults (src/ir/limits.ts). */
  readonly limits?: Partial<Limits>;
  /** Called after each node with the milliseconds its kernel took (per-op profiles, as `sppkit bench real` prints). */
  readonly onNodeTimed?: (node: Node, ms: number) => void;
}

/**
 * For each computed value that no graph output keeps, the node after which it can be released: its last reader
 * in node order, or its producer when nothing reads it.
 */
function releasePoints(nodes: readonly Node[]): Map<Node, Value[]> {
  const last = new Map<Value, Node>();
  for (const node of nodes) {
    for (const value of nodeReads(node)) last.set(value, node);
    for (const value of node.outputs) if (!last.has(value)) last.set(value, node);
  }
  const byNode = new Map<Node, Value[]>();
  for (const [value, node] of last) {
    if (value.producer() === null || value.isGraphOutput()) continue;
    const list = byNode.get(node);
    if (list === undefined) byNode.set(node, [value]);
    else list.push(value);
  }
  return byNode;
}

/** The values one graph's evaluation holds: tensors by value, their bytes in the budget, the model's dim bindings. */
interface Frame {
  readonly env: Map<Value, Tensor>;
  readonly held: Map<Value, number>;
  readonly budget: Budget;
  readonly bindings: ReadonlyMap<string, number>;
}

/** Checks a node's outputs against their declared types, holds their bytes in the budget and keeps them. */
function keepOutputs(frame: Frame, node: Node, outputs: readonly Tensor[]): void {
  node.outputs.forEach((value, index) => {
    const tensor = outputs[index];
    if (tensor === undefined)
      throw new OpError(node, `kernel produced ${outputs.length} outputs, the node has ${node.outputs.length}`);
    const problem = checkAgainst(value, tensor, new Map(frame.bindings), 'output');
    if (problem !== undefined) throw new OpError(node, `shape inference and kernel disagree: ${problem}`);
    const bytes = tensorBytes(tensor.dtype, tensor.size);
    frame.budget.hold(bytes, nodeWhat(node, `output '${value.name}' ${tensor.describe()}`));
    frame.held.set(value, bytes);
    frame.env.set(value, tensor);
  });
}

/** Drops values no later node reads (see `releasePoints`) and gives their bytes back to the budget. */
function releaseValues(frame: Frame, values: readonly Value[] | undefined): void {
  for (const value of values ?? []) {
    const bytes = frame.held.get(value);
    if (bytes === undefined) continue;
    frame.env.delete(value);
    frame.budget.release(bytes);
    frame.held.delete(value);
  }
}

/**
 * Runs `model` on `feeds` with the reference kernels and returns every graph output by name. Within the limits
 * (`options.limits`): every node's outputs are sized before its kernel runs, the bytes of computed values held at
 * once and the work done are counted, and a value is released after its last reader; an excess is a LimitError
 * naming the node and the value.
 */
export function evaluate(model: Model, feeds: TensorMap, options: EvaluateOptions = {}): Map<string, Tensor> {
  const gaps = referenceGaps(model);
  if (gaps !== undefined) throw new UnsupportedError(gaps);
  const timer = options.onNodeTimed;
  const graph = model.graph;
  const limits = resolveLimits(options.limits);
  const budget = new Budget(limits);
  const nodes = graph.nodes;
  const nodeCount = countNodes(graph);
  if (nodeCount > limits.maxNodes)
    throw new LimitError('maxNodes', nodeCount, limits.maxNodes, `graph '${graph.name}' (with its subgraphs)`);
  const env = new Map<Value, Tensor>();
  const held = new Map<Value, number>();
  const release = releasePoints(nodes);
  const bindings = validateFeeds(model, feeds);
  for (const [name, value] of graph.initializers) {
    if (value.constValue === null) throw new InputError(`initializer '${name}' has no data`);
    env.set(value, value.constValue);
  }
  for (const input of graph.inputs) {
    const tensor = feeds.get(input.name) ?? input.constValue;
    if (tensor !== null && tensor !== undefined) env.set(input, tensor);
  }
  const runSubgraph = subgraphRunner(model.opset, (value) => env.get(value), bindings, budget, 1);
  const frame: Frame = { env, held, budget, bindings };
  for (const node of nodes) {
    const inputs = node.inputs.map((value) => {
      if (value === null) return null;
      const tensor = env.get(value);
      if (tensor === undefined)
        throw new OpError(node, `input '${value.name}' has not been computed (is the graph in topological order?)`);
      return tensor;
    });
    const started = timer === undefined ? 0 : performance.now();
    const outputs = runNode(node, model.opset, inputs, node.outputs.length, { budget, runSubgraph });
    if (timer !== undefined) timer(node, performance.now() - started);
    keepOutputs(frame, node, outputs);
    releaseValues(frame, release.get(node));
  }
  const result = new Map<string, Tensor>();
  for (const output of graph.outputs) {
    const tensor = env.get(output);
    if (tensor === undefined) throw new InputError(`graph output '${output.name}' was never computed`);
    result.set(output.name, tensor);
  }
  return result;
}

/** A `ref` backend that evaluates within `limits` (overrides of the defaults). */
export function referenceBackendWithin(limits: Partial<Limits>): Backend {
  return defineBackend({
    name: 'ref',
    check: () => Promise.resolve({ available: true, detail: 'sppkit reference kernels (pure TypeScript)' }),
    load: (model: Model) => {
      // Refused at load, before anything runs, naming every op the reference lacks.
      const gaps = referenceGaps(model);
      if (gaps !== undefined) return Promise.reject(new UnsupportedError(gaps));
      return Promise.resolve({
        provider: 'sppkit reference',
        run: (feeds: TensorMap) => Promise.resolve().then(() => evaluate(model, feeds, { limits })),
        dispose: () => Promise.resolve(),
      });
    },
  });
}

/** The `ref` backend: always available; a session's `run` rejects (never throws) with evaluate's errors. */
export const referenceBackend: Backend = referenceBackendWithin({});

// ---- Subgraphs (If's branches) ----

/**
 * How deeply subgraphs may nest when evaluated (an If in a branch of an If ...). A decoded model cannot nest deeper
 * than the protobuf reader's 100 messages allow (three per level); this bounds graphs built in memory too, so that
 * evaluation never recurses without end.
 */
export const MAX_SUBGRAPH_DEPTH = 64;

/** What a node reads: its inputs and the values its subgraphs read from the enclosing graphs. */
function nodeReads(node: Node): Value[] {
  const reads = node.inputs.filter((value): value is Value => value !== null);
  for (const sub of subgraphsOf(node)) reads.push(...outerReads(sub));
  return reads;
}

/** Nodes of `graph` and of every subgraph nested in it: all count toward `maxNodes`. */
function countNodes(graph: Graph): number {
  let count = graph.nodes.length;
  for (const node of graph.nodes) for (const sub of subgraphsOf(node)) count += countNodes(sub);
  return count;
}

/**
 * Runs subgraphs (If's branches) for the nodes of a graph being evaluated at nesting `depth`: `outer` gives the
 * values computed so far in the enclosing graphs, which the subgraph's nodes read by reference; `budget` is the
 * evaluation's, so a subgraph's nodes count toward the same limits.
 */
function subgraphRunner(
  opset: number,
  outer: (value: Value) => Tensor | undefined,
  bindings: ReadonlyMap<string, number>,
  budget: Budget,
  depth: number,
): SubgraphRunner {
  return (graph, inputs) => evaluateSubgraph(graph, opset, inputs, { outer, bindings, budget, depth });
}

/** Where a subgraph is evaluated: the enclosing values, the model's dim bindings, the budget, the nesting depth. */
export interface SubgraphScope {
  /** A value computed in an enclosing graph (undefined when it is not, or not yet). */
  readonly outer: (value: Value) => Tensor | undefined;
  /** Symbolic dims bound by the model's inputs. */
  readonly bindings: ReadonlyMap<string, number>;
  /** The evaluation's running totals. */
  readonly budget: Budget;
  /** 1 for a subgraph of the main graph, 2 for one nested in it, ... */
  readonly depth: number;
}

/**
 * Evaluates a subgraph on tensors for its formal inputs, reading the enclosing graphs' values through
 * `scope.outer`; returns its outputs in order. Like `evaluate`, it checks every tensor against the declared type
 * (symbolic dims bound by the model's inputs where they name the same dims), holds and releases its values in the
 * evaluation's budget (what it returns is released here and held again by the node that owns the subgraph), and
 * refuses nesting deeper than MAX_SUBGRAPH_DEPTH.
 */
export function evaluateSubgraph(
  graph: Graph,
  opset: number,
  inputs: readonly Tensor[],
  scope: SubgraphScope,
): Tensor[] {
  const { budget, bindings } = scope;
  const where = `subgraph '${graph.name}'`;
  if (scope.depth > MAX_SUBGRAPH_DEPTH)
    throw new UnsupportedError(
      `${where} is nested ${scope.depth} deep; the reference runs at most ${MAX_SUBGRAPH_DEPTH}`,
    );
  if (inputs.length !== graph.inputs.length)
    throw new InputError(`${where} takes ${graph.inputs.length} input(s), got ${inputs.length}`);
  const env = new Map<Value, Tensor>();
  const held = new Map<Value, number>();
  const lookup = (value: Value): Tensor | undefined => env.get(value) ?? scope.outer(value);
  graph.inputs.forEach((input, index) => {
    const tensor = inputs[index];
    if (tensor === undefined) return;
    const problem = checkAgainst(input, tensor, new Map(bindings), `${where} input`);
    if (problem !== undefined) throw new InputError(problem);
    env.set(input, tensor);
  });
  for (const [name, value] of graph.initializers) {
    if (value.constValue === null) throw new InputError(`${where}: initializer '${name}' has no data`);
    if (!env.has(value)) env.set(value, value.constValue);
  }
  const release = releasePoints(graph.nodes);
  const runSubgraph = subgraphRunner(opset, lookup, bindings, budget, scope.depth + 1);
  const frame: Frame = { env, held, budget, bindings };
  try {
    for (const node of graph.nodes) {
      const tensors = node.inputs.map((value) => {
        if (value === null) return null;
        const tensor = lookup(value);
        if (tensor === undefined)
          throw new OpError(node, `input '${value.name}' has not been computed (in ${where}, or before it in scope)`);
        return tensor;
      });
      const outputs = runNode(node, opset, tensors, node.outputs.length, { budget, runSubgraph });
      keepOutputs(frame, node, outputs);
      releaseValues(frame, release.get(node));
    }
    return graph.outputs.map((output) => {
      const tensor = lookup(output);
      if (tensor === undefined) throw new InputError(`${where}: output '${output.name}' was never computed`);
      return tensor;
    });
  } finally {
    for (const bytes of held.values()) budget.release(bytes);
  }
}
