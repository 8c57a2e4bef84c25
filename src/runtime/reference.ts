/**
 * The reference evaluator: runs a Model's nodes in order with sppkit's own kernels (src/ops).
 * Inputs are checked against the declared types; every output is checked against its inferred shape.
 */
import { bindShape, formatShape, type Dim } from '../ir/dim.js';
import { dtypeName } from '../ir/dtype.js';
import { OpError, SppkitError, UnsupportedError } from '../ir/errors.js';
import { isDefaultDomain, type Model } from '../ir/graph.js';
import { Budget, LimitError, nodeWhat, resolveLimits, type Limits } from '../ir/limits.js';
import type { Tensor } from '../ir/tensor.js';
import type { Node, Value } from '../ir/value.js';
import { versionAt } from '../ops/core/op.js';
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
  for (const node of model.graph.nodes) {
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
    for (const value of node.inputs) if (value !== null) last.set(value, node);
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
  if (nodes.length > limits.maxNodes)
    throw new LimitError('maxNodes', nodes.length, limits.maxNodes, `graph '${graph.name}'`);
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
  for (const node of nodes) {
    const inputs = node.inputs.map((value) => {
      if (value === null) return null;
      const tensor = env.get(value);
      if (tensor === undefined)
        throw new OpError(node, `input '${value.name}' has not been computed (is the graph in topological order?)`);
      return tensor;
    });
    const started = timer === undefined ? 0 : performance.now();
    const outputs = runNode(node, model.opset, inputs, node.outputs.length, { budget });
    if (timer !== undefined) timer(node, performance.now() - started);
    node.outputs.forEach((value, index) => {
      const tensor = outputs[index];
      if (tensor === undefined)
        throw new OpError(node, `kernel produced ${outputs.length} outputs, the node has ${node.outputs.length}`);
      const problem = checkAgainst(value, tensor, new Map(bindings), 'output');
      if (problem !== undefined) throw new OpError(node, `shape inference and kernel disagree: ${problem}`);
      const bytes = tensorBytes(tensor.dtype, tensor.size);
      budget.hold(bytes, nodeWhat(node, `output '${value.name}' ${tensor.describe()}`));
      held.set(value, bytes);
      env.set(value, tensor);
    });
    for (const value of release.get(node) ?? []) {
      env.delete(value);
      budget.release(held.get(value) ?? 0);
      held.delete(value);
    }
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
