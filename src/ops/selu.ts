/**
 * Selu (opsets 1, 6, 22): `Y = gamma * (alpha * e^X - alpha)` where `X <= 0`, else `gamma * X`. The defaults are
 * the float32 values of the self-normalising constants, alpha = 1.67326319217681884765625 and
 * gamma = 1.05070102214813232421875. bfloat16 from 22. `alpha * e^X - alpha` is computed as `alpha * expm1(X)`.
 * Spec: https://onnx.ai/onnx/operators/onnx__Selu.html
 */
import { attr } from './core/attributes.js';
import { defineFloatActivation } from './shared/activation.js';

/** The spec's default alpha (a float32 value). */
const SELU_ALPHA = 1.67326319217681884765625;
/** The spec's default gamma (a float32 value). */
const SELU_GAMMA = 1.05070102214813232421875;

/** The Selu op: the scaled exponential linear unit. */
export const Selu = defineFloatActivation({
  opType: 'Selu',
  versions: [1, 6, 22],
  bfloat16Since: 22,
  attributes: {
    alpha: attr.float('alpha', SELU_ALPHA),
    gamma: attr.float('gamma', SELU_GAMMA),
    consumedInputs: attr.optionalInts('consumed_inputs', { until: 5 }),
  },
  fn: (attrs) => {
    const alpha = Math.fround(attrs.alpha);
    const gamma = Math.fround(attrs.gamma);
    return (x) => (x > 0 ? gamma * x : gamma * alpha * Math.expm1(x));
  },
});
