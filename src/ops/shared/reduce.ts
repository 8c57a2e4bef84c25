/**
 * Shared machinery of the Reduce* ops (ReduceMax, ReduceMean, ReduceSum; ReduceMin, ReduceProd, ReduceSumSquare,
 * ReduceL1, ReduceL2, ReduceLogSum, ReduceLogSumExp, whose kernels are in reduce-kernels.ts).
 *
 * ONNX history of the axes: an `axes` attribute until the op moved it to an optional int64 input (opset 18 for
 * ReduceMax/ReduceMean, 13 for ReduceSum), together with `noop_with_empty_axes`. Axes may be negative from
 * opset 11 (counted from the end). No axes (or an empty list) means every axis, unless noop_with_empty_axes=1,
 * which makes the op an identity. A reduction over an empty set gives the identity of the reduction: -inf for
 * max, 0 for sum, and 0/0 = NaN for mean (the others: see reduce-kernels.ts).
 */
import { formatShape, SymDim, type Dim } from '../../ir/dim.js';
import { DataType, FLOAT_TYPES, SMALL_INT_TYPES } from '../../ir/dtype.js';
import { sizeOf, stridesOf, type Tensor } from '../../ir/tensor.js';
import type { TensorType } from '../../ir/value.js';
import { attr } from '../core/attributes.js';
import { defineOp, requireInput, requireType, type TypeConstraint } from '../core/op.js';
import { addedAt } from '../core/types.js';
import { elementData, elementTensor } from './float.js';
import type { FloatArray } from './pool-reduce.js';
import { reduceTensor, type ExtraReduceKind } from './reduce-kernels.js';

/**
 * The element types of ReduceMean and ReduceSum: floats (bfloat16 from 13) and the 32/64-bit integers; int64 and
 * uint64 are not computed (the kernels work in float64).
 */
export const REDUCE_NUMERIC_TYPES: TypeConstraint = {
  types: [...FLOAT_TYPES, DataType.INT32, DataType.INT64, DataType.UINT32, DataType.UINT64],
  since: addedAt({ 13: [DataType.BFLOAT16] }),
  unimplemented: [DataType.INT64, DataType.UINT64],
};

/**
 * The element types of ReduceProd, ReduceSumSquare, ReduceL1, ReduceL2, ReduceLogSum and ReduceLogSumExp: floats
 * (bfloat16 from 13) and the 32/64-bit integers, all computed (integers exactly, see reduce-kernels.ts).
 */
export const REDUCE_ARITHMETIC_TYPES: TypeConstraint = {
  types: [...FLOAT_TYPES, DataType.INT32, DataType.INT64, DataType.UINT32, DataType.UINT64],
  since: addedAt({ 13: [DataType.BFLOAT16] }),
};

/**
 * The element types of ReduceMax and ReduceMin (opsets 1, 11, 12, 13, 18, 20): floats, the 32/64-bit integers,
 * int8/uint8 from 12, bfloat16 from 13 and bool from 20.
 */
export const REDUCE_EXTREME_TYPES: TypeConstraint = {
  types: [
    ...FLOAT_TYPES,
    DataType.INT32,
    DataType.INT64,
    DataType.UINT32,
    DataType.UINT64,
    DataType.INT8,
    DataType.UINT8,
    DataType.BOOL,
  ],
  since: addedAt({ 12: [DataType.INT8, DataType.UINT8], 13: [DataType.BFLOAT16], 20: [DataType.BOOL] }),
};

/** The reductions of ReduceMax, ReduceMean and ReduceSum (the float64 kernel `reduceAxes`). */
export type BasicReduceKind = 'max' | 'sum' | 'mean';

/** How the elements of one reduced group combine. */
export type ReduceKind = BasicReduceKind | ExtraReduceKind;

/**
 * Normalises axes against `rank` (negative counts from the end), refusing out-of-range and repeated axes.
 * Returns a sorted list.
 */
export function normalizeAxes(axes: readonly number[], rank: number, fail: (detail: string) => never): number[] {
  const seen = new Set<number>();
  for (const axis of axes) {
    if (!Number.isInteger(axis) || axis < -rank || axis >= rank)
      fail(`axis ${axis} is out of range for rank ${rank} (axes ${JSON.stringify(axes)})`);
    const normal = axis < 0 ? axis + rank : axis;
    if (seen.has(normal)) fail(`axes ${JSON.stringify(axes)} name axis ${normal} twice`);
    seen.add(normal);
  }
  return [...seen].sort((a, b) => a - b);
}

/** Reduces `data` (shape `dims`) over the sorted `axes`; with `keepdims` the reduced axes stay as size 1. */
export function reduceAxes(
  data: FloatArray,
  dims: readonly number[],
  axes: readonly number[],
  kind: BasicReduceKind,
  keepdims: boolean,
): { data: Float64Array; dims: number[] } {
  const reduced = new Set(axes);
  const keptDims = dims.map((dim, axis) => (reduced.has(axis) ? 1 : dim));
  const outSize = sizeOf(keptDims);
  const outStrides = stridesOf(keptDims).map((stride, axis) => (reduced.has(axis) ? 0 : stride));
  const out = new Float64Array(outSize).fill(kind === 'max' ? -Infinity : 0);
  const index = new Array<number>(dims.length).fill(0);
  let outIndex = 0;
  for (let i = 0; i < data.length; i += 1) {
    const value = data[i] ?? 0;
    if (kind === 'max') {
      // `!(value <= current)` lets NaN win, and a NaN already there stays, so NaN propagates.
      const current = out[outIndex] ?? 0;
      if (!(value <= current) && !Number.isNaN(current)) out[outIndex] = value;
    } else {
      out[outIndex] = (out[outIndex] ?? 0) + value;
    }
    // Advance the row-major odometer and keep outIndex in step.
    for (let axis = dims.length - 1; axis >= 0; axis -= 1) {
      const next = (index[axis] ?? 0) + 1;
      if (next < (dims[axis] ?? 1)) {
        index[axis] = next;
        outIndex += outStrides[axis] ?? 0;
        break;
      }
      outIndex -= (next - 1) * (outStrides[axis] ?? 0);
      index[axis] = 0;
    }
  }
  if (kind === 'mean') {
    let count = 1;
    for (const axis of axes) count *= dims[axis] ?? 1;
    for (let i = 0; i < out.length; i += 1) out[i] = (out[i] ?? 0) / count;
  }
  const outDims = keepdims ? keptDims : dims.filter((_, axis) => !reduced.has(axis));
  return { data: out, dims: outDims };
}

/** What distinguishes one Reduce* op. */
export interface ReduceOpSpec {
  readonly opType: string;
  readonly versions: readonly number[];
  /** The opset where `axes` became an input (and `noop_with_empty_axes` appeared). */
  readonly axesInputSince: number;
  readonly kind: ReduceKind;
  /** The element types of `data` and `reduced`. */
  readonly types: TypeConstraint;
}

/** The requested axes: from the attribute (old opsets) or the constant `axes` input; `undefined` = not known. */
function requestedAxes(
  opset: number,
  spec: ReduceOpSpec,
  attrAxes: readonly number[] | undefined,
  axesInput: Tensor | null | undefined,
): readonly number[] | undefined {
  if (opset < spec.axesInputSince) return attrAxes ?? [];
  if (axesInput === null) return [];
  if (axesInput === undefined) return undefined;
  return axesInput.toNumbers();
}

/** The smallest value of each number-backed integer type. */
const INT_MIN: Partial<Record<DataType, number>> = {
  [DataType.INT8]: -128,
  [DataType.INT16]: -32768,
  [DataType.INT32]: -2147483648,
  [DataType.UINT8]: 0,
  [DataType.UINT16]: 0,
  [DataType.UINT32]: 0,
};

/** Builds the op definition of one Reduce* op. */
export function defineReduceOp(spec: ReduceOpSpec) {
  const plan = (
    shape: readonly Dim[],
    axes: readonly number[],
    noop: boolean,
    fail: (detail: string) => never,
  ): { axes: number[]; identity: boolean } => {
    if (axes.length === 0)
      return noop ? { axes: [], identity: true } : { axes: shape.map((_, axis) => axis), identity: false };
    return {
      axes: normalizeAxes(axes, shape.length, (detail) =>
        fail(`${detail}; input data has shape ${formatShape(shape)}`),
      ),
      identity: false,
    };
  };
  return defineOp({
    opType: spec.opType,
    domain: '',
    versions: spec.versions,
    inputs: [
      { name: 'data', type: 'T' },
      { name: 'axes', type: 'I', optional: true, since: spec.axesInputSince, fromAttribute: 'axes' },
    ],
    outputs: [{ name: 'reduced', type: 'T' }],
    attributes: {
      axes: attr.optionalInts('axes', { until: spec.axesInputSince - 1 }),
      keepdims: attr.int('keepdims', 1),
      noopWithEmptyAxes: attr.int('noop_with_empty_axes', 0, { since: spec.axesInputSince }),
    },
    types: { T: spec.types, I: { types: [DataType.INT64] } },
    infer(ctx) {
      const data = requireType(ctx, 0);
      const keepdims = ctx.attrs.keepdims !== 0;
      // A constant axes input is known; an omitted one means "no axes"; any other is known only at run time.
      const omitted = ctx.inputs[1] === null || ctx.inputs[1] === undefined;
      const axesInput = ctx.inputs.length > 1 ? (ctx.constant(1) ?? (omitted ? null : undefined)) : null;
      const axes = requestedAxes(ctx.opset, spec, ctx.attrs.axes, axesInput);
      const out = (shape: readonly Dim[] | null): TensorType[] => [{ dtype: data.dtype, shape }];
      if (data.shape === null) return out(null);
      if (axes === undefined) return out(keepdims ? data.shape.map(() => SymDim.unknown()) : null);
      const { axes: reduced, identity } = plan(data.shape, axes, ctx.attrs.noopWithEmptyAxes !== 0, ctx.fail);
      if (identity) return out(data.shape);
      const set = new Set(reduced);
      return out(
        keepdims
          ? data.shape.map((dim, axis) => (set.has(axis) ? 1 : dim))
          : data.shape.filter((_, axis) => !set.has(axis)),
      );
    },
    run(ctx) {
      const input = requireInput(ctx, 0);
      const axesInput = ctx.inputs.length > 1 ? (ctx.inputs[1] ?? null) : null;
      const axes = requestedAxes(ctx.opset, spec, ctx.attrs.axes, axesInput) ?? [];
      const { axes: reduced, identity } = plan(input.dims, axes, ctx.attrs.noopWithEmptyAxes !== 0, ctx.fail);
      if (identity) return [input];
      const keepdims = ctx.attrs.keepdims !== 0;
      const kind = spec.kind;
      if (kind !== 'max' && kind !== 'sum' && kind !== 'mean')
        return [reduceTensor(input, reduced, kind, keepdims, ctx.fail)];
      const result = reduceAxes(elementData(input, ctx.fail), input.dims, reduced, kind, keepdims);
      // The max of an empty set is -inf, or for an integer type the type's minimum (as the spec says).
      if (kind === 'max' && SMALL_INT_TYPES.includes(input.dtype))
        result.data.forEach((v, i, data) => {
          if (v === -Infinity) data[i] = INT_MIN[input.dtype] ?? 0;
        });
      return [elementTensor(input.dtype, result.dims, result.data)];
    },
  });
}
