/**
 * Shared element-level helpers: dtype sets, reading and writing elements of every numeric type, the
 * broadcasting unary/binary/variadic kernels, and type-generic element copies for the data-movement ops.
 *
 * Number-backed integer types compute in JS numbers and are wrapped to their width by typed-array stores
 * (two's complement, as C and numpy do); int32/uint32 products use `Math.imul` so no bits are lost.
 * int64/uint64 compute in BigInt and wrap the same way. float16/bfloat16 are decoded, computed in float64
 * and rounded once on the way out.
 */
import { formatShape } from '../../ir/dim.js';
import { allocate, DataType, dtypeName, isFloatType, type NumberArray, type TensorData } from '../../ir/dtype.js';
import { Tensor, tensorFromNumbers } from '../../ir/tensor.js';
import { attr } from '../core/attributes.js';
import { broadcastConcrete, broadcastIndexMap, broadcastShapes, legacyBroadcastShape } from './broadcast.js';
import { defineOp, requireInput, requireType, type OpDef } from '../core/op.js';

/** The float element types. */
export const FLOATS: readonly DataType[] = [DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16];
/** Signed integer element types. */
export const SIGNED_INTS: readonly DataType[] = [DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64];
/** Unsigned integer element types. */
export const UNSIGNED_INTS: readonly DataType[] = [DataType.UINT8, DataType.UINT16, DataType.UINT32, DataType.UINT64];
/** Every numeric element type (no bool, no string). */
export const NUMERIC: readonly DataType[] = [...FLOATS, ...SIGNED_INTS, ...UNSIGNED_INTS];

/** Fails unless `dtype` is in `allowed`, naming both. */
export function requireDtype(
  dtype: DataType,
  allowed: readonly DataType[],
  what: string,
  fail: (detail: string) => never,
): void {
  if (!allowed.includes(dtype))
    fail(`${what} has type ${dtypeName(dtype)}, but only ${allowed.map(dtypeName).join(', ')} are allowed`);
}

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

/** The per-dtype-family functions of a binary kernel. */
export interface BinaryFns {
  /** Floats (float16/bfloat16/float32/float64), computed in float64. */
  readonly float: (a: number, b: number) => number;
  /** Number-backed integers; the result is wrapped to the type's width on store. */
  readonly int: (a: number, b: number, dtype: DataType, fail: (detail: string) => never) => number;
  /** int64/uint64; the result is wrapped to 64 bits on store. */
  readonly bigint: (a: bigint, b: bigint, fail: (detail: string) => never) => bigint;
}

/** Applies a broadcasting binary op to two tensors of the same dtype. */
export function binaryKernel(a: Tensor, b: Tensor, fns: BinaryFns, fail: (detail: string) => never): Tensor {
  if (a.dtype !== b.dtype) fail(`inputs must have the same type, got ${a.describe()} and ${b.describe()}`);
  const dims = broadcastConcrete([a.dims, b.dims], fail);
  const mapA = broadcastIndexMap(a.dims, dims);
  const mapB = broadcastIndexMap(b.dims, dims);
  const size = mapA.length;
  if (isBigIntData(a.data)) {
    const left = bigintsOf(a, fail);
    const right = bigintsOf(b, fail);
    const out = bigintOutput(a.dtype, size, fail);
    for (let i = 0; i < size; i += 1) out[i] = fns.bigint(left[mapA[i] ?? 0] ?? 0n, right[mapB[i] ?? 0] ?? 0n, fail);
    return new Tensor(a.dtype, dims, out);
  }
  const left = numbersOf(a, fail);
  const right = numbersOf(b, fail);
  const out = numberOutput(a.dtype, size, fail);
  const fn = isFloatType(a.dtype) ? fns.float : (x: number, y: number): number => fns.int(x, y, a.dtype, fail);
  for (let i = 0; i < size; i += 1) out.data[i] = fn(left[mapA[i] ?? 0] ?? 0, right[mapB[i] ?? 0] ?? 0);
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

/** Copies `count` elements from `source` (from `sourceStart`) into `target` (at `targetStart`); same dtype. */
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
    for (let i = 0; i < count; i += 1) target[targetStart + i] = source[sourceStart + i] ?? 0n;
  } else if (isNumberData(target) && isNumberData(source)) {
    for (let i = 0; i < count; i += 1) target[targetStart + i] = source[sourceStart + i] ?? 0;
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

/** Element types of Add/Sub/Mul/Div at `opset`: floats only before 7, 32/64-bit ints from 7, bfloat16 from 13, all from 14. */
function arithmeticTypes(opset: number): readonly DataType[] {
  const floats = [DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE];
  if (opset < 7) return floats;
  const wide = [...floats, DataType.INT32, DataType.INT64, DataType.UINT32, DataType.UINT64];
  if (opset < 13) return wide;
  return opset < 14 ? [...wide, DataType.BFLOAT16] : NUMERIC;
}

/** The attributes of the binary arithmetic ops (all gone from opset 7 on). */
const arithmeticAttributes = {
  broadcast: attr.int('broadcast', 0, { until: 6 }),
  axis: attr.optionalInt('axis', { until: 6 }),
  consumedInputs: attr.optionalInts('consumed_inputs', { until: 5 }),
} as const;

/**
 * Defines one of Add, Sub, Mul, Div (opsets 1, 6, 7, 13, 14): numpy broadcasting from opset 7; before that
 * the `broadcast`/`axis` attributes broadcast B onto A.
 */
export function defineArithmetic(opType: string, fns: BinaryFns): OpDef<typeof arithmeticAttributes> {
  return defineOp({
    opType,
    domain: '',
    versions: [1, 6, 7, 13, 14],
    inputs: [{ name: 'A' }, { name: 'B' }],
    outputs: [{ name: 'C' }],
    attributes: arithmeticAttributes,
    infer(ctx) {
      const a = requireType(ctx, 0);
      const b = requireType(ctx, 1);
      if (a.dtype !== b.dtype)
        ctx.fail(`A and B must have the same type, got ${dtypeName(a.dtype)} and ${dtypeName(b.dtype)}`);
      requireDtype(a.dtype, arithmeticTypes(ctx.opset), 'A', ctx.fail);
      if (ctx.opset < 7 && a.shape !== null && b.shape !== null) {
        legacyBroadcastShape(a.shape, b.shape, ctx.attrs.broadcast, ctx.attrs.axis, ctx.fail);
        return [{ dtype: a.dtype, shape: a.shape }];
      }
      return [{ dtype: a.dtype, shape: broadcastShapes([a.shape, b.shape], ctx.fail) }];
    },
    run(ctx) {
      const a = requireInput(ctx, 0);
      let b = requireInput(ctx, 1);
      requireDtype(a.dtype, arithmeticTypes(ctx.opset), 'A', ctx.fail);
      if (ctx.opset < 7) {
        const shape = legacyBroadcastShape(a.dims, b.dims, ctx.attrs.broadcast, ctx.attrs.axis, ctx.fail);
        b = b.reshape(shape.map((dim) => (typeof dim === 'number' ? dim : 1)));
      }
      return [binaryKernel(a, b, fns, ctx.fail)];
    },
  });
}

/** Element types of the float-only unary ops: float16/float/double, plus bfloat16 from opset 13. */
export function floatUnaryTypes(opset: number): readonly DataType[] {
  return opset < 13 ? [DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE] : FLOATS;
}

/** The attributes of the unary ops (only the legacy `consumed_inputs`). */
export const unaryAttributes = { consumedInputs: attr.optionalInts('consumed_inputs', { until: 5 }) } as const;

/**
 * Defines a unary, shape-preserving op: `types(opset)` lists the element types it takes at an opset, `apply` computes
 * it. Shared by the float unary ops (Exp, Floor, ...) and the numeric ones (Abs, Sign).
 */
export function defineUnary(
  opType: string,
  versions: readonly number[],
  types: (opset: number) => readonly DataType[],
  apply: (x: Tensor, fail: (detail: string) => never) => Tensor,
): OpDef<typeof unaryAttributes> {
  return defineOp({
    opType,
    domain: '',
    versions,
    inputs: [{ name: 'X' }],
    outputs: [{ name: 'Y' }],
    attributes: unaryAttributes,
    infer(ctx) {
      const x = requireType(ctx, 0);
      requireDtype(x.dtype, types(ctx.opset), 'X', ctx.fail);
      return [x];
    },
    run(ctx) {
      const x = requireInput(ctx, 0);
      requireDtype(x.dtype, types(ctx.opset), 'X', ctx.fail);
      return [apply(x, ctx.fail)];
    },
  });
}

/** Defines a float-only unary op such as Exp or Floor; `versions` lists where its schema changed. */
export function defineFloatUnary(
  opType: string,
  versions: readonly number[],
  fn: (value: number) => number,
): OpDef<typeof unaryAttributes> {
  return defineUnary(opType, versions, floatUnaryTypes, (x, fail) => mapFloat(x, fn, fail));
}

/** Max and Min: variadic, broadcasting from opset 8 (equal shapes before), integers from 12, bfloat16 from 13; NaN propagates. */
/** The element types of Max/Min at `opset`. */
function minMaxTypes(opset: number): readonly DataType[] {
  if (opset < 12) return [DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE];
  return opset < 13 ? NUMERIC.filter((t) => t !== DataType.BFLOAT16) : NUMERIC;
}

/** The attributes of Max/Min (only the legacy `consumed_inputs`). */
const minMaxAttributes = { consumedInputs: attr.optionalInts('consumed_inputs', { until: 5 }) } as const;

/** Defines Max or Min (opsets 1, 6, 8, 12, 13). */
export function defineMinMax(opType: 'Max' | 'Min', fns: BinaryFns): OpDef<typeof minMaxAttributes> {
  const output = opType.toLowerCase();
  return defineOp({
    opType,
    domain: '',
    versions: [1, 6, 8, 12, 13],
    inputs: [{ name: 'data_0', variadic: true }],
    outputs: [{ name: output }],
    attributes: minMaxAttributes,
    infer(ctx) {
      if (ctx.inputs.length === 0) ctx.fail('needs at least one input');
      const types = ctx.inputs.map((type, i) => type ?? ctx.fail(`input ${i} has no known type`));
      const first = types[0] ?? ctx.fail('needs at least one input');
      types.forEach((type, i) => {
        if (type.dtype !== first.dtype)
          ctx.fail(
            `all inputs must have one type; input 0 is ${dtypeName(first.dtype)} and input ${i} is ${dtypeName(type.dtype)}`,
          );
      });
      requireDtype(first.dtype, minMaxTypes(ctx.opset), 'input 0', ctx.fail);
      const shapes = types.map((type) => type.shape);
      if (ctx.opset < 8) {
        const known = shapes.filter((s) => s !== null);
        const same = known.every(
          (s) =>
            s.length === known[0]?.length &&
            s.every((d, i) => typeof d !== 'number' || typeof known[0]?.[i] !== 'number' || d === known[0]?.[i]),
        );
        if (!same)
          ctx.fail(`before opset 8 all inputs must have the same shape, got ${shapes.map(formatShape).join(', ')}`);
      }
      return [{ dtype: first.dtype, shape: broadcastShapes(shapes, ctx.fail) }];
    },
    run(ctx) {
      const inputs = ctx.inputs.map((_, i) => requireInput(ctx, i));
      const first = inputs[0] ?? ctx.fail('needs at least one input');
      requireDtype(first.dtype, minMaxTypes(ctx.opset), 'input 0', ctx.fail);
      if (ctx.opset < 8 && inputs.some((t) => t.dims.join() !== first.dims.join())) {
        ctx.fail(
          `before opset 8 all inputs must have the same shape, got ${inputs.map((t) => t.describe()).join(', ')}`,
        );
      }
      return [variadicKernel(inputs, fns, ctx.fail)];
    },
  });
}
