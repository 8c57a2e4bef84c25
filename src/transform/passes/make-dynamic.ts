/**
 * `make-dynamic`: turns the fixed H and W of NCHW graph inputs into named dims (`H`, `W`), when it can prove the
 * model computes the same function at every size; otherwise it changes nothing and names the node that prevents it.
 *
 * The proof (dynamic/size-facts.ts) tracks, for every value, which extents and which constant contents depend on
 * the input's H/W once they are symbolic, and accepts a node only when its op is known to be size-agnostic under
 * those facts: a Shape → Gather → ... chain follows the size, but a literal constant standing where a
 * size-dependent extent or index goes (gather indices, a fixed Reshape/Expand/Slice/Resize/Split constant, a weight
 * whose K follows H·W) was computed for the trace size, and is refused. Then every graph output must keep its
 * declared size except on the spatial axes of a rank-4 output (a feature vector whose length would follow the
 * input size means a fixed-size layer, such as a PyTorch-exported adaptive pooling, sits in between;
 * `adaptive-spp-dynamic` replaces those).
 * As a cross-check, when the model is small enough it is evaluated at the trace size and every value's shape must be
 * what the proof says at that size (the rewrite changes types only, so the outputs are the original's by design).
 */
import { formatShape, SymDim, type Dim } from '../../ir/dim.js';
import { SppkitError } from '../../ir/errors.js';
import type { Graph, Model } from '../../ir/graph.js';
import { formatType, type Node, type TensorType, type Value } from '../../ir/value.js';
import {
  CrossCheckSkipped,
  estimatedMultiplyAdds,
  evaluateValues,
  probeFeeds,
  tooLargeToCrossCheck,
} from '../dynamic/evaluate.js';
import { mentions, proveSizeAgnostic, type SizeFact } from '../dynamic/size-facts.js';
import type { Pass, PassResult } from './pass.js';

/** The outcome of `makeDynamic`. */
export type MakeDynamicResult =
  | { readonly ok: true; readonly changed: boolean; readonly notes: readonly string[] }
  | { readonly ok: false; readonly blocker: string };

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

/** The nearest rank-4 ancestor whose spatial size is a non-trivial function of H/W (for messages). */
function sizeDependentAncestor(
  output: Value,
  facts: ReadonlyMap<Value, SizeFact>,
  names: readonly string[],
): Node | undefined {
  const seen = new Set<Node>();
  const queue = [output.producer()];
  while (queue.length > 0) {
    const node = queue.shift();
    if (node === null || node === undefined || seen.has(node)) continue;
    seen.add(node);
    const shape = facts.get(node.outputs[0] ?? output)?.shape;
    if (
      shape?.length === 4 &&
      shape.slice(2).some((dim) => mentions(dim, names) && typeof dim !== 'number' && dim.name === undefined)
    )
      return node;
    for (const input of node.inputs) queue.push(input?.producer() ?? null);
  }
  return undefined;
}

/** The output types once H/W vary, or why an output cannot keep its declared size. */
function outputTypes(
  graph: Graph,
  facts: ReadonlyMap<Value, SizeFact>,
  names: readonly string[],
): Map<Value, TensorType | null> | string {
  const types = new Map<Value, TensorType | null>();
  for (const output of graph.outputs) {
    const declared = output.type;
    const inferred = facts.get(output)?.type ?? declared;
    if (declared?.shape === null || declared === null || inferred?.shape === null || inferred === null) {
      types.set(output, declared);
      continue;
    }
    const spatial = declared.shape.length === 4 ? new Set([2, 3]) : new Set<number>();
    const bad = declared.shape.findIndex(
      (dim, axis) => typeof dim === 'number' && typeof inferred.shape?.[axis] !== 'number' && !spatial.has(axis),
    );
    if (bad >= 0) {
      const culprit = sizeDependentAncestor(output, facts, names);
      return (
        `graph output '${output.name}' is declared ${formatType(declared)} but would be ` +
        `${formatType(inferred)} with H, W dynamic: its size follows the input size` +
        (culprit === undefined ? '' : ` through ${culprit.label()} (a fixed-size window)`)
      );
    }
    types.set(
      output,
      typeWith(
        declared,
        declared.shape.map((dim, axis) => (spatial.has(axis) ? (inferred.shape?.[axis] ?? dim) : dim)),
      ),
    );
  }
  return types;
}

/**
 * Evaluates the model at its (fixed) trace size and compares every value's shape with the proof's symbolic shape
 * at that size. Returns a problem, a note, or why the cross-check was skipped.
 */
function crossCheck(
  model: Model,
  facts: ReadonlyMap<Value, SizeFact>,
  bindings: ReadonlyMap<string, number>,
): { readonly problem?: string; readonly note: string } {
  const size = [...bindings.values()].join('x');
  try {
    const feeds = probeFeeds(model, new Map());
    const work = estimatedMultiplyAdds(model, (value) => facts.get(value)?.shape ?? value.type?.shape, bindings);
    const tooLarge = tooLargeToCrossCheck(model, feeds, work);
    if (tooLarge !== undefined)
      return { note: `cross-check skipped: the model is too large to evaluate (${tooLarge})` };
    const values = evaluateValues(model, feeds);
    for (const [value, fact] of facts) {
      const tensor = values.get(value);
      if (tensor === undefined || fact.shape === null) continue;
      const expected = fact.shape.map((dim) => (typeof dim === 'number' ? dim : dim.evaluate(bindings)));
      const differs =
        expected.length !== tensor.dims.length ||
        expected.some((dim, axis) => dim !== undefined && dim !== tensor.dims[axis]);
      if (differs)
        return {
          problem:
            `cross-check at ${size}: '${value.name}' is [${tensor.dims.join(', ')}], but the proof gives ` +
            `${formatShape(fact.shape)}, which is [${expected.map((d) => d ?? '?').join(', ')}] at that size`,
          note: '',
        };
    }
    return { note: `cross-check at the trace size ${size}: every value's shape is what the proof says` };
  } catch (error) {
    if (error instanceof CrossCheckSkipped || error instanceof SppkitError)
      return { note: `cross-check skipped: ${error.message}` };
    throw error;
  }
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
  const symbolic = new Map<Value, TensorType>();
  const names: string[] = [];
  const bindings = new Map<string, number>();
  for (const input of candidates) {
    const type = input.type;
    if (type?.shape === null || type === null) continue;
    const prefix = candidates.length === 1 ? '' : `${input.name}_`;
    const shape = type.shape.map((dim, axis) => {
      if (axis < 2 || typeof dim !== 'number') return dim;
      const name = freshName(`${prefix}${axis === 2 ? 'H' : 'W'}`, taken);
      names.push(name);
      bindings.set(name, dim);
      return SymDim.named(name);
    });
    symbolic.set(input, typeWith(type, shape));
  }
  const proof = proveSizeAgnostic(model, symbolic, names);
  if (!proof.ok) return { ok: false, blocker: proof.reason };
  const outputs = outputTypes(graph, proof.facts, names);
  if (typeof outputs === 'string') return { ok: false, blocker: outputs };
  const checked = crossCheck(model, proof.facts, bindings);
  if (checked.problem !== undefined) return { ok: false, blocker: checked.problem };
  // Commit: inputs and outputs get the dynamic types; intermediates that had a type get the new one.
  for (const input of candidates) input.type = symbolic.get(input) ?? input.type;
  for (const node of graph.nodes)
    for (const output of node.outputs)
      if (output.type !== null && !graph.outputs.includes(output))
        output.type = proof.facts.get(output)?.type ?? output.type;
  for (const [output, type] of outputs) output.type = type;
  const described = candidates.map((input) => `'${input.name}' is now ${formatType(input.type)}`);
  return { ok: true, changed: true, notes: [...described, checked.note] };
}

/** The `make-dynamic` pass. */
export const makeDynamicPass: Pass = {
  name: 'make-dynamic',
  description: 'turn the fixed H/W of NCHW inputs into named dims when it proves the model size-agnostic, or say why',
  inPlace: true,
  run(model: Model): PassResult {
    const result = makeDynamic(model);
    if (!result.ok) return { model, modified: false, notes: [`left unchanged: ${result.blocker}`] };
    return { model, modified: result.changed, notes: result.notes };
  },
};
