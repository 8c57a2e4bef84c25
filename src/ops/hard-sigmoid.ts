/**
 * HardSigmoid (opsets 1, 6, 22): `Y = max(0, min(1, alpha * X + beta))` (alpha default 0.2, beta 0.5, float32
 * attributes). bfloat16 from 22. NaN stays NaN.
 * Spec: https://onnx.ai/onnx/operators/onnx__HardSigmoid.html
 */
import { attr } from './core/attributes.js';
import { defineFloatActivation } from './shared/activation.js';

/** The HardSigmoid op: `max(0, min(1, alpha * X + beta))`. */
export const HardSigmoid = defineFloatActivation({
  opType: 'HardSigmoid',
  versions: [1, 6, 22],
  bfloat16Since: 22,
  attributes: {
    alpha: attr.float('alpha', 0.2),
    beta: attr.float('beta', 0.5),
    consumedInputs: attr.optionalInts('consumed_inputs', { until: 5 }),
  },
  fn: (attrs) => {
    const alpha = Math.fround(attrs.alpha);
    const beta = Math.fround(attrs.beta);
    return (x) => Math.max(0, Math.min(1, alpha * x + beta));
  },
});
