/**
 * Shape inference over a whole graph: runs each op's `infer` in node order and records the types on the values.
 * Declared types are kept where they are more precise than what inference can tell; a contradiction is an error
 * naming the node, the value and both types.
 *
 * The open world: a node of an op sppkit does not implement (another domain, an ONNX op not written yet) keeps
 * the types the model declares for its outputs (value_info, graph outputs) or none, and inference goes on. A node
 * that cannot be inferred only because an input has no known type (downstream of such an op, with nothing
 * declared) keeps its declared types too; its attributes are still checked. Both are listed in the report.
 */
import { KnownValues } from '../../ops/shared/known-values.js';
import { findOp, inferNode, inferSubgraphTypes, resolveNode } from '../../ops/core/registry.js';
import type { SubgraphInferrer } from '../../ops/core/op.js';
import { subgraphsOf } from '../../graph/subgraphs.js';
import type { Dim } from '../../ir/dim.js';
import { OpError, SppkitError } from '../../ir/errors.js';
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
  inferSubgraph?: SubgraphInferrer,
): (TensorType | null)[] {
  if (node.opType === 'Constant' && isDefaultDomain(node.domain)) {
    const tensor = constantNodeValue(node.attributes);
    if (tensor !== undefined) return [{ dtype: tensor.dtype, shape: [...tensor.dims] }];
  }
  const types = node.inputs.map((value) => (value === null ? null : typeOf(value)));
  const constant = (index: number): Tensor | undefined =>
    constantOf(node.inputs[index]) ?? known?.tensor(node.inputs[index]);
  const subgraphs = inferSubgraph ?? ((graph, inputs) => inferSubgraphTypes(graph, opset, inputs, typeOf));
  const shapeValue = known === undefined ? undefined : (index: number) => known.elements(node.inputs[index]);
  return inferNode(node, opset, types, node.outputs.length, constant, shapeValue, undefined, subgraphs);
}

/** What one shape-inference run over a graph found. */
export interface ShapeInferenceReport {
  /** How many value types changed. */
  readonly changed: number;
  /** Nodes of ops sppkit does not implement, in graph order: their outputs keep their declared types (or none). */
  readonly unknownOps: readonly Node[];
  /** Nodes not inferred because an input has no known type, in graph order: their declared types are kept. */
  readonly untyped: readonly Node[];
}

/** True when sppkit implements the op of `node` (at some opset). */
export function isImplementedOp(node: Pick<Node, 'domain' | 'opType'>): boolean {
  return findOp(node.domain, node.opType) !== undefined;
}

/** `com.example.Fancy` for another domain's op, `HardSwish` for the default domain's. */
export function qualifiedOpName(node: Pick<Node, 'domain' | 'opType'>): string {
  return isDefaultDomain(node.domain) ? node.opType : `${node.domain}.${node.opType}`;
}

/** `com.example.Fancy ×2, Foo ×1`: op names with their node counts, in order of first appearance. */
export function countOps(nodes: Iterable<Pick<Node, 'domain' | 'opType'>>): string {
  const counts = new Map<string, number>();
  for (const node of nodes) counts.set(qualifiedOpName(node), (counts.get(qualifiedOpName(node)) ?? 0) + 1);
  return [...counts].map(([name, count]) => `${name} ×${count}`).join(', ');
}

/**
 * Infers every value's type in `graph` (in place) and says what it could not infer. Throws (OpError) on a
 * contradiction between a declared and an inferred type, and on a node of a known op that is wrong in itself.
 */
export function inferGraphTypes(graph: Graph, opset: number): ShapeInferenceReport {
  let changed = 0;
  const unknownOps: Node[] = [];
  const untyped: Node[] = [];
  const known = new KnownValues();
  for (const node of graph.nodes) {
    // Subgraphs first, in place: their nodes read this graph's values, whose types are known by now.
    for (const sub of subgraphsOf(node)) {
      const report = inferGraphTypes(sub, opset);
      changed += report.changed;
      unknownOps.push(...report.unknownOps);
      untyped.push(...report.untyped);
    }
    if (!isImplementedOp(node)) {
      unknownOps.push(node);
      continue;
    }
    const inferred = inferOpenNode(node, opset, known);
    if (inferred === undefined) {
      untyped.push(node);
      continue;
    }
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
  return { changed, unknownOps, untyped };
}

/**
 * Infers a node of a known op; undefined when it cannot be inferred because an input has no known type. The op,
 * its opset and its attributes are checked first, so a problem of the node itself is never taken for that.
 */
function inferOpenNode(node: Node, opset: number, known: KnownValues): (TensorType | null)[] | undefined {
  resolveNode(node, opset);
  try {
    // The node's subgraphs were just inferred in place: their outputs carry their types.
    return inferNodeTypes(node, opset, undefined, known, (sub) => sub.outputs.map((output) => output.type));
  } catch (error) {
    const blocked = node.inputs.some((input) => input !== null && input.type === null);
    if (blocked && error instanceof SppkitError) return undefined;
    throw error;
  }
}

/** Infers every value's type in `graph` (in place); returns how many types changed. */
export function inferGraphShapes(graph: Graph, opset: number): number {
  return inferGraphTypes(graph, opset).changed;
}

/** The `infer-shapes` pass. */
export const inferShapesPass: Pass = {
  name: 'infer-shapes',
  description: 'infer the type and shape of every value (symbolic dims kept and simplified)',
  inPlace: true,
  run(model: Model) {
    const { changed, unknownOps, untyped } = inferGraphTypes(model.graph, model.opset);
    const notes = [`${changed} value type(s) refined`];
    if (unknownOps.length > 0)
      notes.push(`ops sppkit does not implement (their outputs keep the declared types): ${countOps(unknownOps)}`);
    if (untyped.length > 0)
      notes.push(`${untyped.length} node(s) after them not inferred (an input has no known type)`);
    return { model, modified: changed > 0, notes };
  },
};
