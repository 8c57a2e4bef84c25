/**
 * LeakyRelu (opsets 1, 6, 16): `Y = X` where `X >= 0`, else `alpha * X` (alpha default 0.01, a float32
 * attribute). bfloat16 from 16.
 * Spec: https://onnx.ai/onnx/operators/onnx__LeakyRelu.html
 */
import { DataType, FLOAT_TYPES } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { mapFloat } from './shared/elementwise.js';

export const LeakyRelu = defineOp({
  opType: 'LeakyRelu',
  domain: '',
  versions: [1, 6, 16],
  inputs: [{ name: 'X', type: 'T' }],
  outputs: [{ name: 'Y', type: 'T' }],
  attributes: {
    alpha: attr.float('alpha', 0.01),
    consumedInputs: attr.optionalInts('consumed_inputs', { until: 5 }),
  },
  types: { T: { types: FLOAT_TYPES, since: addedAt({ 16: [DataType.BFLOAT16] }) } },
  infer(ctx) {
    return [requireType(ctx, 0)];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    // ONNX float attributes are float32: use the value a serialised model would carry.
    const alpha = Math.fround(ctx.attrs.alpha);
    return [mapFloat(x, (v) => (v >= 0 ? v : alpha * v), ctx.fail)];
  },
});
