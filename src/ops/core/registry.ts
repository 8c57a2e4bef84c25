/**
 * The op registry: every op sppkit knows, by ONNX op type, plus node-level entry points used by shape inference,
 * the checker and the reference evaluator.
 */
import type { Attribute } from '../../ir/attribute.js';
import type { Dim } from '../../ir/dim.js';
import { UnsupportedError, type NodeRef } from '../../ir/errors.js';
import type { Tensor } from '../../ir/tensor.js';
import type { TensorType } from '../../ir/value.js';
import { Abs } from '../abs.js';
import { Add } from '../add.js';
import { parseAttributes, type ParsedAttrs } from './attributes.js';
import { AveragePool } from '../average-pool.js';
import { BatchNormalization } from '../batch-normalization.js';
import { Cast } from '../cast.js';
import { Ceil } from '../ceil.js';
import { Concat } from '../concat.js';
import { Constant } from '../constant.js';
import { Conv } from '../conv.js';
import { Div } from '../div.js';
import { Equal } from '../equal.js';
import { Exp } from '../exp.js';
import { Expand } from '../expand.js';
import { Flatten } from '../flatten.js';
import { Floor } from '../floor.js';
import { Gather } from '../gather.js';
import { GatherND } from '../gather-nd.js';
import { Gemm } from '../gemm.js';
import { GlobalAveragePool } from '../global-average-pool.js';
import { GlobalLpPool } from '../global-lp-pool.js';
import { GlobalMaxPool } from '../global-max-pool.js';
import { Identity } from '../identity.js';
import { LeakyRelu } from '../leaky-relu.js';
import { LpPool } from '../lp-pool.js';
import { MatMul } from '../mat-mul.js';
import { MaxPool } from '../max-pool.js';
import { Max } from '../max.js';
import { Min } from '../min.js';
import { Mul } from '../mul.js';
import { failFor, versionAt, type OpDef } from './op.js';
import { Pad } from '../pad.js';
import { Range } from '../range.js';
import { ReduceMax } from '../reduce-max.js';
import { ReduceMean } from '../reduce-mean.js';
import { ReduceSum } from '../reduce-sum.js';
import { Relu } from '../relu.js';
import { Reshape } from '../reshape.js';
import { Resize } from '../resize.js';
import { shapeValueOfTensor } from '../shared/shape-value.js';
import { Shape } from '../shape.js';
import { Sigmoid } from '../sigmoid.js';
import { Sign } from '../sign.js';
import { Slice } from '../slice.js';
import { Softmax } from '../softmax.js';
import { Split } from '../split.js';
import { Squeeze } from '../squeeze.js';
import { Sub } from '../sub.js';
import { Transpose } from '../transpose.js';
import { Unsqueeze } from '../unsqueeze.js';
import { Where } from '../where.js';

/** Every op of the default ONNX domain, keyed by op type. Keep alphabetical. */
export const ops = {
  Abs,
  Add,
  AveragePool,
  BatchNormalization,
  Cast,
  Ceil,
  Concat,
  Constant,
  Conv,
  Div,
  Equal,
  Exp,
  Expand,
  Flatten,
  Floor,
  Gather,
  GatherND,
  Gemm,
  GlobalAveragePool,
  GlobalLpPool,
  GlobalMaxPool,
  Identity,
  LeakyRelu,
  LpPool,
  MatMul,
  Max,
  MaxPool,
  Min,
  Mul,
  Pad,
  Range,
  ReduceMax,
  ReduceMean,
  ReduceSum,
  Relu,
  Reshape,
  Resize,
  Shape,
  Sigmoid,
  Sign,
  Slice,
  Softmax,
  Split,
  Squeeze,
  Sub,
  Transpose,
  Unsqueeze,
  Where,
} satisfies Record<string, OpDef>;

/** The default-domain spellings. */
const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);

/** A node as the registry needs it (satisfied by the IR's Node). */
export interface NodeLike extends NodeRef {
  readonly domain: string;
  readonly attributes: ReadonlyMap<string, Attribute>;
}

/** Looks an op up; undefined when sppkit does not implement it. */
export function findOp(domain: string, opType: string): OpDef | undefined {
  if (!DEFAULT_DOMAINS.has(domain)) return undefined;
  return Object.prototype.hasOwnProperty.call(ops, opType) ? (ops as Record<string, OpDef>)[opType] : undefined;
}

/** The op of a node and its parsed attributes at `opset`; throws for unknown ops, too-old opsets and bad attributes. */
export function resolveNode(node: NodeLike, opset: number): { op: OpDef; attrs: ParsedAttrs<OpDef['attributes']> } {
  const op = findOp(node.domain, node.opType);
  if (op === undefined) {
    const domain = node.domain === '' ? '' : ` (domain '${node.domain}')`;
    throw new UnsupportedError(
      `${node.opType} node '${node.name || '<unnamed>'}': op ${node.opType}${domain} is not implemented by sppkit`,
    );
  }
  if (versionAt(op, opset) === undefined) {
    throw new UnsupportedError(
      `${node.opType} node '${node.name || '<unnamed>'}': ${node.opType} does not exist at opset ${opset} (it starts at ${op.versions[0] ?? '?'})`,
    );
  }
  const attrs = parseAttributes(op.attributes, node.attributes, { node, opset });
  return { op, attrs };
}

/**
 * Infers a node's output types. `constant(i)` gives known constant inputs; `shapeValue(i)` known small integer
 * inputs as dims (by default, those of the constants).
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
): (TensorType | null)[] {
  const { op, attrs } = resolveNode(node, opset);
  return op.infer({ node, opset, attrs, inputs, outputCount, constant, shapeValue, fail: failFor(node) });
}

/** Runs a node's reference kernel. */
export function runNode(
  node: NodeLike,
  opset: number,
  inputs: readonly (Tensor | null)[],
  outputCount: number,
): Tensor[] {
  const { op, attrs } = resolveNode(node, opset);
  return op.run({ node, opset, attrs, inputs, outputCount, fail: failFor(node) });
}
