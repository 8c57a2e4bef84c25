/**
 * The reference evaluator: runs a Model's nodes in order with sppkit's own kernels (src/ops).
 * Inputs are checked against the declared types; every output is checked against its inferred shape.
 */
import { bindShape, formatShape, type Dim } from '../ir/dim.js';
import { dtypeName } from '../ir/dtype.js';
import { OpError, SppkitError } from '../ir/errors.js';
import type { Model } from '../ir/graph.js';
import type { Tensor } from '../ir/tensor.js';
import type { Node, Value } from '../ir/value.js';
import { runNode } from '../ops/core/registry.js';
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

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** Called after each node with the milliseconds its kernel took (per-op profiles, as `sppkit bench real` prints). */
  readonly onNodeTimed?: (node: Node, ms: number) => void;
}

/** Runs `model` on `feeds` with the reference kernels and returns every graph output by name. */
export function evaluate(model: Model, feeds: TensorMap, options: EvaluateOptions = {}): Map<string, Tensor> {
  const timer = options.onNodeTimed;
  const graph = model.graph;
  const env = new Map<Value, Tensor>();
  const bindings = validateFeeds(model, feeds);
  for (const [name, value] of graph.initializers) {
    if (value.constValue === null) throw new InputError(`initializer '${name}' has no data`);
    env.set(value, value.constValue);
  }
  for (const input of graph.inputs) {
    const tensor = feeds.get(input.name) ?? input.constValue;
    if (tensor !== null && tensor !== undefined) env.set(input, tensor);
  }
  for (const node of graph.nodes) {
    const inputs = node.inputs.map((value) => {
      if (value === null) return null;
      const tensor = env.get(value);
      if (tensor === undefined)
        throw new OpError(node, `input '${value.name}' has not been computed (is the graph in topological order?)`);
      return tensor;
    });
    const started = timer === undefined ? 0 : performance.now();
    const outputs = runNode(node, model.opset, inputs, node.outputs.length);
    if (timer !== undefined) timer(node, performance.now() - started);
    node.outputs.forEach((value, index) => {
      const tensor = outputs[index];
      if (tensor === undefined)
        throw new OpError(node, `kernel produced ${outputs.length} outputs, the node has ${node.outputs.length}`);
      const problem = checkAgainst(value, tensor, new Map(bindings), 'output');
      if (problem !== undefined) throw new OpError(node, `shape inference and kernel disagree: ${problem}`);
      env.set(value, tensor);
    });
  }
  const result = new Map<string, Tensor>();
  for (const output of graph.outputs) {
    const tensor = env.get(output);
    if (tensor === undefined) throw new InputError(`graph output '${output.name}' was never computed`);
    result.set(output.name, tensor);
  }
  return result;
}

/** The `ref` backend: always available; a session's `run` rejects (never throws) with evaluate's errors. */
export const referenceBackend: Backend = defineBackend({
  name: 'ref',
  check: () => Promise.resolve({ available: true, detail: 'sppkit reference kernels (pure TypeScript)' }),
  load: (model: Model) =>
    Promise.resolve({
      provider: 'sppkit reference',
      run: (feeds: TensorMap) => Promise.resolve().then(() => evaluate(model, feeds)),
      dispose: () => Promise.resolve(),
    }),
});
