/**
 * Pow (opsets 1, 7, 12, 13, 15): `Z = X ^ Y` elementwise, with broadcasting (numpy rules from opset 7; opset 1 took
 * the legacy `broadcast`/`axis` attributes). Z has X's type. Until 11 X and Y share one float type; from 12 the
 * exponent has its own type variable T1 (every numeric type) and X may also be int32/int64; 13 adds bfloat16 to X,
 * 15 to Y.
 *
 * Semantics, as C's `pow` and numpy's `power` followed by a cast to X's type:
 * - float X: `pow(x, y)` in float64 (Y converted to float64), rounded once; C99 Annex F edge cases, which
 *   differ from JavaScript's Math.pow: `pow(1, y) = 1` and `pow(-1, ±inf) = 1` even for NaN/inf exponents.
 * - integer X, integer Y: the exact integer power, wrapping like C multiplication in X's width; a negative
 *   exponent gives the truncated `1 / x^|y|` (1 for x = 1, ±1 for x = -1, 0 otherwise; 0 to a negative power is
 *   refused, being a division by zero).
 * - integer X, float Y: `pow(x, y)` in float64, truncated toward zero (NaN gives 0; ±inf saturates int64 and
 *   gives 0 for int32, as Cast does).
 * Spec: https://onnx.ai/onnx/operators/onnx__Pow.html
 */
import { DataType, isFloatType, NUMERIC_TYPES } from '../ir/dtype.js';
import { Tensor } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { broadcastConcrete, broadcastIndexMap, broadcastShapes, legacyBroadcastShape } from './shared/broadcast.js';
import { bigintOutput, isBigIntData, numberOutput, numbersOf } from './shared/elementwise.js';

/** The first opset with numpy broadcasting (and without the legacy attributes). */
const NUMPY_BROADCAST_OPSET = 7;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** `pow` with C99 Annex F edge cases (JavaScript's Math.pow gives NaN for both). */
function powC(x: number, y: number): number {
  if (x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

/**
 * `base ^ exponent` for integers, wrapped to `bits` (two's complement) after every multiplication, which is what
 * C's repeated multiplication gives; exponentiation by squaring (`b^e = (b²)^(e/2) · b^(e mod 2)`).
 */
function intPower(base: bigint, exponent: bigint, bits: number, fail: (detail: string) => never): bigint {
  if (exponent < 0n) {
    // 1 / base^|e|, truncated toward zero.
    if (base === 1n) return 1n;
    if (base === -1n) return exponent % 2n === 0n ? 1n : -1n;
    if (base === 0n) return fail(`integer 0 raised to the negative power ${exponent} (a division by zero)`);
    return 0n;
  }
  let result = 1n;
  let square = BigInt.asIntN(bits, base);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if ((e & 1n) === 1n) result = BigInt.asIntN(bits, result * square);
    square = BigInt.asIntN(bits, square * square);
  }
  return result;
}

/** A float result truncated to int64 as Cast does: NaN → 0, ±inf saturated. */
function toInt64(value: number): bigint {
  if (Number.isNaN(value)) return 0n;
  if (value === Infinity) return INT64_MAX;
  if (value === -Infinity) return INT64_MIN;
  return BigInt.asIntN(64, BigInt(Math.trunc(value)));
}

/** Reads element `i` of a tensor as a BigInt (integer tensors only) or a number (any numeric tensor). */
interface Reader {
  readonly big: (i: number) => bigint;
  readonly num: (i: number) => number;
}

function readerOf(t: Tensor, fail: (detail: string) => never): Reader {
  const data = t.data;
  if (isBigIntData(data)) return { big: (i) => data[i] ?? 0n, num: (i) => Number(data[i] ?? 0n) };
  const numbers = numbersOf(t, fail);
  return { big: (i) => BigInt(numbers[i] ?? 0), num: (i) => numbers[i] ?? 0 };
}

/** The Pow kernel on tensors already broadcast-compatible. */
function powKernel(x: Tensor, y: Tensor, fail: (detail: string) => never): Tensor {
  const dims = broadcastConcrete([x.dims, y.dims], fail);
  const mapX = broadcastIndexMap(x.dims, dims);
  const mapY = broadcastIndexMap(y.dims, dims);
  const size = mapX.length;
  const base = readerOf(x, fail);
  const exponent = readerOf(y, fail);
  const integerExponent = !isFloatType(y.dtype);
  const at = (map: Int32Array, i: number): number => map[i] ?? 0;
  if (x.dtype === DataType.INT64) {
    const out = bigintOutput(x.dtype, size, fail);
    for (let i = 0; i < size; i += 1) {
      out[i] = integerExponent
        ? intPower(base.big(at(mapX, i)), exponent.big(at(mapY, i)), 64, fail)
        : toInt64(powC(base.num(at(mapX, i)), exponent.num(at(mapY, i))));
    }
    return new Tensor(x.dtype, dims, out);
  }
  const out = numberOutput(x.dtype, size, fail);
  for (let i = 0; i < size; i += 1) {
    if (x.dtype === DataType.INT32) {
      const value = integerExponent
        ? Number(intPower(base.big(at(mapX, i)), exponent.big(at(mapY, i)), 32, fail))
        : powC(base.num(at(mapX, i)), exponent.num(at(mapY, i)));
      // Truncated toward zero; NaN and ±inf give 0; the Int32Array store wraps the rest.
      out.data[i] = Number.isFinite(value) ? Math.trunc(value) : 0;
    } else {
      out.data[i] = powC(base.num(at(mapX, i)), exponent.num(at(mapY, i)));
    }
  }
  return out.finish(dims);
}

/** The Pow op: `X ^ Y`, broadcasting, in X's type. */
export const Pow = defineOp({
  opType: 'Pow',
  domain: '',
  versions: [1, 7, 12, 13, 15],
  inputs: [
    { name: 'X', type: 'T' },
    { name: 'Y', type: 'T1' },
  ],
  outputs: [{ name: 'Z', type: 'T' }],
  attributes: {
    broadcast: attr.int('broadcast', 0, { until: 6 }),
    axis: attr.optionalInt('axis', { until: 6 }),
  },
  types: {
    T: {
      types: [DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16, DataType.INT32, DataType.INT64],
      since: addedAt({ 12: [DataType.INT32, DataType.INT64], 13: [DataType.BFLOAT16] }),
    },
    T1: { types: NUMERIC_TYPES, since: addedAt({ 15: [DataType.BFLOAT16] }), splitFrom: { variable: 'T', since: 12 } },
  },
  infer(ctx) {
    const x = requireType(ctx, 0);
    const y = requireType(ctx, 1);
    if (ctx.opset < NUMPY_BROADCAST_OPSET && x.shape !== null && y.shape !== null) {
      legacyBroadcastShape(x.shape, y.shape, ctx.attrs.broadcast, ctx.attrs.axis, ctx.fail);
      return [{ dtype: x.dtype, shape: x.shape }];
    }
    return [{ dtype: x.dtype, shape: broadcastShapes([x.shape, y.shape], ctx.fail) }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    let y = requireInput(ctx, 1);
    if (ctx.opset < NUMPY_BROADCAST_OPSET) {
      // Y's shape padded with 1s to X's rank, so that numpy broadcasting then applies it to X.
      const shape = legacyBroadcastShape(x.dims, y.dims, ctx.attrs.broadcast, ctx.attrs.axis, ctx.fail);
      y = y.reshape(shape.map((dim) => (typeof dim === 'number' ? dim : 1)));
    }
    return [powKernel(x, y, ctx.fail)];
  },
});
