/**
 * Div (opsets 1, 6, 7, 13, 14): `C = A / B` with broadcasting. Integer division truncates toward zero (as C
 * and the ONNX conformance test `test_div_int32_trunc` do); an integer division by zero is refused, since the
 * spec leaves it undefined.
 * Spec: https://onnx.ai/onnx/operators/onnx__Div.html
 */
import { defineArithmetic } from './shared/arithmetic.js';

export const Div = defineArithmetic('Div', {
  float: (a, b) => a / b,
  int: (a, b, _dtype, fail) => (b === 0 ? fail(`integer division by zero (${a} / 0)`) : Math.trunc(a / b)),
  bigint: (a, b, fail) => (b === 0n ? fail(`integer division by zero (${a} / 0)`) : a / b),
});
