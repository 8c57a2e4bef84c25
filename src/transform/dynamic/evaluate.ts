/**
 * Running a model inside the transform layer, for the passes' cross-checks: a small evaluator over the op registry's
 * reference kernels (the runtime layer sits above this one), deterministic random inputs at a concrete size, an
 * output comparison, and a model copy that shares tensors but not structure (to rehearse a rewrite before doing it).
 */
import type { Attribute } from '../../ir/attribute.js';
import type { Dim } from '../../ir/dim.js';
import { DataType, isFloatType } from '../../ir/dtype.js';
import { SppkitError } from '../../ir/errors.js';
import { Graph, Model } from '../../ir/graph.js';
import { sizeOf, Tensor, tensorFromNumbers, tensorsIdentical } from '../../ir/tensor.js';
import { Node, Value } from '../../ir/value.js';
import { runNode } from '../../ops/core/registry.js';

/** A cross-check could not run (too large, an input without a type, an op without a kernel). */
export class CrossCheckSkipped extends SppkitError {
  constructor(message: string) {
    super('E_CROSS_CHECK_SKIPPED', message);
  }
}

/**
 * The largest model a pass cross-checks by evaluation: initializer and input elements, nodes, and multiply-adds
 * (the reference kernels run some 2·10⁸ a second, so the cross-check stays within about a second).
 */
export const CROSS_CHECK_LIMITS = {
  initializerElements: 1 << 23,
  inputElements: 1 << 20,
  nodes: 4000,
  multiplyAdds: 3e8,
} as const;

/**
 * The multiply-adds of one run at a concrete size, from each node's output shape (`shapeOf`, evaluated with
 * `bindings`): output elements × the reduction length of Conv (Cin/group · kernel), Gemm and MatMul (K), one per
 * element for everything else. Values whose shape cannot be told count nothing.
 */
export function estimatedMultiplyAdds(
  model: Model,
  shapeOf: (value: Value) => readonly Dim[] | null | undefined,
  bindings: ReadonlyMap<string, number>,
): number {
  const concrete = (value: Value | null | undefined): number[] | undefined => {
    const shape = value === null || value === undefined ? undefined : shapeOf(value);
    if (shape === null || shape === undefined) return undefined;
    const dims = shape.map((dim) => (typeof dim === 'number' ? dim : dim.evaluate(bindings)));
    return dims.every((d): d is number => d !== undefined) ? dims : undefined;
  };
  let total = 0;
  for (const node of model.graph.nodes) {
    const out = concrete(node.outputs[0]);
    if (out === undefined) continue;
    let factor = 1;
    if (node.opType === 'Conv' || node.opType === 'ConvTranspose')
      factor = sizeOf(concrete(node.inputs[1])?.slice(1) ?? []);
    else if (node.opType === 'MatMul' || node.opType === 'Gemm') {
      const a = concrete(node.inputs[0]);
      const transA = node.attributes.get('transA');
      factor = (node.opType === 'Gemm' && transA?.kind === 'int' && transA.value === 1n ? a?.[0] : a?.at(-1)) ?? 1;
    }
    total += sizeOf(out) * factor;
  }
  return total;
}

/**
 * Runs the nodes `targets` depend on (every node when omitted), in graph order, with the reference kernels.
 * `feeds` gives the graph inputs; initializers give themselves. Throws an SppkitError naming the node that fails.
 */
export function evaluateValues(
  model: Model,
  feeds: ReadonlyMap<Value, Tensor>,
  targets?: readonly Value[],
): Map<Value, Tensor> {
  const graph = model.graph;
  const needed = targets === undefined ? undefined : neededNodes(targets);
  const known = new Map<Value, Tensor>(feeds);
  for (const init of graph.initializers.values())
    if (init.constValue !== null && !known.has(init)) known.set(init, init.constValue);
  for (const node of graph.nodes) {
    if (needed !== undefined && !needed.has(node)) continue;
    const inputs = node.inputs.map((value) => {
      if (value === null) return null;
      const tensor = known.get(value) ?? value.constValue ?? undefined;
      if (tensor === undefined)
        throw new CrossCheckSkipped(`${node.label()}: input '${value.name}' has no value (not fed, or out of order)`);
      return tensor;
    });
    const outputs = runNode(node, model.opset, inputs, node.outputs.length);
    node.outputs.forEach((output, index) => {
      const tensor = outputs[index];
      if (tensor !== undefined) known.set(output, tensor);
    });
  }
  return known;
}

function neededNodes(targets: readonly Value[]): Set<Node> {
  const needed = new Set<Node>();
  const stack = targets.map((value) => value.producer()).filter((node): node is Node => node !== null);
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (needed.has(node)) continue;
    needed.add(node);
    for (const input of node.inputs) {
      const producer = input?.producer() ?? null;
      if (producer !== null) stack.push(producer);
    }
  }
  return needed;
}

/** Deterministic pseudo-random numbers in [-1, 1) (an LCG: no library RNG, same on every machine). */
export function pseudoRandom(count: number, seed: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

/**
 * Inputs for every non-initializer graph input at a concrete size: named dims from `bindings`, other symbolic
 * dims 1; floats pseudo-random, integers and booleans zero. Throws CrossCheckSkipped for an input without a type.
 */
export function probeFeeds(model: Model, bindings: ReadonlyMap<string, number>, seed = 7): Map<Value, Tensor> {
  const feeds = new Map<Value, Tensor>();
  model.graph.inputs.forEach((input, index) => {
    if (model.graph.initializers.get(input.name) === input) return;
    const type = input.type;
    if (type === null || type.shape === null)
      throw new CrossCheckSkipped(`graph input '${input.name}' has no known shape`);
    const dims = type.shape.map((dim) => {
      if (typeof dim === 'number') return dim;
      const bound = dim.evaluate(bindings);
      return bound ?? 1;
    });
    const size = sizeOf(dims);
    const values = isFloatType(type.dtype) ? pseudoRandom(size, seed + index) : new Array<number>(size).fill(0);
    feeds.set(
      input,
      type.dtype === DataType.FLOAT ? Tensor.float32(dims, values) : tensorFromNumbers(type.dtype, dims, values),
    );
  });
  return feeds;
}

/**
 * Why a model is too large to cross-check at these input feeds (with `multiplyAdds` estimated at that size, when
 * known), or undefined when it is not.
 */
export function tooLargeToCrossCheck(
  model: Model,
  feeds: ReadonlyMap<Value, Tensor>,
  multiplyAdds?: number,
): string | undefined {
  const graph = model.graph;
  let weights = 0;
  for (const init of graph.initializers.values()) weights += init.constValue?.size ?? 0;
  let inputs = 0;
  for (const tensor of feeds.values()) inputs += tensor.size;
  const { initializerElements, inputElements, nodes, multiplyAdds: work } = CROSS_CHECK_LIMITS;
  if (multiplyAdds !== undefined && multiplyAdds > work)
    return `about ${multiplyAdds.toExponential(1)} multiply-adds at the trace size (limit ${work.toExponential(0)})`;
  if (weights > initializerElements) return `${weights} weight elements (limit ${initializerElements})`;
  if (inputs > inputElements) return `${inputs} input elements at the trace size (limit ${inputElements})`;
  if (graph.nodes.length > nodes) return `${graph.nodes.length} nodes (limit ${nodes})`;
  return undefined;
}

/** How close two runs' outputs must be: `identical`, or within `atol + rtol·|want|`. */
export type Closeness = 'identical' | { readonly atol: number; readonly rtol: number };

/** The first difference between two runs' graph outputs (by position), or undefined when they agree. */
export function compareRuns(
  want: readonly Tensor[],
  got: readonly Tensor[],
  names: readonly string[],
  closeness: Closeness,
): string | undefined {
  for (let index = 0; index < want.length; index += 1) {
    const [a, b, name] = [want[index], got[index], names[index] ?? `#${index}`];
    if (a === undefined || b === undefined) return `output '${name}' is missing`;
    if (closeness === 'identical') {
      if (!tensorsIdentical(a, b)) return `output '${name}' is not bit-identical (${a.describe()} vs ${b.describe()})`;
      continue;
    }
    if (a.dims.length !== b.dims.length || a.dims.some((dim, axis) => dim !== b.dims[axis]))
      return `output '${name}' is ${b.describe()} instead of ${a.describe()}`;
    const [x, y] = [a.toNumbers(), b.toNumbers()];
    for (let i = 0; i < x.length; i += 1) {
      const [wanted, actual] = [x[i] ?? NaN, y[i] ?? NaN];
      if (!(Math.abs(actual - wanted) <= closeness.atol + closeness.rtol * Math.abs(wanted)))
        return `output '${name}' element ${i} is ${actual} instead of ${wanted}`;
    }
  }
  return undefined;
}

/**
 * A copy of `model` whose graph, nodes and values are new objects (tensors, attributes and subgraphs are shared:
 * passes replace them, never edit them), so a rewrite can be rehearsed on it.
 */
export function cloneModel(model: Model): Model {
  const source = model.graph;
  const graph = new Graph(source.name, source.parent);
  const copies = new Map<Value, Value>();
  const copyValue = (value: Value, into: Value): Value => {
    into.docString = value.docString;
    into.opaqueType = value.opaqueType;
    for (const [key, text] of value.metadataProps) into.metadataProps.set(key, text);
    copies.set(value, into);
    return into;
  };
  for (const input of source.inputs) {
    const copy = copyValue(input, graph.addInput(input.name, input.type));
    if (input.constValue !== null) {
      copy.constValue = input.constValue;
      graph.initializers.set(copy.name, copy);
    }
  }
  for (const init of source.initializers.values()) {
    if (copies.has(init) || init.constValue === null) continue;
    copyValue(init, graph.addInitializer(init.name, init.constValue)).type = init.type;
  }
  const lookup = (value: Value): Value => copies.get(value) ?? graph.lookup(value.name) ?? value;
  for (const node of source.nodes) {
    const outputs = node.outputs.map((output) => copyValue(output, new Value(output.name, output.type)));
    const copy = new Node(
      node.opType,
      node.inputs.map((value) => (value === null ? null : lookup(value))),
      outputs,
      new Map<string, Attribute>(node.attributes),
      node.name,
      node.domain,
      node.overload,
    );
    copy.docString = node.docString;
    for (const [key, text] of node.metadataProps) copy.metadataProps.set(key, text);
    copy.preserved.push(...node.preserved);
    graph.insertNode(copy);
  }
  for (const output of source.outputs) graph.addOutput(lookup(output));
  graph.docString = source.docString;
  for (const [key, text] of source.metadataProps) graph.metadataProps.set(key, text);
  graph.preserved.push(...source.preserved);
  const copy = new Model(graph, model.opset);
  copy.opsetImports.clear();
  for (const [domain, version] of model.opsetImports) copy.opsetImports.set(domain, version);
  copy.irVersion = model.irVersion;
  copy.producerName = model.producerName;
  copy.producerVersion = model.producerVersion;
  copy.domain = model.domain;
  copy.modelVersion = model.modelVersion;
  copy.docString = model.docString;
  for (const [key, text] of model.metadataProps) copy.metadataProps.set(key, text);
  copy.preserved.push(...model.preserved);
  return copy;
}
