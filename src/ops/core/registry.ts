/**
 * The op registry: every op sppkit knows, by ONNX op type (`ops`, generated from the op files by
 * scripts/generate-ops.ts), plus the node-level entry points used by shape inference, the checker and the
 * reference evaluator. Those entry points check the inputs' element types against the op's type variables once,
 * generically, before an op's own code runs.
 */
import type { Attribute } from '../../ir/attribute.js';
import { formatShape, type Dim } from '../../ir/dim.js';
import { dtypeByteSize, dtypeName } from '../../ir/dtype.js';
import { describeNode, OpError, SppkitError, UnsupportedError, type NodeRef } from '../../ir/errors.js';
import { isDefaultDomain, type Graph } from '../../ir/graph.js';
import {
  Budget,
  checkRank,
  checkShape,
  DEFAULT_LIMITS,
  LimitError,
  nodeWhat,
  shapeExtent,
  type Limits,
} from '../../ir/limits.js';
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
 * Refuses inferred output shapes no tensor can have: a rank above the limit, a dim that is not a non-negative
 * integer (an OpError), an element count that is not a safe integer (Infinity from a Range with a tiny delta, 1e21
 * from an overflowing product: a LimitError, since no limit admits it). Sizes that are merely large are the
 * checker's and the evaluator's business, not inference's.
 */
function checkInferred(node: NodeLike, types: readonly (TensorType | null)[], limits: Limits): void {
  types.forEach((type, index) => {
    const shape = type?.shape;
    if (shape === null || shape === undefined) return;
    const what = nodeWhat(node, `output ${index} ${formatShape(shape)}`);
    checkRank(shape.length, limits, what);
    const known = shape.filter((dim): dim is number => typeof dim === 'number');
    const bad = known.find((dim) => Number.isNaN(dim) || dim < 0 || (dim !== Infinity && !Number.isInteger(dim)));
    if (bad !== undefined)
      throw new OpError(node, `output ${index} would have the invalid dim ${bad} in ${formatShape(shape)}`, 'E_SHAPE');
    const extent = shapeExtent(known);
    if (!Number.isSafeInteger(extent))
      throw new LimitError('maxTensorElements', extent, limits.maxTensorElements, what);
  });
}

/**
 * Infers a node's output types. `constant(i)` gives known constant inputs; `shapeValue(i)` known small integer
 * inputs as dims (by default, those of the constants). Ranks are checked against `limits` (default: the defaults).
 * `inferSubgraph` gives the output types of the node's subgraphs (by default `inferSubgraphTypes` with the values'
 * own types for what the subgraphs read from outside).
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
  limits: Limits = DEFAULT_LIMITS,
  inferSubgraph: SubgraphInferrer = (graph, types) => inferSubgraphTypes(graph, opset, types, undefined, limits),
): (TensorType | null)[] {
  const { op, attrs } = resolveNode(node, opset);
  checkInputTypes(
    node,
    op,
    opset,
    inputs.map((type) => type?.dtype),
  );
  const types = op.infer({
    node,
    opset,
    attrs,
    inputs,
    outputCount,
    constant,
    shapeValue,
    inferSubgraph,
    limits,
    fail: failFor(node),
  });
  checkInferred(node, types, limits);
  return types;
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
  limits: Limits = DEFAULT_LIMITS,
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
          limits,
          (sub, subInputs) => inferSubgraphTypes(sub, opset, subInputs, typeOf, limits),
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

/** True when the node holds a subgraph (If's branches): its outputs are sized by the subgraph's own nodes. */
function holdsSubgraph(node: NodeLike): boolean {
  for (const attribute of node.attributes.values())
    if (attribute.kind === 'graph' || attribute.kind === 'graphs') return true;
  return false;
}

/** Options of `runNode`. */
export interface RunOptions {
  /** The resource policy (default: the defaults). */
  readonly limits?: Limits;
  /** The evaluation's running totals; without one, the node is charged against a budget of its own. */
  readonly budget?: Budget;
  /** Runs the node's subgraphs (If's branches) in the run in progress; without one, running a subgraph is refused. */
  readonly runSubgraph?: SubgraphRunner;
}

/** Bytes one element of `dtype` takes in memory (a string counts as a reference). */
const STRING_ELEMENT_BYTES = 8;

/** Bytes of a tensor of `dtype` with `elements` elements, as the evaluator accounts them. */
export function tensorBytes(dtype: TensorType['dtype'], elements: number): number {
  return elements * (dtypeByteSize(dtype) || STRING_ELEMENT_BYTES);
}

/**
 * Before a kernel runs: its outputs' shapes, inferred with the actual inputs as constants, checked against the
 * limits (elements per tensor, bytes held); returns the work of reading the inputs and writing the outputs.
 * Shapes inference cannot tell (a data-dependent size) are left to the kernel's own checks; inference errors
 * other than a limit are left to the kernel, which reports them in its own words. A node that holds a subgraph
 * is not inferred (that would infer its branches at every run): the subgraph's nodes are sized as they run.
 */
function preflight(
  node: NodeLike,
  opset: number,
  inputs: readonly (Tensor | null)[],
  outputCount: number,
  budget: Budget,
): number {
  const limits = budget.limits;
  let types: (TensorType | null)[] = [];
  try {
    if (!holdsSubgraph(node))
      types = inferNode(
        node,
        opset,
        inputs.map((tensor) => (tensor === null ? null : { dtype: tensor.dtype, shape: tensor.dims })),
        outputCount,
        (index) => inputs[index] ?? undefined,
        undefined,
        limits,
      );
  } catch (error) {
    if (error instanceof LimitError || !(error instanceof SppkitError)) throw error;
    types = [];
  }
  let work = inputs.reduce((total, tensor) => total + (tensor?.size ?? 0), 0);
  let bytes = 0;
  types.forEach((type, index) => {
    const shape = type?.shape;
    if (type === null || type === undefined || shape === null || shape === undefined) return;
    const dims = shape.filter((dim): dim is number => typeof dim === 'number');
    if (dims.length !== shape.length) return;
    const what = nodeWhat(node, `output ${index} ${dtypeName(type.dtype)}${formatShape(dims)}`);
    checkShape(dims, limits, what);
    const extent = shapeExtent(dims);
    work += extent;
    bytes += tensorBytes(type.dtype, extent);
    budget.checkBytes(bytes, what);
  });
  return work;
}

/**
 * Runs a node's reference kernel, within the limits: the outputs' sizes are checked before the kernel runs
 * (see `preflight`), the work of reading and writing them and the kernel's own work are charged to the budget.
 */
export function runNode(
  node: NodeLike,
  opset: number,
  inputs: readonly (Tensor | null)[],
  outputCount: number,
  options: RunOptions = {},
): Tensor[] {
  const { op, attrs } = resolveNode(node, opset);
  checkInputTypes(
    node,
    op,
    opset,
    inputs.map((tensor) => tensor?.dtype),
  );
  const budget = options.budget ?? new Budget(options.limits ?? DEFAULT_LIMITS);
  budget.charge(preflight(node, opset, inputs, outputCount, budget), nodeWhat(node, 'its inputs and outputs'));
  const charge = (operations: number, what: string): void => budget.charge(operations, nodeWhat(node, what));
  const outputs = op.run({
    node,
    opset,
    attrs,
    inputs,
    outputCount,
    runSubgraph: options.runSubgraph ?? noSubgraphs(node),
    limits: budget.limits,
    charge,
    fail: failFor(node),
  });
  outputs.forEach((tensor, index) =>
    checkShape(tensor.dims, budget.limits, nodeWhat(node, `output ${index} ${tensor.describe()}`)),
  );
  return outputs;
}
