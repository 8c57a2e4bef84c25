/**
 * Sub (opsets 1, 6, 7, 13, 14): `C = A - B` with broadcasting; integers wrap at their width.
 * Spec: https://onnx.ai/onnx/operators/onnx__Sub.html
 */
import { defineArithmetic } from './shared/arithmetic.js';

export const Sub = defineArithmetic('Sub', {
  float: (a, b) => a - b,
  int: (a, b) => a - b,
  bigint: (a, b) => a - b,
});
