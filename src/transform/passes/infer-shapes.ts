/**
 * Shape inference over a whole graph: runs each op's `infer` in node order and records the types on the values.
 * Declared types are kept where they are more precise than what inference can tell; a contradiction is an error
 * naming the node, the value and both types.
 */
import { KnownValues } from '../../ops/shared/known-values.js';
import { inferNode } from '../../ops/core/registry.js';
import type { Dim } from '../../ir/dim.js';
import { OpError } from '../../ir/errors.js';
import { isDefaultDomain, type Graph, type Model } from '../../ir/graph.js';
import type { Tensor } from '../../ir/tensor.js';
import { constantNodeValue, constantOf } from '../rewrite/helpers.js';
import { formatType, type Node, type TensorType, type Value } from '../../ir/value.js';
import type { Pass } from './pass.js';

/** Merges a declared and an inferred type; undefined when they contradict each other. */
export function mergeTypes(declared: TensorType | null, inferred: TensorType | null): TensorType | null | undefined {
  if (declared === null) return inferred;
  if (inferred === null) return declared;
  if (declared.dtype !== inferred.dtype) return undefined;
  if (declared.shape === null) return inferred;
  if (inferred.shape === null) return declared;
  if (declared.shape.length !== inferred.shape.length) return undefined;
  const shape: Dim[] = [];
  for (let i = 0; i < declared.shape.length; i += 1) {
    const want = declared.shape[i] ?? 0;
    const got = inferred.shape[i] ?? 0;
    if (typeof want === 'number' && typeof got === 'number' && want !== got) return undefined;
    // Prefer a known number, then the declared symbol, then the inferred one over an unknown.
    if (typeof got === 'number') shape.push(got);
    else if (typeof want === 'number') shape.push(want);
    else shape.push(want.isUnknown ? got : want);
  }
  return { dtype: declared.dtype, shape };
}

/**
 * Infers the outputs of one node from its inputs' types (the values' own, unless `typeOf` says otherwise).
 * Constant inputs are initializers or outputs of `Constant` nodes (PyTorch exports shapes that way); a
 * `Constant` node's own type is its tensor's.
 */
export function inferNodeTypes(
  node: Node,
  opset: number,
  typeOf: (value: Value) => TensorType | null = (value) => value.type,
  known?: KnownValues,
): (TensorType | null)[] {
  if (node.opType === 'Constant' && isDefaultDomain(node.domain)) {
    const tensor = constantNodeValue(node.attributes);
    if (tensor !== undefined) return [{ dtype: tensor.dtype, shape: [...tensor.dims] }];
  }
  const types = node.inputs.map((value) => (value === null ? null : typeOf(value)));
  const constant = (index: number): Tensor | undefined =>
    constantOf(node.inputs[index]) ?? known?.tensor(node.inputs[index]);
  if (known === undefined) return inferNode(node, opset, types, node.outputs.length, constant);
  return inferNode(node, opset, types, node.outputs.length, constant, (index) => known.elements(node.inputs[index]));
}

/** Infers every value's type in `graph` (in place); returns how many types changed. */
export function inferGraphShapes(graph: Graph, opset: number): number {
  let changed = 0;
  const known = new KnownValues();
  for (const node of graph.nodes) {
    const inferred = inferNodeTypes(node, opset, undefined, known);
    node.outputs.forEach((output, index) => {
      const merged = mergeTypes(output.type, inferred[index] ?? null);
      if (merged === undefined) {
        throw new OpError(
          node,
          `output '${output.name}' is declared ${formatType(output.type)} ` +
            `but inference gives ${formatType(inferred[index] ?? null)}`,
          'E_SHAPE',
        );
      }
      if (formatType(merged) !== formatType(output.type)) changed += 1;
      output.type = merged;
    });
    known.record(node, opset);
  }
  return changed;
}

/** The `infer-shapes` pass. */
export const inferShapesPass: Pass = {
  name: 'infer-shapes',
  description: 'infer the type and shape of every value (symbolic dims kept and simplified)',
  inPlace: true,
  run(model: Model) {
    const changed = inferGraphShapes(model.graph, model.opset);
    return { model, modified: changed > 0, notes: [`${changed} value type(s) refined`] };
  },
};
