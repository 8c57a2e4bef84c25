/**
 * Sigmoid (opsets 1, 6, 13): `Y = 1 / (1 + exp(-X))`, evaluated in the form that cannot overflow.
 * Spec: https://onnx.ai/onnx/operators/onnx__Sigmoid.html
 */
import { defineFloatUnary } from './shared/unary.js';

export const Sigmoid = defineFloatUnary('Sigmoid', [1, 6, 13], (x) => {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
});
