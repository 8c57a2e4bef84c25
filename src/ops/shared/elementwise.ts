/**
 * Shared element-level helpers: reading and writing elements of every numeric type, the broadcasting
 * unary/binary/variadic kernels, and type-generic element copies for the data-movement ops.
 *
 * Number-backed integer types compute in JS numbers and are wrapped to their width by typed-array stores
 * (two's complement, as C and numpy do); int32/uint32 products use `Math.imul` so no bits are lost.
 * int64/uint64 compute in BigInt and wrap the same way. float16/bfloat16 are decoded, computed in float64
 * and rounded once on the way out.
 */
import { allocate, DataType, dtypeName, isFloatType, type NumberArray, type TensorData } from '../../ir/dtype.js';
import { Tensor, tensorFromNumbers } from '../../ir/tensor.js';
import { broadcastConcrete, broadcastRows } from './broadcast.js';

/** True for int64/uint64 storage. */
export function isBigIntData(data: TensorData): data is BigInt64Array | BigUint64Array {
  return data instanceof BigInt64Array || data instanceof BigUint64Array;
}

/** True for storage whose elements are JS numbers (raw bits for float16/bfloat16). */
export function isNumberData(data: TensorData): data is NumberArray {
  return !Array.isArray(data) && !isBigIntData(data);
}

/** The elements of a non-int64 numeric (or bool) tensor as numbers; float16/bfloat16 are decoded. */
export function numbersOf(tensor: Tensor, fail: (detail: string) => never): NumberArray {
  if (tensor.dtype === DataType.FLOAT16 || tensor.dtype === DataType.BFLOAT16)
    return Float64Array.from(tensor.toNumbers());
  const data = tensor.data;
  if (isNumberData(data)) return data;
  return fail(`expects a tensor with number elements, got ${tensor.describe()}`);
}

/** The elements of an int64/uint64 tensor. */
export function bigintsOf(tensor: Tensor, fail: (detail: string) => never): BigInt64Array | BigUint64Array {
  const data = tensor.data;
  if (isBigIntData(data)) return data;
  return fail(`expects an int64/uint64 tensor, got ${tensor.describe()}`);
}

/** Output storage for `dtype` that takes numbers; `finish` rounds float16/bfloat16 once and wraps it. */
export interface NumberOutput {
  readonly data: NumberArray;
  finish(dims: readonly number[]): Tensor;
}

/** Allocates a number-valued output of `size` elements for a non-int64 `dtype`. */
export function numberOutput(dtype: DataType, size: number, fail: (detail: string) => never): NumberOutput {
  if (dtype === DataType.FLOAT16 || dtype === DataType.BFLOAT16) {
    const data = new Float64Array(size);
    return { data, finish: (dims) => tensorFromNumbers(dtype, dims, Array.from(data)) };
  }
  const data = allocate(dtype, size);
  if (!isNumberData(data)) return fail(`internal: ${dtypeName(dtype)} is not number-valued`);
  return { data, finish: (dims) => new Tensor(dtype, dims, data) };
}

/** Allocates an int64/uint64 output. */
export function bigintOutput(
  dtype: DataType,
  size: number,
  fail: (detail: string) => never,
): BigInt64Array | BigUint64Array {
  const data = allocate(dtype, size);
  return isBigIntData(data) ? data : fail(`internal: ${dtypeName(dtype)} is not BigInt-valued`);
}

/** A float unary function applied to every element of a float tensor (computed in float64, rounded once). */
export function mapFloat(x: Tensor, fn: (value: number) => number, fail: (detail: string) => never): Tensor {
  if (!isFloatType(x.dtype)) return fail(`expects a float tensor, got ${x.describe()}`);
  const input = numbersOf(x, fail);
  const out = numberOutput(x.dtype, input.length, fail);
  for (let i = 0; i < input.length; i += 1) out.data[i] = fn(input[i] ?? 0);
  return out.finish(x.dims);
}

/**
 * An op's own element loop: `out[i] = f(input[i])` for `i < length` (floats, computed in float64). Written as a loop
 * literal in the op's file, its call of `f` sees one function, so V8 inlines it and boxes no float; the shared loop
 * of `mapFloat` calls every op's `f` from one site and costs tens of nanoseconds per element for it.
 */
export type FloatRowKernel = (input: NumberArray, out: NumberArray, length: number) => void;

/** `mapFloat` with the op's own loop (see `FloatRowKernel`); same values, one rounding on store. */
export function mapFloatRows(x: Tensor, kernel: FloatRowKernel, fail: (detail: string) => never): Tensor {
  if (!isFloatType(x.dtype)) return fail(`expects a float tensor, got ${x.describe()}`);
  const input = numbersOf(x, fail);
  const out = numberOutput(x.dtype, input.length, fail);
  kernel(input, out.data, input.length);
  return out.finish(x.dims);
}

/** The per-dtype-family functions of a binary kernel. */
export interface BinaryFns {
  /** Floats (float16/bfloat16/float32/float64), computed in float64. */
  readonly float: (a: number, b: number) => number;
  /** Number-backed integers; the result is wrapped to the type's width on store. */
  readonly int: (a: number, b: number, dtype: DataType, fail: (detail: string) => never) => number;
  /** int64/uint64; the result is wrapped to 64 bits on store. */
  readonly bigint: (a: bigint, b: bigint, fail: (detail: string) => never) => bigint;
}

/** Applies a broadcasting binary op to two tensors of the same dtype (the registry's type check ensures it). */
export function binaryKernel(a: Tensor, b: Tensor, fns: BinaryFns, fail: (detail: string) => never): Tensor {
  const dims = broadcastConcrete([a.dims, b.dims], fail);
  const { rows, length, starts, steps } = broadcastRows([a.dims, b.dims], dims);
  const [startsA, startsB] = starts;
  const [stepA = 0, stepB = 0] = steps;
  const size = rows * length;
  if (isBigIntData(a.data)) {
    const left = bigintsOf(a, fail);
    const right = bigintsOf(b, fail);
    const out = bigintOutput(a.dtype, size, fail);
    for (let r = 0, o = 0; r < rows; r += 1) {
      let i = startsA?.[r] ?? 0;
      let j = startsB?.[r] ?? 0;
      for (let e = 0; e < length; e += 1, o += 1, i += stepA, j += stepB)
        out[o] = fns.bigint(left[i] ?? 0n, right[j] ?? 0n, fail);
    }
    return new Tensor(a.dtype, dims, out);
  }
  const left = numbersOf(a, fail);
  const right = numbersOf(b, fail);
  const out = numberOutput(a.dtype, size, fail);
  const fn = isFloatType(a.dtype) ? fns.float : (x: number, y: number): number => fns.int(x, y, a.dtype, fail);
  for (let r = 0, o = 0; r < rows; r += 1) {
    let i = startsA?.[r] ?? 0;
    let j = startsB?.[r] ?? 0;
    for (let e = 0; e < length; e += 1, o += 1, i += stepA, j += stepB) out.data[o] = fn(left[i] ?? 0, right[j] ?? 0);
  }
  return out.finish(dims);
}

/** Folds a broadcasting binary op over one or more inputs (Max, Min, Sum, Mean). */
export function variadicKernel(inputs: readonly Tensor[], fns: BinaryFns, fail: (detail: string) => never): Tensor {
  const [first, ...rest] = inputs;
  if (first === undefined) return fail('needs at least one input');
  return rest.reduce((acc, next) => binaryKernel(acc, next, fns, fail), first);
}

/** Integer multiply that keeps the low 32 bits exactly for int32/uint32 (plain `*` could exceed 2^53). */
export function intMul(a: number, b: number, dtype: DataType): number {
  return dtype === DataType.INT32 || dtype === DataType.UINT32 ? Math.imul(a, b) : a * b;
}

/**
 * Copies elements of `source` into a new tensor of shape `dims`: output element `i` is source element
 * `map[i]`, or element 0 of `fill` (zero when absent) where `map[i]` is -1. Works for every dtype.
 */
export function gatherElements(source: Tensor, map: Int32Array, dims: readonly number[], fill?: Tensor): Tensor {
  const src = source.data;
  const out = allocate(source.dtype, map.length);
  const fillData = fill?.data;
  if (Array.isArray(src) && Array.isArray(out)) {
    const pad = Array.isArray(fillData) ? (fillData[0] ?? '') : '';
    for (let i = 0; i < map.length; i += 1) {
      const j = map[i] ?? -1;
      out[i] = j < 0 ? pad : (src[j] ?? '');
    }
  } else if (isBigIntData(src) && isBigIntData(out)) {
    const pad = fillData !== undefined && isBigIntData(fillData) ? (fillData[0] ?? 0n) : 0n;
    for (let i = 0; i < map.length; i += 1) {
      const j = map[i] ?? -1;
      out[i] = j < 0 ? pad : (src[j] ?? 0n);
    }
  } else if (isNumberData(src) && isNumberData(out)) {
    const pad = fillData !== undefined && isNumberData(fillData) ? (fillData[0] ?? 0) : 0;
    for (let i = 0; i < map.length; i += 1) {
      const j = map[i] ?? -1;
      out[i] = j < 0 ? pad : (src[j] ?? 0);
    }
  }
  return new Tensor(source.dtype, dims, out);
}

/**
 * Copies `count` elements from `source` (from `sourceStart`) into `target` (at `targetStart`); same dtype. Typed
 * storage is copied as one block (`TypedArray.prototype.set`, a memory copy when the element types match).
 */
export function copyElements(
  target: TensorData,
  targetStart: number,
  source: TensorData,
  sourceStart: number,
  count: number,
): void {
  if (Array.isArray(target) && Array.isArray(source)) {
    for (let i = 0; i < count; i += 1) target[targetStart + i] = source[sourceStart + i] ?? '';
  } else if (isBigIntData(target) && isBigIntData(source)) {
    target.set(source.subarray(sourceStart, sourceStart + count), targetStart);
  } else if (isNumberData(target) && isNumberData(source)) {
    target.set(source.subarray(sourceStart, sourceStart + count), targetStart);
  } else {
    throw new TypeError('copyElements: source and target storage differ');
  }
}

/** The elements of an integer (index/shape/axes) tensor as JS numbers; int64 beyond ±2^53 saturates. */
export function intsOf(tensor: Tensor, fail: (detail: string) => never): number[] {
  if (isFloatType(tensor.dtype) || tensor.dtype === DataType.STRING || tensor.dtype === DataType.BOOL) {
    return fail(`expects an integer tensor, got ${tensor.describe()}`);
  }
  const data = tensor.data;
  if (isBigIntData(data)) {
    return Array.from(data, (v) =>
      v > BigInt(Number.MAX_SAFE_INTEGER)
        ? Number.MAX_SAFE_INTEGER
        : v < BigInt(Number.MIN_SAFE_INTEGER)
          ? Number.MIN_SAFE_INTEGER
          : Number(v),
    );
  }
  return tensor.toNumbers();
}
