/**
 * The dtype-aware kernels of the Reduce* ops added after ReduceMax/ReduceMean/ReduceSum: ReduceMin, ReduceProd,
 * ReduceSumSquare, ReduceL1, ReduceL2, ReduceLogSum and ReduceLogSumExp.
 *
 * Spec formulas per reduced group `x_1 .. x_n` (an empty group gives the value after `n = 0`):
 *   min        min_i x_i                  (empty: +inf, or the largest value of an integer type; true for bool)
 *   prod       Π x_i                      (empty: 1)
 *   sumSquare  Σ x_i²                     (empty: 0)
 *   l1         Σ |x_i|                    (empty: 0)
 *   l2         sqrt(Σ x_i²)               (empty: 0)
 *   logSum     log(Σ x_i)                 (empty: -inf)
 *   logSumExp  log(Σ exp(x_i)), computed as m + log(Σ exp(x_i - m)) with m = max_i x_i so that large inputs do
 *              not overflow (empty: -inf)
 * Floats compute in float64 and round once to the output type; NaN propagates. Integers (and bool, as 0/1) compute
 * exactly in BigInt and wrap to their width like C for min/prod/sumSquare/l1; l2, logSum and logSumExp are
 * computed in float64 and truncated toward zero, as a C cast would, and refused when the result is not finite.
 */
import { DataType, dtypeName, isBigIntType, isFloatType } from '../../ir/dtype.js';
import { sizeOf, stridesOf, Tensor } from '../../ir/tensor.js';
import { stridedIndexMap } from './broadcast.js';
import { bigintOutput, bigintsOf, numberOutput, numbersOf } from './elementwise.js';

/** The reductions these kernels compute. */
export type ExtraReduceKind = 'min' | 'prod' | 'sumSquare' | 'l1' | 'l2' | 'logSum' | 'logSumExp';

/** Bit width and signedness of each integer element type (bool as one unsigned bit). */
const INTEGER_FORMATS: Partial<Record<DataType, { readonly bits: number; readonly signed: boolean }>> = {
  [DataType.INT8]: { bits: 8, signed: true },
  [DataType.INT16]: { bits: 16, signed: true },
  [DataType.INT32]: { bits: 32, signed: true },
  [DataType.INT64]: { bits: 64, signed: true },
  [DataType.UINT8]: { bits: 8, signed: false },
  [DataType.UINT16]: { bits: 16, signed: false },
  [DataType.UINT32]: { bits: 32, signed: false },
  [DataType.UINT64]: { bits: 64, signed: false },
  [DataType.BOOL]: { bits: 1, signed: false },
};

/** Where each input element goes: `groupOf[i]` is the output index of input element `i` (row-major). */
export interface ReduceGroups {
  readonly groupOf: Int32Array;
  /** The input dims with the reduced axes set to 1. */
  readonly keptDims: number[];
  readonly outSize: number;
}

/** Maps every element of a `dims` tensor to its group when the sorted `axes` are reduced. */
export function reduceGroups(dims: readonly number[], axes: readonly number[]): ReduceGroups {
  const reduced = new Set(axes);
  const keptDims = dims.map((dim, axis) => (reduced.has(axis) ? 1 : dim));
  // The output index is Σ index[axis] * keptStride[axis], with stride 0 along the reduced axes.
  const strides = stridesOf(keptDims).map((stride, axis) => (reduced.has(axis) ? 0 : stride));
  return { groupOf: stridedIndexMap(dims, strides, 0), keptDims, outSize: sizeOf(keptDims) };
}

/** Reduces float values (float64 arithmetic); the caller rounds once to the output type. */
function reduceFloats(values: ArrayLike<number>, groups: ReduceGroups, kind: ExtraReduceKind): Float64Array {
  const { groupOf, outSize } = groups;
  const initial = kind === 'min' ? Infinity : kind === 'prod' ? 1 : 0;
  const out = new Float64Array(outSize).fill(initial);
  if (kind === 'logSumExp') {
    // Pass 1: the max of each group (NaN propagates through Math.max); pass 2: Σ exp(x - max).
    const peak = new Float64Array(outSize).fill(-Infinity);
    for (let i = 0; i < groupOf.length; i += 1) {
      const g = groupOf[i] ?? 0;
      peak[g] = Math.max(peak[g] ?? 0, values[i] ?? 0);
    }
    for (let i = 0; i < groupOf.length; i += 1) {
      const g = groupOf[i] ?? 0;
      out[g] = (out[g] ?? 0) + Math.exp((values[i] ?? 0) - (peak[g] ?? 0));
    }
    for (let g = 0; g < outSize; g += 1) {
      const m = peak[g] ?? 0;
      // An empty or all -inf group gives -inf; a +inf element gives +inf (unless a NaN is present).
      out[g] = Number.isNaN(m) || !Number.isFinite(m) ? m : m + Math.log(out[g] ?? 0);
    }
    return out;
  }
  for (let i = 0; i < groupOf.length; i += 1) {
    const g = groupOf[i] ?? 0;
    const value = values[i] ?? 0;
    const acc = out[g] ?? 0;
    switch (kind) {
      case 'min':
        out[g] = Math.min(acc, value); // NaN propagates
        break;
      case 'prod':
        out[g] = acc * value;
        break;
      case 'sumSquare':
      case 'l2':
        out[g] = acc + value * value;
        break;
      case 'l1':
        out[g] = acc + Math.abs(value);
        break;
      case 'logSum':
        out[g] = acc + value;
        break;
    }
  }
  if (kind === 'l2') for (let g = 0; g < outSize; g += 1) out[g] = Math.sqrt(out[g] ?? 0);
  if (kind === 'logSum') for (let g = 0; g < outSize; g += 1) out[g] = Math.log(out[g] ?? 0);
  return out;
}

/** The largest value of an integer format (the identity of min). */
function largest(format: { readonly bits: number; readonly signed: boolean }): bigint {
  return (1n << BigInt(format.signed ? format.bits - 1 : format.bits)) - 1n;
}

/** Reduces integer values exactly in BigInt (no wrapping yet). */
function reduceIntegers(
  values: readonly bigint[],
  groups: ReduceGroups,
  kind: 'min' | 'prod' | 'sum' | 'sumSquare' | 'l1',
  format: { readonly bits: number; readonly signed: boolean },
): bigint[] {
  const initial = kind === 'min' ? largest(format) : kind === 'prod' ? 1n : 0n;
  const out = new Array<bigint>(groups.outSize).fill(initial);
  values.forEach((value, i) => {
    const g = groups.groupOf[i] ?? 0;
    const acc = out[g] ?? 0n;
    if (kind === 'min') out[g] = value < acc ? value : acc;
    else if (kind === 'prod') out[g] = acc * value;
    else if (kind === 'sum') out[g] = acc + value;
    else if (kind === 'sumSquare') out[g] = acc + value * value;
    else out[g] = acc + (value < 0n ? -value : value);
  });
  return out;
}

/** The elements of an integer or bool tensor as BigInt. */
function integerValues(tensor: Tensor, fail: (detail: string) => never): bigint[] {
  if (isBigIntType(tensor.dtype)) return Array.from(bigintsOf(tensor, fail));
  return Array.from(numbersOf(tensor, fail), (value) => BigInt(value));
}

/** Writes BigInt results into a tensor of an integer (or bool) `dtype`, wrapping to its width like C. */
function integerTensor(
  dtype: DataType,
  dims: readonly number[],
  results: readonly bigint[],
  format: { readonly bits: number; readonly signed: boolean },
  fail: (detail: string) => never,
): Tensor {
  const wrap = (value: bigint): bigint =>
    format.signed ? BigInt.asIntN(format.bits, value) : BigInt.asUintN(format.bits, value);
  if (isBigIntType(dtype)) {
    const out = bigintOutput(dtype, results.length, fail);
    results.forEach((value, i) => (out[i] = wrap(value)));
    return new Tensor(dtype, dims, out);
  }
  const out = numberOutput(dtype, results.length, fail);
  results.forEach((value, i) => (out.data[i] = Number(wrap(value))));
  return out.finish(dims);
}

/**
 * Reduces `input` over the sorted, normalised `axes` with one of the extra reductions; with `keepdims` the reduced
 * axes stay as size 1. `fail` names the node (integer results that are not finite are refused through it).
 */
export function reduceTensor(
  input: Tensor,
  axes: readonly number[],
  kind: ExtraReduceKind,
  keepdims: boolean,
  fail: (detail: string) => never,
): Tensor {
  const groups = reduceGroups(input.dims, axes);
  const reduced = new Set(axes);
  const dims = keepdims ? groups.keptDims : input.dims.filter((_, axis) => !reduced.has(axis));
  if (isFloatType(input.dtype)) {
    const results = reduceFloats(numbersOf(input, fail), groups, kind);
    const out = numberOutput(input.dtype, results.length, fail);
    out.data.set(results);
    return out.finish(dims);
  }
  const format = INTEGER_FORMATS[input.dtype];
  if (format === undefined) return fail(`cannot reduce ${input.describe()} (${kind})`);
  if (kind === 'min' || kind === 'prod' || kind === 'sumSquare' || kind === 'l1')
    return integerTensor(
      input.dtype,
      dims,
      reduceIntegers(integerValues(input, fail), groups, kind, format),
      format,
      fail,
    );
  // l2, logSum, logSumExp of integers: the exact sum (of squares) where there is one, then float64, then a C cast.
  const values = integerValues(input, fail);
  const results =
    kind === 'logSumExp'
      ? Array.from(reduceFloats(Float64Array.from(values, Number), groups, kind))
      : reduceIntegers(values, groups, kind === 'l2' ? 'sumSquare' : 'sum', format).map((total) =>
          kind === 'l2' ? Math.sqrt(Number(total)) : Math.log(Number(total)),
        );
  const truncated = results.map((value, g) => {
    if (!Number.isFinite(value))
      fail(
        `${kind} of group ${g} is ${value}, which ${dtypeName(input.dtype)} cannot hold (input ${input.describe()})`,
      );
    return BigInt(Math.trunc(value));
  });
  return integerTensor(input.dtype, dims, truncated, format, fail);
}
