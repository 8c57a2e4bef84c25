/**
 * IsNaN (opsets 9, 13, 20): a bool tensor that is true where the element is NaN. float16/float/double, bfloat16
 * from 13 (20 adds the float8 types, which sppkit does not hold). (The file name is the generator's kebab case of
 * `IsNaN`.)
 * Spec: https://onnx.ai/onnx/operators/onnx__IsNaN.html
 */
import { DataType, FLOAT_TYPES } from '../ir/dtype.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { floatPredicate } from './shared/float-class.js';

/** The IsNaN op: `Y = isnan(X)`. */
export const IsNaN = defineOp({
  opType: 'IsNaN',
  domain: '',
  versions: [9, 13, 20],
  inputs: [{ name: 'X', type: 'T1' }],
  outputs: [{ name: 'Y', type: 'T2' }],
  attributes: {},
  types: {
    T1: { types: FLOAT_TYPES, since: addedAt({ 13: [DataType.BFLOAT16] }) },
    T2: { types: [DataType.BOOL] },
  },
  infer(ctx) {
    return [{ dtype: DataType.BOOL, shape: requireType(ctx, 0).shape }];
  },
  run(ctx) {
    return [floatPredicate(requireInput(ctx, 0), Number.isNaN, ctx.fail)];
  },
});
