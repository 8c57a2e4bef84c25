/**
 * Identity (opsets 1, 13, 14, 16, 19, 21, 23): passes its input through.
 * Spec: https://onnx.ai/onnx/operators/onnx__Identity.html
 */
import { ALL_TYPES } from '../ir/dtype.js';
import { defineOp, requireInput, requireType } from './core/op.js';

export const Identity = defineOp({
  opType: 'Identity',
  domain: '',
  versions: [1, 13, 14, 16, 19, 21, 23],
  inputs: [{ name: 'input', type: 'V' }],
  outputs: [{ name: 'output', type: 'V' }],
  attributes: {},
  types: { V: { types: ALL_TYPES } },
  infer(ctx) {
    return [requireType(ctx, 0)];
  },
  run(ctx) {
    return [requireInput(ctx, 0)];
  },
});
