/**
 * Sign (opsets 9, 13): -1, 0 or 1 by the sign of each element (NaN stays NaN, ±0 gives 0); every numeric type,
 * bfloat16 from 13.
 * Spec: https://onnx.ai/onnx/operators/onnx__Sign.html
 */
import { defineNumericUnary } from './shared/unary.js';

/** -1, 0 or 1; NaN stays NaN and -0 becomes 0. */
function signOf(value: number): number {
  if (Number.isNaN(value)) return value;
  return value > 0 ? 1 : value < 0 ? -1 : 0;
}

export const Sign = defineNumericUnary('Sign', [9, 13], {
  float: signOf,
  int: signOf,
  bigint: (v) => (v > 0n ? 1n : v < 0n ? -1n : 0n),
});
