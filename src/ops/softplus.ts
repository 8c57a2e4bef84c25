/**
 * Softplus (opsets 1, 22): `Y = ln(e^X + 1)`. bfloat16 from 22. Computed without overflow as
 * `max(X, 0) + log1p(e^-|X|)` (equal to the formula: ln(e^x + 1) = x + ln(1 + e^-x) for x > 0).
 * Spec: https://onnx.ai/onnx/operators/onnx__Softplus.html
 */
import { defineFloatActivation } from './shared/activation.js';
import { softplus } from './shared/special-functions.js';

/** The Softplus op: `ln(e^X + 1)`. */
export const Softplus = defineFloatActivation({
  opType: 'Softplus',
  versions: [1, 22],
  bfloat16Since: 22,
  attributes: {},
  fn: () => softplus,
});
