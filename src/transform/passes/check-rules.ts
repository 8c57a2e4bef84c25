/**
 * The checker's rules for files from strangers: what onnxruntime refuses, or what no runtime can hold, is a
 * problem here too (check.ts calls `checkRules` from one marked hook). Each problem names the node, the value and
 * the limit or attribute involved.
 *
 * - the graph has at most `maxNodes` nodes;
 * - every shape the file declares (inputs, outputs, value_info, initializers) or inference gives is one a tensor
 *   can have: rank at most `maxRank`, and an element count (zero dims counted as one, see `shapeExtent`) that is
 *   finite, exact (below 2^53) and at most `maxTensorElements`;
 * - a declared shape does not contradict inference, also where both are symbolic: `H` declared where the graph
 *   computes `H + 7` differs by a constant, which no binding of `H` makes equal (numbers against numbers,
 *   ranks and element types are check.ts's own rule);
 * - MaxPool, AveragePool and LpPool pads are smaller than the kernel on every axis, as onnxruntime requires
 *   ("Pad should be smaller than kernel"): a window wholly in the padding would output the lowest float (max) or
 *   divide by zero taps (average).
 * The opset rule (a default-domain opset newer than sppkit knows is a problem) is check.ts's own.
 */
import { subDims, formatShape, type Dim } from '../../ir/dim.js';
import type { Graph, Model } from '../../ir/graph.js';
import { isDefaultDomain } from '../../ir/graph.js';
import { resolveLimits, shapeExtent, type Limits } from '../../ir/limits.js';
import { formatType, type Node, type TensorType, type Value } from '../../ir/value.js';
import { inferNodeTypes, mergeTypes } from './infer-shapes.js';

/** The pooling ops whose pads onnxruntime requires to be smaller than the kernel. */
const POOLS_WITH_PAD_RULE: ReadonlySet<string> = new Set(['MaxPool', 'AveragePool', 'LpPool']);

/** The element count past which counting stops being exact (2^53). */
const EXACT_ELEMENTS = Number.MAX_SAFE_INTEGER;

/** The problem with a shape's size, if any: a rank or element count past the limits, or an overflow. */
function shapeProblem(shape: readonly Dim[], limits: Limits): string | undefined {
  if (shape.length > limits.maxRank) return `has rank ${shape.length}, over the limit maxRank=${limits.maxRank}`;
  const known = shape.filter((dim): dim is number => typeof dim === 'number');
  const bad = known.find((dim) => !Number.isSafeInteger(dim) || dim < 0);
  if (bad !== undefined) return `has the invalid dim ${bad}`;
  const extent = shapeExtent(known);
  if (!(extent <= EXACT_ELEMENTS)) return `would hold ${extent.toExponential(3)} elements (the count overflows 2^53)`;
  if (extent > limits.maxTensorElements)
    return `would hold ${extent} elements, over the limit maxTensorElements=${limits.maxTensorElements}`;
  return undefined;
}

/** The axes where a declared dim and an inferred one are symbolic and differ by a non-zero constant. */
function symbolicContradiction(declared: readonly Dim[], inferred: readonly Dim[]): string | undefined {
  if (declared.length !== inferred.length) return undefined;
  for (let axis = 0; axis < declared.length; axis += 1) {
    const want = declared[axis];
    const got = inferred[axis];
    if (want === undefined || got === undefined || typeof want === 'number' || typeof got === 'number') continue;
    if (want.isUnknown || got.isUnknown) continue;
    const difference = subDims(want, got);
    if (typeof difference === 'number' && difference !== 0)
      return `axis ${axis}: ${want.toString()} can never equal ${got.toString()}`;
  }
  return undefined;
}

/** An int-list attribute of a node, or undefined. */
function intsAttribute(node: Node, name: string): number[] | undefined {
  const attribute = node.attributes.get(name);
  return attribute?.kind === 'ints' ? attribute.value.map(Number) : undefined;
}

/** onnxruntime's pooling rule: with explicit pads, each pad is smaller than the kernel of its axis. */
function poolPadProblem(node: Node): string | undefined {
  if (!isDefaultDomain(node.domain) || !POOLS_WITH_PAD_RULE.has(node.opType)) return undefined;
  const autoPad = node.attributes.get('auto_pad');
  if (autoPad !== undefined && !(autoPad.kind === 'string' && autoPad.value === 'NOTSET')) return undefined;
  const kernel = intsAttribute(node, 'kernel_shape');
  const pads = intsAttribute(node, 'pads');
  if (kernel === undefined || pads === undefined || pads.length !== 2 * kernel.length) return undefined;
  for (let axis = 0; axis < kernel.length; axis += 1) {
    const k = kernel[axis] ?? 0;
    const begin = pads[axis] ?? 0;
    const end = pads[axis + kernel.length] ?? 0;
    if (begin >= k || end >= k)
      return (
        `${node.label()}: pads ${JSON.stringify(pads)} must be smaller than kernel_shape ${JSON.stringify(kernel)} ` +
        `(spatial axis ${axis}: pads ${begin}, ${end} vs kernel ${k}); onnxruntime refuses them`
      );
  }
  return undefined;
}

/** Declared shapes of the graph's boundary: inputs, outputs, value_info and initializers. */
function declaredValues(graph: Graph): { value: Value; what: string }[] {
  const seen = new Set<Value>();
  const out: { value: Value; what: string }[] = [];
  const add = (value: Value, what: string): void => {
    if (seen.has(value)) return;
    seen.add(value);
    out.push({ value, what });
  };
  for (const value of graph.inputs) add(value, 'graph input');
  for (const value of graph.initializers.values()) add(value, 'initializer');
  for (const value of graph.outputs) add(value, 'graph output');
  for (const value of graph.extraValueInfo) add(value, 'value_info');
  return out;
}

/**
 * The hostile-input problems of `model` (empty when there are none); see the file comment for the rules. Runs its
 * own shape inference, node by node, without touching the model; a node inference refuses is skipped (check.ts
 * reports it).
 */
export function checkRules(model: Model, limits: Partial<Limits> = {}): string[] {
  const policy = resolveLimits(limits);
  const graph = model.graph;
  const problems: string[] = [];
  const nodes = graph.nodes;
  if (nodes.length > policy.maxNodes) {
    problems.push(`graph '${graph.name}' has ${nodes.length} nodes, over the limit maxNodes=${policy.maxNodes}`);
    return problems;
  }
  // One size problem per value: a declared output that is too big is not reported again as inferred.
  const reported = new Set<Value>();
  for (const { value, what } of declaredValues(graph)) {
    const shape = value.constValue?.dims ?? value.type?.shape;
    if (shape === null || shape === undefined) continue;
    const problem = shapeProblem(shape, policy);
    if (problem === undefined) continue;
    problems.push(`${what} '${value.name}' ${formatShape(shape)} ${problem}`);
    reported.add(value);
  }
  const types = new Map<Value, TensorType | null>();
  for (const node of nodes) {
    const padProblem = poolPadProblem(node);
    if (padProblem !== undefined) problems.push(padProblem);
    let inferred: (TensorType | null)[];
    try {
      inferred = inferNodeTypes(node, model.opset, (value) =>
        types.has(value) ? (types.get(value) ?? null) : value.type,
      );
    } catch {
      // Inference refuses this node: check.ts reports why; its outputs keep their declared types here.
      continue;
    }
    node.outputs.forEach((output, index) => {
      const type = inferred[index] ?? null;
      const shape = type?.shape;
      if (shape !== null && shape !== undefined) {
        const problem = reported.has(output) ? undefined : shapeProblem(shape, policy);
        if (problem !== undefined)
          problems.push(`${node.label()}: output '${output.name}' ${formatShape(shape)} ${problem}`);
        const declared = output.type?.shape;
        const contradiction = declared ? symbolicContradiction(declared, shape) : undefined;
        if (contradiction !== undefined)
          problems.push(
            `${node.label()}: output '${output.name}' is declared ${formatType(output.type)} ` +
              `but its inputs give ${formatType(type)} (${contradiction})`,
          );
      }
      types.set(output, mergeTypes(output.type, type) ?? output.type);
    });
  }
  return problems;
}
