/**
 * Not (opset 1): the logical negation of a bool tensor, elementwise.
 * Spec: https://onnx.ai/onnx/operators/onnx__Not.html
 */
import { DataType } from '../ir/dtype.js';
import { Tensor } from '../ir/tensor.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { numbersOf } from './shared/elementwise.js';

/** The Not op: `Y = !X` on bools. */
export const Not = defineOp({
  opType: 'Not',
  domain: '',
  versions: [1],
  inputs: [{ name: 'X', type: 'T' }],
  outputs: [{ name: 'Y', type: 'T' }],
  attributes: {},
  types: { T: { types: [DataType.BOOL] } },
  infer(ctx) {
    return [requireType(ctx, 0)];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const input = numbersOf(x, ctx.fail);
    const out = new Uint8Array(input.length);
    for (let i = 0; i < out.length; i += 1) out[i] = input[i] === 0 ? 1 : 0;
    return [new Tensor(DataType.BOOL, x.dims, out)];
  },
});
