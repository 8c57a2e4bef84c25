/**
 * The op registry: every op sppkit knows, by ONNX op type (`ops`, generated from the op files by
 * scripts/generate-ops.ts), plus the node-level entry points used by shape inference, the checker and the
 * reference evaluator. Those entry points check the inputs' element types against the op's type variables once,
 * generically, before an op's own code runs.
 */
import type { Attribute } from '../../ir/attribute.js';
import type { Dim } from '../../ir/dim.js';
import { describeNode, SppkitError, UnsupportedError, type NodeRef } from '../../ir/errors.js';
import { isDefaultDomain, type Graph } from '../../ir/graph.js';
import type { Tensor } from '../../ir/tensor.js';
import type { TensorType, Value } from '../../ir/value.js';
import { ops } from '../ops.generated.js';
import { shapeValueOfTensor } from '../shared/shape-value.js';
import { parseAttributes, type ParsedAttrs } from './attributes.js';
import { failFor, versionAt, type OpDef, type SubgraphInferrer, type SubgraphRunner } from './op.js';
import { checkInputTypes } from './types.js';

/** Every op of the default ONNX domain, keyed by op type (generated into ops.generated.ts). */
export { ops };

/** A node as the registry needs it (satisfied by the IR's Node). */
export interface NodeLike extends NodeRef {
  readonly domain: string;
  readonly attributes: ReadonlyMap<string, Attribute>;
}

/** Looks an op up; undefined when sppkit does not implement it. */
export function findOp(domain: string, opType: string): OpDef | undefined {
  if (!isDefaultDomain(domain)) return undefined;
  const registry: Readonly<Record<string, OpDef>> = ops;
  return Object.prototype.hasOwnProperty.call(registry, opType) ? registry[opType] : undefined;
}

/** The op of a node and its parsed attributes at `opset`; throws for unknown ops, too-old opsets and bad attributes. */
export function resolveNode(node: NodeLike, opset: number): { op: OpDef; attrs: ParsedAttrs<OpDef['attributes']> } {
  const op = findOp(node.domain, node.opType);
  if (op === undefined) {
    const domain = node.domain === '' ? '' : ` (domain '${node.domain}')`;
    throw new UnsupportedError(`${describeNode(node)}: op ${node.opType}${domain} is not implemented by sppkit`);
  }
  if (versionAt(op, opset) === undefined) {
    throw new UnsupportedError(
      `${describeNode(node)}: ${node.opType} does not exist at opset ${opset} ` +
        `(it starts at ${op.versions[0] ?? '?'})`,
    );
  }
  const attrs = parseAttributes(op.attributes, node.attributes, { node, opset });
  return { op, attrs };
}

/**
 * Infers a node's output types. `constant(i)` gives known constant inputs; `shapeValue(i)` known small integer
 * inputs as dims (by default, those of the constants); `inferSubgraph` the output types of the node's subgraphs
 * (by default `inferSubgraphTypes` with the values' own types for what the subgraphs read from outside).
 */
export function inferNode(
  node: NodeLike,
  opset: number,
  inputs: readonly (TensorType | null)[],
  outputCount: number,
  constant: (index: number) => Tensor | undefined,
  shapeValue: (index: number) => readonly Dim[] | undefined = (index) => {
    const tensor = constant(index);
    return tensor === undefined ? undefined : shapeValueOfTensor(tensor)?.elements;
  },
  inferSubgraph: SubgraphInferrer = (graph, types) => inferSubgraphTypes(graph, opset, types),
): (TensorType | null)[] {
  const { op, attrs } = resolveNode(node, opset);
  checkInputTypes(
    node,
    op,
    opset,
    inputs.map((type) => type?.dtype),
  );
  return op.infer({
    node,
    opset,
    attrs,
    inputs,
    outputCount,
    constant,
    shapeValue,
    inferSubgraph,
    fail: failFor(node),
  });
}

/**
 * The output types of a subgraph, inferred node by node without touching it: its formal inputs take `inputs`
 * (or their declared types), its initializers their tensors' types, and a value it reads from an enclosing graph
 * `outerType(value)` (by default the value's own type). Where inference cannot say (an op sppkit does not
 * implement, or a node whose input has no known type), the declared types stand. Nested subgraphs are inferred
 * the same way, seeing this one's types. A node that is wrong in itself throws, as in `inferNode`.
 */
export function inferSubgraphTypes(
  graph: Graph,
  opset: number,
  inputs: readonly (TensorType | null)[],
  outerType: (value: Value) => TensorType | null = (value) => value.type,
): (TensorType | null)[] {
  const types = new Map<Value, TensorType | null>();
  graph.inputs.forEach((input, index) => types.set(input, inputs[index] ?? input.type));
  for (const init of graph.initializers.values()) {
    const tensor = init.constValue;
    if (!types.has(init))
      types.set(init, tensor === null ? init.type : { dtype: tensor.dtype, shape: [...tensor.dims] });
  }
  const typeOf = (value: Value): TensorType | null =>
    types.has(value) ? (types.get(value) ?? null) : outerType(value);
  for (const node of graph.nodes) {
    const declared = node.outputs.map((output) => output.type);
    let inferred: readonly (TensorType | null)[] = declared;
    if (findOp(node.domain, node.opType) !== undefined) {
      const inputTypes = node.inputs.map((value) => (value === null ? null : typeOf(value)));
      try {
        inferred = inferNode(
          node,
          opset,
          inputTypes,
          node.outputs.length,
          (index) => constantInput(node.inputs[index]),
          undefined,
          (sub, subInputs) => inferSubgraphTypes(sub, opset, subInputs, typeOf),
        );
      } catch (error) {
        // Not this node's fault when an input's type is unknown (after an op sppkit does not implement).
        if (!(error instanceof SppkitError) || !inputTypes.some((type, i) => type === null && node.inputs[i] !== null))
          throw error;
      }
    }
    node.outputs.forEach((output, index) => types.set(output, inferred[index] ?? declared[index] ?? null));
  }
  return graph.outputs.map(typeOf);
}

/** The tensor of an initializer input (not of a graph input, which a feed may override). */
function constantInput(value: Value | null | undefined): Tensor | undefined {
  if (value === null || value === undefined || value.constValue === null || value.isGraphInput()) return undefined;
  return value.constValue;
}

/** The subgraph runner of a caller that runs no subgraphs: running one is refused, naming the node. */
function noSubgraphs(node: NodeRef): SubgraphRunner {
  return () => {
    throw new UnsupportedError(
      `${describeNode(node)}: its subgraphs can only be run by an evaluator that runs subgraphs (the reference does)`,
    );
  };
}

/** Runs a node's reference kernel; `runSubgraph` runs its subgraphs (If's branches) in the run in progress. */
export function runNode(
  node: NodeLike,
  opset: number,
  inputs: readonly (Tensor | null)[],
  outputCount: number,
  runSubgraph: SubgraphRunner = noSubgraphs(node),
): Tensor[] {
  const { op, attrs } = resolveNode(node, opset);
  checkInputTypes(
    node,
    op,
    opset,
    inputs.map((tensor) => tensor?.dtype),
  );
  return op.run({ node, opset, attrs, inputs, outputCount, runSubgraph, fail: failFor(node) });
}
