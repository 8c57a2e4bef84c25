/**
 * Mish (opsets 18, 22): `Y = X * tanh(softplus(X))` with `softplus(X) = ln(1 + e^X)`. bfloat16 from 22.
 * Spec: https://onnx.ai/onnx/operators/onnx__Mish.html
 */
import { defineFloatActivation } from './shared/activation.js';
import { softplus } from './shared/special-functions.js';

/** The Mish op: `X * tanh(ln(1 + e^X))`. */
export const Mish = defineFloatActivation({
  opType: 'Mish',
  versions: [18, 22],
  bfloat16Since: 22,
  attributes: {},
  fn: () => (x) => x * Math.tanh(softplus(x)),
});
