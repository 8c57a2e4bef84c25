/**
 * Elu (opsets 1, 6, 22): `Y = alpha * (e^X - 1)` where `X < 0`, else `X` (alpha default 1.0, a float32
 * attribute). bfloat16 from 22. `e^X - 1` is computed as expm1, exact near 0.
 * Spec: https://onnx.ai/onnx/operators/onnx__Elu.html
 */
import { attr } from './core/attributes.js';
import { defineFloatActivation } from './shared/activation.js';

/** The Elu op: `alpha * (e^X - 1)` below 0, `X` above. */
export const Elu = defineFloatActivation({
  opType: 'Elu',
  versions: [1, 6, 22],
  bfloat16Since: 22,
  attributes: {
    alpha: attr.float('alpha', 1),
    consumedInputs: attr.optionalInts('consumed_inputs', { until: 5 }),
  },
  fn: (attrs) => {
    const alpha = Math.fround(attrs.alpha);
    return (x) => (x < 0 ? alpha * Math.expm1(x) : x);
  },
});
