/**
 * ReduceMax (opsets 1, 11, 12, 13, 18, 20): the max over the given axes. Axes became an input at 18; 12 added
 * int8/uint8, 20 added bool. Empty reductions give -inf.
 * Spec: https://onnx.ai/onnx/operators/onnx__ReduceMax.html
 */
import { DataType } from '../ir/dtype.js';
import { defineReduceOp, FLOAT_DTYPES, SMALL_INT_DTYPES } from './shared/reduce.js';

export const ReduceMax = defineReduceOp({
  opType: 'ReduceMax',
  versions: [1, 11, 12, 13, 18, 20],
  axesInputSince: 18,
  kind: 'max',
  dtypes: [...FLOAT_DTYPES, ...SMALL_INT_DTYPES, DataType.BOOL],
  dtypeSince: new Map([
    [DataType.INT8, 12],
    [DataType.UINT8, 12],
    [DataType.BOOL, 20],
  ]),
});
