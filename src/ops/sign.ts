/**
 * Sign (opsets 9, 13): -1, 0 or 1 by the sign of each element (NaN stays NaN, ±0 gives 0); every numeric type,
 * bfloat16 from 13.
 * Spec: https://onnx.ai/onnx/operators/onnx__Sign.html
 *
 * Also holds the numeric unary op factory shared with Abs.
 */
import { DataType } from '../ir/dtype.js';
import { Tensor } from '../ir/tensor.js';
import {
  bigintOutput,
  bigintsOf,
  defineUnary,
  floatUnaryTypes,
  isBigIntData,
  NUMERIC,
  numberOutput,
  numbersOf,
  type unaryAttributes,
} from './shared/elementwise.js';
import type { OpDef } from './core/op.js';

/** The per-storage functions of a numeric unary op. */
export interface NumericUnaryFns {
  /** Floats (computed in float64, rounded once on store). */
  readonly float: (value: number) => number;
  /** Number-backed integers (wrapped to the type's width on store). */
  readonly int: (value: number) => number;
  /** int64/uint64 (wrapped to 64 bits on store). */
  readonly bigint: (value: bigint) => bigint;
}

/** Element types of a numeric unary op defined from `first`: floats only until 6, all numeric after, bfloat16 from 13. */
function numericUnaryTypes(opset: number): readonly DataType[] {
  if (opset < 6) return floatUnaryTypes(opset);
  return opset < 13 ? NUMERIC.filter((t) => t !== DataType.BFLOAT16) : NUMERIC;
}

/** Defines a unary op over every numeric type (Abs, Sign). */
export function defineSignedUnary(
  opType: string,
  versions: readonly number[],
  fns: NumericUnaryFns,
): OpDef<typeof unaryAttributes> {
  return defineUnary(opType, versions, numericUnaryTypes, (x, fail) => {
    if (isBigIntData(x.data)) {
      const input = bigintsOf(x, fail);
      const out = bigintOutput(x.dtype, input.length, fail);
      for (let i = 0; i < input.length; i += 1) out[i] = fns.bigint(input[i] ?? 0n);
      return new Tensor(x.dtype, x.dims, out);
    }
    const input = numbersOf(x, fail);
    const out = numberOutput(x.dtype, input.length, fail);
    const fn =
      x.dtype === DataType.FLOAT ||
      x.dtype === DataType.DOUBLE ||
      x.dtype === DataType.FLOAT16 ||
      x.dtype === DataType.BFLOAT16
        ? fns.float
        : fns.int;
    for (let i = 0; i < input.length; i += 1) out.data[i] = fn(input[i] ?? 0);
    return out.finish(x.dims);
  });
}

/** -1, 0 or 1; NaN stays NaN and -0 becomes 0. */
function signOf(value: number): number {
  if (Number.isNaN(value)) return value;
  return value > 0 ? 1 : value < 0 ? -1 : 0;
}

export const Sign = defineSignedUnary('Sign', [9, 13], {
  float: signOf,
  int: signOf,
  bigint: (v) => (v > 0n ? 1n : v < 0n ? -1n : 0n),
});
