/**
 * `make-dynamic`: turns the fixed H and W of NCHW graph inputs into named dims (`H`, `W`), when the whole graph
 * allows it; otherwise it changes nothing and names the node that prevents it.
 *
 * "Allows it" means: with H and W symbolic, every node still infers (no op needs the fixed size); no Reshape
 * bakes the size into a fixed target shape; and every graph output keeps its declared size except on the
 * spatial axes of a rank-4 output (a feature vector whose length would follow the input size means a fixed-size
 * layer, such as a PyTorch-exported adaptive pooling, sits in between; `adaptive-spp-dynamic` replaces those).
 */
import { inferNode } from '../../ops/core/registry.js';
import { formatShape, SymDim, type Dim } from '../../ir/dim.js';
import type { Graph, Model } from '../../ir/graph.js';
import { constantNodeValue, constantOf } from '../rewrite/helpers.js';
import { formatType, type Node, type TensorType, type Value } from '../../ir/value.js';
import type { Pass, PassResult } from './pass.js';

/** The outcome of `makeDynamic`. */
export type MakeDynamicResult =
  | { readonly ok: true; readonly changed: boolean; readonly notes: readonly string[] }
  | { readonly ok: false; readonly blocker: string };

function mentions(dim: Dim, names: readonly string[]): boolean {
  return (
    typeof dim !== 'number' &&
    names.some((name) => new RegExp(`(^|[^A-Za-z0-9_])${name}([^A-Za-z0-9_]|$)`).test(dim.key))
  );
}

function usedDimNames(graph: Graph): Set<string> {
  const names = new Set<string>();
  for (const value of [...graph.inputs, ...graph.outputs]) {
    for (const dim of value.type?.shape ?? [])
      if (typeof dim !== 'number' && dim.name !== undefined) names.add(dim.name);
  }
  return names;
}

function freshName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i += 1) name = `${base}${i}`;
  taken.add(name);
  return name;
}

function typeWith(type: TensorType, shape: readonly Dim[]): TensorType {
  return { ...type, shape };
}

/** The first problem a node has with symbolic H/W, if any. */
function reshapeProblem(
  node: Node,
  types: ReadonlyMap<Value, TensorType | null>,
  names: readonly string[],
): string | undefined {
  if (node.opType !== 'Reshape') return undefined;
  const input = node.inputs[0];
  const shape = input === null || input === undefined ? null : (types.get(input)?.shape ?? input.type?.shape ?? null);
  const target = constantOf(node.inputs[1]);
  if (shape === null || target === undefined || !shape.some((dim) => mentions(dim, names))) return undefined;
  const requested = target.toNumbers();
  const absorbs =
    requested.some((v) => v === -1) || requested.some((v, axis) => v === 0 && mentions(shape[axis] ?? 0, names));
  if (absorbs) return undefined;
  return (
    `${node.label()}: its fixed target shape [${requested.join(', ')}] cannot hold its input ` +
    `${formatShape(shape)} once H and W vary`
  );
}

/** The nearest rank-4 ancestor whose spatial size is a non-trivial function of H/W (for messages). */
function sizeDependentAncestor(
  output: Value,
  types: ReadonlyMap<Value, TensorType | null>,
  names: readonly string[],
): Node | undefined {
  const seen = new Set<Node>();
  const queue = [output.producer()];
  while (queue.length > 0) {
    const node = queue.shift();
    if (node === null || node === undefined || seen.has(node)) continue;
    seen.add(node);
    const shape = types.get(node.outputs[0] ?? output)?.shape;
    if (
      shape?.length === 4 &&
      shape.slice(2).some((dim) => mentions(dim, names) && typeof dim !== 'number' && dim.name === undefined)
    )
      return node;
    for (const input of node.inputs) queue.push(input?.producer() ?? null);
  }
  return undefined;
}

/**
 * Makes the H/W of NCHW inputs named dims when the graph allows it (in place); otherwise leaves the model
 * unchanged and returns what prevents it. `only` limits it to some inputs.
 */
export function makeDynamic(model: Model, only?: ReadonlySet<Value>): MakeDynamicResult {
  const graph = model.graph;
  const candidates = graph.inputs.filter((input) => {
    const shape = input.type?.shape;
    return (
      !graph.initializers.has(input.name) &&
      (only === undefined || only.has(input)) &&
      shape?.length === 4 &&
      (typeof shape[2] === 'number' || typeof shape[3] === 'number')
    );
  });
  if (candidates.length === 0) return { ok: true, changed: false, notes: ['no NCHW input with a fixed H or W'] };
  const taken = usedDimNames(graph);
  const types = new Map<Value, TensorType | null>();
  const names: string[] = [];
  for (const input of candidates) {
    const type = input.type;
    if (type?.shape === null || type === null) continue;
    const prefix = candidates.length === 1 ? '' : `${input.name}_`;
    const shape = type.shape.map((dim, axis) => {
      if (axis < 2 || typeof dim !== 'number') return dim;
      const name = freshName(`${prefix}${axis === 2 ? 'H' : 'W'}`, taken);
      names.push(name);
      return SymDim.named(name);
    });
    types.set(input, typeWith(type, shape));
  }
  const typeOf = (value: Value): TensorType | null =>
    types.has(value)
      ? (types.get(value) ?? null)
      : value.graph === graph && value.producer() !== null
        ? null
        : value.type;
  for (const node of graph.nodes) {
    let inferred: (TensorType | null)[];
    try {
      const constant = node.opType === 'Constant' ? constantNodeValue(node.attributes) : undefined;
      inferred =
        constant !== undefined
          ? [{ dtype: constant.dtype, shape: [...constant.dims] }]
          : inferNode(
              node,
              model.opset,
              node.inputs.map((v) => (v === null ? null : typeOf(v))),
              node.outputs.length,
              (i) => constantOf(node.inputs[i]),
            );
    } catch (error) {
      return { ok: false, blocker: `${error instanceof Error ? error.message : String(error)} (with H, W dynamic)` };
    }
    const problem = reshapeProblem(node, types, names);
    if (problem !== undefined) return { ok: false, blocker: problem };
    node.outputs.forEach((output, index) => types.set(output, inferred[index] ?? null));
  }
  const outputTypes = new Map<Value, TensorType | null>();
  for (const output of graph.outputs) {
    const declared = output.type;
    const inferred = types.get(output) ?? declared;
    if (
      declared?.shape === null ||
      declared === null ||
      inferred?.shape === null ||
      inferred === null ||
      inferred === undefined
    ) {
      outputTypes.set(output, declared);
      continue;
    }
    const spatial = declared.shape.length === 4 ? new Set([2, 3]) : new Set<number>();
    const bad = declared.shape.findIndex(
      (dim, axis) => typeof dim === 'number' && typeof inferred.shape?.[axis] !== 'number' && !spatial.has(axis),
    );
    if (bad >= 0) {
      const culprit = sizeDependentAncestor(output, types, names);
      return {
        ok: false,
        blocker:
          `graph output '${output.name}' is declared ${formatType(declared)} but would be ` +
          `${formatType(inferred)} with H, W dynamic: its size follows the input size` +
          (culprit === undefined ? '' : ` through ${culprit.label()} (a fixed-size window)`),
      };
    }
    outputTypes.set(
      output,
      typeWith(
        declared,
        declared.shape.map((dim, axis) => (spatial.has(axis) ? (inferred.shape?.[axis] ?? dim) : dim)),
      ),
    );
  }
  // Commit: inputs and outputs get the dynamic types; intermediates that had a type get the new one.
  for (const input of candidates) input.type = types.get(input) ?? input.type;
  for (const node of graph.nodes)
    for (const output of node.outputs)
      if (output.type !== null && !graph.outputs.includes(output)) output.type = types.get(output) ?? output.type;
  for (const [output, type] of outputTypes) output.type = type;
  const described = candidates.map((input) => `'${input.name}' is now ${formatType(input.type)}`);
  return { ok: true, changed: true, notes: described };
}

/** The `make-dynamic` pass. */
export const makeDynamicPass: Pass = {
  name: 'make-dynamic',
  description: 'turn the fixed H/W of NCHW inputs into named dims, or say which node prevents it',
  inPlace: true,
  run(model: Model): PassResult {
    const result = makeDynamic(model);
    if (!result.ok) return { model, modified: false, notes: [`left unchanged: ${result.blocker}`] };
    return { model, modified: result.changed, notes: result.notes };
  },
};
