/**
 * IsInf (opsets 10, 20): a bool tensor that is true where the element is +inf (when `detect_positive`, default 1)
 * or -inf (when `detect_negative`, default 1). float/double; float16 and bfloat16 from 20 (which also adds the
 * float8 types, not held by sppkit). NaN is never infinite.
 * Spec: https://onnx.ai/onnx/operators/onnx__IsInf.html
 */
import { DataType, FLOAT_TYPES } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { floatPredicate } from './shared/float-class.js';

/** The IsInf op: `Y = (X == +inf and detect_positive) or (X == -inf and detect_negative)`. */
export const IsInf = defineOp({
  opType: 'IsInf',
  domain: '',
  versions: [10, 20],
  inputs: [{ name: 'X', type: 'T1' }],
  outputs: [{ name: 'Y', type: 'T2' }],
  attributes: {
    detectNegative: attr.int('detect_negative', 1),
    detectPositive: attr.int('detect_positive', 1),
  },
  types: {
    T1: { types: FLOAT_TYPES, since: addedAt({ 20: [DataType.FLOAT16, DataType.BFLOAT16] }) },
    T2: { types: [DataType.BOOL] },
  },
  infer(ctx) {
    return [{ dtype: DataType.BOOL, shape: requireType(ctx, 0).shape }];
  },
  run(ctx) {
    const positive = ctx.attrs.detectPositive !== 0;
    const negative = ctx.attrs.detectNegative !== 0;
    const test = (v: number): boolean => (v === Infinity && positive) || (v === -Infinity && negative);
    return [floatPredicate(requireInput(ctx, 0), test, ctx.fail)];
  },
});
