/**
 * HardSwish (opsets 14, 22): `Y = X * max(0, min(1, alpha * X + beta))` with the fixed alpha = 1/6 and
 * beta = 0.5 (no attributes), i.e. `X * HardSigmoid(X)` with those constants. bfloat16 from 22. NaN stays NaN.
 * Spec: https://onnx.ai/onnx/operators/onnx__HardSwish.html
 */
import { defineFloatActivation } from './shared/activation.js';

/** The spec's fixed slope. */
const ALPHA = 1 / 6;
/** The spec's fixed offset. */
const BETA = 0.5;

/** The HardSwish op: `X * max(0, min(1, X / 6 + 0.5))`. */
export const HardSwish = defineFloatActivation({
  opType: 'HardSwish',
  versions: [14, 22],
  bfloat16Since: 22,
  attributes: {},
  fn: () => (x) => x * Math.max(0, Math.min(1, ALPHA * x + BETA)),
});
