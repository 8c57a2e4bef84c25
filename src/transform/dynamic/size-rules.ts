/**
 * Per-op size rules: when a node's inputs follow the model input's H/W (their extents or their contents), is the
 * node still the same function at every size? A rule reads the facts of the node's inputs (size-facts.ts) and
 * returns a problem — naming the node, the input and the extent involved — or undefined when the node is size-
 * agnostic. The recurring problem is a *literal constant* (computed by the exporter at the trace size) used where a
 * size-dependent extent or index goes: gather/scatter indices into a size-dependent axis, a fixed target shape or
 * slice bound on such an axis, a fixed `sizes` of Resize, a fixed split, or a fixed extent (a weight's K, a constant
 * grid) that meets a size-dependent one. Ops without a rule are refused by the caller when a size reaches them.
 */
import { formatDim, formatShape, type Dim } from '../../ir/dim.js';
import type { Tensor } from '../../ir/tensor.js';
import type { Node, TensorType, Value } from '../../ir/value.js';

/** Where a value's contents come from: literal constants, the input size (Shape arithmetic), or the input data. */
export type Contents = 'const' | 'size' | 'data';

/** What the proof knows of one value once the input's H/W are symbolic. */
export interface SizeFact {
  /** Type under symbolic H/W (null: unknown). */
  readonly type: TensorType | null;
  /** Shape under symbolic H/W (null: unknown rank). */
  readonly shape: readonly Dim[] | null;
  /** Per axis, whether the extent follows the input size (null: unknown rank). */
  readonly sized: readonly boolean[] | null;
  /** True when some extent follows the input size (also when the rank is unknown but a size reached it). */
  readonly shapeSized: boolean;
  readonly contents: Contents;
  /** Elements as dims, for small integer values (constants, Shape arithmetic). */
  readonly elements?: readonly Dim[];
  /** The known tensor of a constant. */
  readonly tensor?: Tensor;
}

/** What a rule sees. */
export interface SizeRuleContext {
  readonly node: Node;
  readonly opset: number;
  /** The fact of input `index` (undefined for an omitted input). */
  fact(index: number): SizeFact | undefined;
  /** Input `index` itself. */
  value(index: number): Value | undefined;
}

/** A rule: a problem, or undefined when the node is size-agnostic under the facts. */
export type SizeRule = (ctx: SizeRuleContext) => string | undefined;

/** Literal bounds at least this large (in magnitude) mean "to the end" (PyTorch writes INT64_MAX, TF INT32_MAX). */
const OPEN_BOUND = 2 ** 31 - 1;

function intAttr(node: Node, name: string, fallback: number): number {
  const attribute = node.attributes.get(name);
  return attribute?.kind === 'int' ? Number(attribute.value) : fallback;
}

function intsAttr(node: Node, name: string): number[] | undefined {
  const attribute = node.attributes.get(name);
  return attribute?.kind === 'ints' ? attribute.value.map(Number) : undefined;
}

function normalize(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

function sizedAt(fact: SizeFact | undefined, axis: number): boolean {
  if (fact === undefined) return false;
  if (fact.sized === null) return fact.shapeSized;
  return fact.sized[normalize(axis, fact.sized.length)] ?? false;
}

function describeInput(ctx: SizeRuleContext, index: number): string {
  const value = ctx.value(index);
  const fact = ctx.fact(index);
  return `'${value?.name ?? `#${index}`}' ${formatShape(fact?.shape ?? null)}`;
}

/** The literal numbers of a constant input (tensor or known elements), or undefined. */
function literal(fact: SizeFact | undefined): number[] | undefined {
  if (fact === undefined || fact.contents !== 'const') return undefined;
  if (fact.tensor !== undefined) return fact.tensor.toNumbers();
  if (fact.elements?.every((e): e is number => typeof e === 'number') === true) return [...fact.elements];
  return undefined;
}

const FOLLOWS = 'its extent follows the input size';

/** Indices that are literal constants into a size-dependent axis of the data. */
function literalIndices(
  ctx: SizeRuleContext,
  dataIndex: number,
  indicesIndex: number,
  axes: number[],
): string | undefined {
  const indices = ctx.fact(indicesIndex);
  if (indices?.contents !== 'const') return undefined;
  const data = ctx.fact(dataIndex);
  const sized = axes.filter((axis) => sizedAt(data, axis));
  if (sized.length === 0) return undefined;
  return (
    `${ctx.node.label()}: its indices '${ctx.value(indicesIndex)?.name ?? ''}' are literal constants, but they index ` +
    `axis ${sized.join(', ')} of ${describeInput(ctx, dataIndex)}, whose extent follows the input size: they were ` +
    `computed for the trace size`
  );
}

const gather: SizeRule = (ctx) => literalIndices(ctx, 0, 1, [intAttr(ctx.node, 'axis', 0)]);

function ndAxes(ctx: SizeRuleContext): number[] {
  const batch = intAttr(ctx.node, 'batch_dims', 0);
  const depth = ctx.fact(1)?.shape?.at(-1);
  const rank = ctx.fact(0)?.shape?.length ?? batch + 1;
  const last = typeof depth === 'number' ? batch + depth : rank;
  return Array.from({ length: Math.max(0, last - batch) }, (_, i) => batch + i);
}

const gatherNd: SizeRule = (ctx) => literalIndices(ctx, 0, 1, ndAxes(ctx));

/**
 * Right-aligned broadcasting of `indices`' inputs: a fixed extent > 1 (or any fixed extent when `exact`) on an axis
 * where another input's extent follows the size is a constant laid out for the trace size.
 */
function broadcastProblem(ctx: SizeRuleContext, indices: readonly number[], exact = false): string | undefined {
  const facts = indices.map((index) => ({ index, fact: ctx.fact(index) }));
  const rank = Math.max(0, ...facts.map(({ fact }) => fact?.shape?.length ?? 0));
  for (let back = 1; back <= rank; back += 1) {
    const at = facts.flatMap(({ index, fact }) => {
      const shape = fact?.shape;
      const sized = fact?.sized;
      if (shape === null || shape === undefined || sized === null || sized === undefined || shape.length < back)
        return [];
      return [{ index, dim: shape[shape.length - back] ?? 1, sized: sized[sized.length - back] ?? false }];
    });
    const follower = at.find((entry) => entry.sized);
    const fixed = at.find((entry) => !entry.sized && typeof entry.dim === 'number' && (exact || entry.dim !== 1));
    if (follower === undefined || fixed === undefined) continue;
    return (
      `${ctx.node.label()}: input ${describeInput(ctx, fixed.index)} has the fixed extent ${formatDim(fixed.dim)} ` +
      `on axis -${back}, where input ${describeInput(ctx, follower.index)} has ${formatDim(follower.dim)}, which ` +
      `follows the input size: a constant laid out for the trace size`
    );
  }
  return undefined;
}

const elementwise: SizeRule = (ctx) =>
  broadcastProblem(
    ctx,
    ctx.node.inputs.map((_, index) => index),
    false,
  );

/** A contraction of `a`'s axis with `b`'s: one fixed while the other follows the size. */
function contraction(ctx: SizeRuleContext, a: number, aAxis: number, b: number, bAxis: number): string | undefined {
  const [left, right] = [ctx.fact(a), ctx.fact(b)];
  const pairs = [
    { sized: a, sizedAxis: aAxis, fixed: b, fixedAxis: bAxis, fixedFact: right },
    { sized: b, sizedAxis: bAxis, fixed: a, fixedAxis: aAxis, fixedFact: left },
  ];
  for (const pair of pairs) {
    if (!sizedAt(ctx.fact(pair.sized), pair.sizedAxis) || sizedAt(pair.fixedFact, pair.fixedAxis)) continue;
    const shape = pair.fixedFact?.shape;
    const extent = shape?.[normalize(pair.fixedAxis, shape.length)];
    if (typeof extent !== 'number') continue;
    return (
      `${ctx.node.label()}: ${describeInput(ctx, pair.fixed)} has the fixed contraction extent ${extent}, but ` +
      `${describeInput(ctx, pair.sized)} contracts an axis whose extent follows the input size (a flattened ` +
      `size-dependent map feeding a fixed-size layer)`
    );
  }
  return undefined;
}

const matMul: SizeRule = (ctx) => {
  const bRank = ctx.fact(1)?.shape?.length ?? 2;
  return contraction(ctx, 0, -1, 1, bRank >= 2 ? -2 : 0);
};

const gemm: SizeRule = (ctx) =>
  contraction(ctx, 0, intAttr(ctx.node, 'transA', 0) === 1 ? 0 : 1, 1, intAttr(ctx.node, 'transB', 0) === 1 ? 1 : 0);

const conv: SizeRule = (ctx) => {
  if (sizedAt(ctx.fact(0), 1)) return `${ctx.node.label()}: the channel extent of ${describeInput(ctx, 0)} ${FOLLOWS}`;
  if (ctx.node.opType === 'ConvTranspose' && intsAttr(ctx.node, 'output_shape') !== undefined)
    return `${ctx.node.label()}: its output_shape attribute fixes the output extent that ${describeInput(ctx, 0)} sets`;
  return undefined;
};

const concat: SizeRule = (ctx) => {
  const rank = ctx.fact(0)?.shape?.length;
  if (rank === undefined) return undefined;
  const axis = normalize(intAttr(ctx.node, 'axis', 0), rank);
  const facts = ctx.node.inputs.map((_, index) => ctx.fact(index));
  for (let at = 0; at < rank; at += 1) {
    if (at === axis) continue;
    const follower = facts.findIndex((fact) => fact?.sized?.[at] === true);
    const fixed = facts.findIndex((fact) => fact?.sized?.[at] === false && typeof fact.shape?.[at] === 'number');
    if (follower >= 0 && fixed >= 0)
      return (
        `${ctx.node.label()}: input ${describeInput(ctx, fixed)} has a fixed extent on axis ${at}, where input ` +
        `${describeInput(ctx, follower)} has one that follows the input size: a constant laid out for the trace size`
      );
  }
  return undefined;
};

const reshape: SizeRule = (ctx) => {
  const data = ctx.fact(0);
  if (data === undefined || !data.shapeSized) return undefined;
  const target = ctx.opset >= 5 ? ctx.fact(1) : undefined;
  if (target !== undefined && target.contents !== 'const') return undefined;
  const shape = data.shape;
  if (shape === null)
    return `${ctx.node.label()}: a literal target shape on ${describeInput(ctx, 0)}, whose rank is unknown`;
  const requested = target === undefined ? intsAttr(ctx.node, 'shape') : literal(target);
  if (requested === undefined)
    return (
      `${ctx.node.label()}: its target shape is a literal constant sppkit cannot read, on input ` +
      describeInput(ctx, 0)
    );
  const allowzero = intAttr(ctx.node, 'allowzero', 0) === 1;
  const copied = new Set(requested.flatMap((v, axis) => (v === 0 && !allowzero ? [axis] : [])));
  const loose = shape.flatMap((_, axis) => (data.sized?.[axis] === true && !copied.has(axis) ? [axis] : []));
  const text = `[${requested.join(', ')}]`;
  if (loose.length === 0) return undefined;
  if (!requested.includes(-1))
    return (
      `${ctx.node.label()}: its fixed target shape ${text} cannot hold its input ${formatShape(shape)} ` +
      `once H and W vary`
    );
  // -1 takes the size-dependent extents; the literal entries must divide what the other input dims hold.
  const fixed = requested.reduce((product, v, axis) => (v > 0 && !copied.has(axis) ? product * v : product), 1);
  let rest = 1;
  for (let axis = 0; axis < shape.length; axis += 1) {
    const dim = shape[axis];
    if (copied.has(axis) || data.sized?.[axis] === true) continue;
    if (typeof dim !== 'number') return undefined;
    rest *= dim;
  }
  if (rest % fixed === 0) return undefined;
  return (
    `${ctx.node.label()}: its fixed target shape ${text} puts ${fixed} elements where the input ` +
    `${formatShape(shape)} has ${rest} times a size-dependent count: it only divides at some sizes`
  );
};

const expand: SizeRule = (ctx) => {
  const data = ctx.fact(0);
  const target = ctx.fact(1);
  if (data === undefined || target?.contents !== 'const' || !data.shapeSized) return undefined;
  const requested = literal(target);
  const sized = data.sized;
  if (requested === undefined || sized === null)
    return `${ctx.node.label()}: its literal target shape cannot be checked against ${describeInput(ctx, 0)}`;
  for (let back = 1; back <= Math.min(requested.length, sized.length); back += 1) {
    const wanted = requested[requested.length - back] ?? 1;
    if (sized[sized.length - back] === true && wanted > 1)
      return (
        `${ctx.node.label()}: its literal target shape [${requested.join(', ')}] sets axis -${back} to ${wanted}, ` +
        `where ${describeInput(ctx, 0)} has an extent that follows the input size`
      );
  }
  return undefined;
};

function boundProblem(
  ctx: SizeRuleContext,
  which: 'starts' | 'ends',
  fact: SizeFact | undefined,
  values: number[] | undefined,
  entry: number,
  step: number,
): string | undefined {
  const element = fact?.elements?.[entry];
  if (fact !== undefined && fact.contents !== 'const' && typeof element !== 'number') return undefined;
  const value = values?.[entry] ?? element;
  if (typeof value !== 'number') return `its ${which} are literal constants sppkit cannot read`;
  const open =
    which === 'starts'
      ? step > 0
        ? value === 0 || value <= -OPEN_BOUND
        : value >= OPEN_BOUND || value === -1
      : step > 0
        ? value >= OPEN_BOUND
        : value <= -OPEN_BOUND;
  return open ? undefined : `its literal ${which} entry ${entry} is ${value}`;
}

const slice: SizeRule = (ctx) => {
  const data = ctx.fact(0);
  if (data === undefined || !data.shapeSized) return undefined;
  const legacy = ctx.opset < 10;
  const starts = legacy ? undefined : ctx.fact(1);
  const ends = legacy ? undefined : ctx.fact(2);
  const startValues = legacy ? intsAttr(ctx.node, 'starts') : literal(starts);
  const endValues = legacy ? intsAttr(ctx.node, 'ends') : literal(ends);
  const count = startValues?.length ?? starts?.elements?.length ?? starts?.shape?.[0];
  const axesFact = legacy ? undefined : ctx.fact(3);
  const stepValues = legacy ? undefined : literal(ctx.fact(4));
  if (axesFact !== undefined && axesFact.contents !== 'const')
    return `${ctx.node.label()}: its axes are computed, so the sliced axes of ${describeInput(ctx, 0)} are unknown`;
  if (typeof count !== 'number') return `${ctx.node.label()}: the number of sliced axes is unknown`;
  const axes = (legacy ? intsAttr(ctx.node, 'axes') : literal(axesFact)) ?? Array.from({ length: count }, (_, i) => i);
  for (let entry = 0; entry < axes.length; entry += 1) {
    const axis = axes[entry] ?? entry;
    if (!sizedAt(data, axis)) continue;
    const step = stepValues?.[entry] ?? 1;
    const problem =
      boundProblem(ctx, 'starts', starts, startValues, entry, step) ??
      boundProblem(ctx, 'ends', ends, endValues, entry, step);
    if (problem !== undefined)
      return (
        `${ctx.node.label()}: ${problem}, on axis ${axis} of ${describeInput(ctx, 0)}, whose extent follows the ` +
        `input size: a bound computed for the trace size (only 0 and open ends are size-agnostic)`
      );
  }
  return undefined;
};

const resize: SizeRule = (ctx) => {
  const sizes = ctx.fact(3);
  if (ctx.opset < 11 || sizes?.contents !== 'const') return undefined;
  const data = ctx.fact(0);
  const axes = intsAttr(ctx.node, 'axes') ?? Array.from({ length: data?.shape?.length ?? 0 }, (_, i) => i);
  const fixed = axes.filter((axis) => sizedAt(data, axis));
  if (fixed.length === 0) return undefined;
  return (
    `${ctx.node.label()}: its constant sizes '${ctx.value(3)?.name ?? ''}' fix the output extent of axis ` +
    `${fixed.join(', ')}, where ${describeInput(ctx, 0)} has extents that follow the input size`
  );
};

const split: SizeRule = (ctx) => {
  const axis = intAttr(ctx.node, 'axis', 0);
  if (!sizedAt(ctx.fact(0), axis)) return undefined;
  const literalSplit = ctx.opset >= 13 ? ctx.fact(1)?.contents === 'const' : intsAttr(ctx.node, 'split') !== undefined;
  return literalSplit
    ? `${ctx.node.label()}: its literal split sizes cut axis ${axis} of ${describeInput(ctx, 0)}, whose extent ` +
        `follows the input size`
    : undefined;
};

const scatterNd: SizeRule = (ctx) => literalIndices(ctx, 0, 1, ndAxes(ctx));
const alongAxis: SizeRule = (ctx) => literalIndices(ctx, 0, 1, [intAttr(ctx.node, 'axis', 0)]);

/** Ops whose every input may follow the size: their semantics take the extents as they come. */
const AGNOSTIC = (
  'Abs Acos Acosh Asin Asinh Atan Atanh Ceil Cos Cosh Erf Exp Floor Log Neg Not Reciprocal Round ' +
  'Sigmoid Sign Sin Sinh Sqrt Tan Tanh Relu LeakyRelu Elu Selu Celu Gelu HardSigmoid HardSwish Softplus ' +
  'Softsign Mish ThresholdedRelu Shrink IsNaN IsInf Cast CastLike Identity Dropout BitwiseNot LRN Shape ' +
  'Size Transpose Squeeze Unsqueeze Flatten Softmax LogSoftmax Hardmax ReduceMax ReduceMin ReduceMean ' +
  'ReduceSum ReduceProd ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceSumSquare ArgMax ArgMin TopK ' +
  'GlobalMaxPool GlobalAveragePool GlobalLpPool MaxPool AveragePool LpPool DepthToSpace SpaceToDepth Range ' +
  'ConstantOfShape Pad Tile CumSum NonZero BatchNormalization InstanceNormalization Upsample OneHot ' +
  'Trilu EyeLike'
).split(' ');

/** Ops whose inputs broadcast elementwise. */
const BROADCASTING = (
  'Add Sub Mul Div Pow Mod Max Min Sum Mean Where Equal Less LessOrEqual Greater GreaterOrEqual And Or ' +
  'Xor PRelu BitShift BitwiseAnd BitwiseOr BitwiseXor Clip LayerNormalization DequantizeLinear ' +
  'QuantizeLinear'
).split(' ');

const agnostic: SizeRule = () => undefined;

/** The size rule of each default-domain op sppkit can prove size-agnostic (or name the problem of). */
export const SIZE_RULES: Readonly<Record<string, SizeRule>> = {
  ...Object.fromEntries(AGNOSTIC.map((op) => [op, agnostic])),
  ...Object.fromEntries(BROADCASTING.map((op) => [op, elementwise])),
  Gather: gather,
  GatherND: gatherNd,
  GatherElements: alongAxis,
  ScatterND: scatterNd,
  ScatterElements: alongAxis,
  Scatter: alongAxis,
  Compress: alongAxis,
  MatMul: matMul,
  Gemm: gemm,
  Conv: conv,
  ConvTranspose: conv,
  Concat: concat,
  Reshape: reshape,
  Expand: expand,
  Slice: slice,
  Resize: resize,
  Split: split,
};
