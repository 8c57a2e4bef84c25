/**
 * Gelu (opset 20): the Gaussian error linear unit. `approximate = 'none'` (default):
 * `Y = 0.5 * X * (1 + erf(X / sqrt(2)))`; `approximate = 'tanh'`:
 * `Y = 0.5 * X * (1 + tanh(sqrt(2 / pi) * (X + 0.044715 * X^3)))`. float16/float/double/bfloat16.
 * Spec: https://onnx.ai/onnx/operators/onnx__Gelu.html
 */
import { attr } from './core/attributes.js';
import { defineFloatActivation } from './shared/activation.js';
import { erf } from './shared/special-functions.js';

/** The cubic coefficient of the tanh approximation. */
const TANH_CUBIC = 0.044715;
/** sqrt(2 / pi). */
const SQRT_TWO_OVER_PI = Math.sqrt(2 / Math.PI);

/** The Gelu op: `X * Φ(X)`, exactly or by the tanh approximation. */
export const Gelu = defineFloatActivation({
  opType: 'Gelu',
  versions: [20],
  bfloat16Since: 20,
  attributes: { approximate: attr.enum('approximate', ['none', 'tanh'] as const, 'none') },
  fn: (attrs) =>
    attrs.approximate === 'tanh'
      ? (x) => 0.5 * x * (1 + Math.tanh(SQRT_TWO_OVER_PI * (x + TANH_CUBIC * x * x * x)))
      : (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
});
