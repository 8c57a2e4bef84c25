/**
 * Constant (opsets 1, 9, 11, 12, 13, 19, 21, 23, 24, 25): outputs the tensor given by exactly one attribute.
 * 1 had only `value`; 9 widened the types; 11 added `sparse_value`; 12 added `value_float(s)`, `value_int(s)`
 * and `value_string(s)` (scalar for the singular forms, 1-D for the plural ones; float32, int64, string);
 * 13 and later only added element types.
 * Spec: https://onnx.ai/onnx/operators/onnx__Constant.html
 *
 * sparse_value is kept by the IR only as opaque bytes, so it is refused with a clear message.
 */
import { ALL_TYPES } from '../ir/dtype.js';
import { defineOp } from './core/op.js';
import { constantAttributes, constantTensor } from './shared/constant-value.js';

export const Constant = defineOp({
  opType: 'Constant',
  domain: '',
  versions: [1, 9, 11, 12, 13, 19, 21, 23, 24, 25],
  inputs: [],
  outputs: [{ name: 'output', type: 'T' }],
  attributes: constantAttributes,
  types: { T: { types: ALL_TYPES } },
  infer(ctx) {
    const tensor = constantTensor(ctx.attrs, ctx.fail);
    return [{ dtype: tensor.dtype, shape: [...tensor.dims] }];
  },
  run(ctx) {
    return [constantTensor(ctx.attrs, ctx.fail)];
  },
});
