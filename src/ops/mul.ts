/**
 * Mul (opsets 1, 6, 7, 13, 14): `C = A * B` with broadcasting; integers wrap at their width.
 * Spec: https://onnx.ai/onnx/operators/onnx__Mul.html
 */
import { defineArithmetic } from './shared/arithmetic.js';
import { intMul } from './shared/elementwise.js';

export const Mul = defineArithmetic('Mul', {
  float: (a, b) => a * b,
  int: intMul,
  bigint: (a, b) => a * b,
});
