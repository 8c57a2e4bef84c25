/**
 * Abs (opsets 1, 6, 13): `Y = |X|`, elementwise. Floats before 6; every numeric type from 6 (unsigned values
 * pass through, the most negative signed value wraps to itself as in two's complement); bfloat16 from 13.
 * Spec: https://onnx.ai/onnx/operators/onnx__Abs.html
 */
import { defineNumericUnary } from './shared/unary.js';

export const Abs = defineNumericUnary('Abs', [1, 6, 13], {
  float: Math.abs,
  int: Math.abs,
  bigint: (v) => (v < 0n ? -v : v),
});
