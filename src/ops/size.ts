/**
 * Size (opsets 1, 13, 19, 21, 23, 24, 25): the number of elements of the input, as an int64 scalar (1 for a scalar
 * input, 0 for an empty one). Any element type; bfloat16 from 13 (later versions add types sppkit does not hold).
 * Spec: https://onnx.ai/onnx/operators/onnx__Size.html
 */
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { Tensor } from '../ir/tensor.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';

/** The Size op: the element count as an int64 scalar. */
export const Size = defineOp({
  opType: 'Size',
  domain: '',
  versions: [1, 13, 19, 21, 23, 24, 25],
  inputs: [{ name: 'data', type: 'T' }],
  outputs: [{ name: 'size', type: 'T1' }],
  attributes: {},
  types: { T: { types: ALL_TYPES, since: addedAt({ 13: [DataType.BFLOAT16] }) }, T1: { types: [DataType.INT64] } },
  infer(ctx) {
    requireType(ctx, 0);
    return [{ dtype: DataType.INT64, shape: [] }];
  },
  run(ctx) {
    return [Tensor.int64([], [requireInput(ctx, 0).size])];
  },
});
