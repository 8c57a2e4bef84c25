/**
 * ReduceMin (opsets 1, 11, 12, 13, 18, 20): the min over the given axes. Axes became an input at 18; 12 added
 * int8/uint8, 13 bfloat16, 20 bool (min of bools = logical and). NaN propagates. An empty reduction gives +inf for
 * floats, the largest value of an integer type, and true for bool. Integers (int64/uint64 too) are exact.
 * Spec: https://onnx.ai/onnx/operators/onnx__ReduceMin.html
 */
import { DataType, FLOAT_TYPES } from '../ir/dtype.js';
import { addedAt } from './core/types.js';
import { defineReduceOp } from './shared/reduce.js';

export const ReduceMin = defineReduceOp({
  opType: 'ReduceMin',
  versions: [1, 11, 12, 13, 18, 20],
  axesInputSince: 18,
  kind: 'min',
  types: {
    types: [
      ...FLOAT_TYPES,
      DataType.INT32,
      DataType.INT64,
      DataType.UINT32,
      DataType.UINT64,
      DataType.INT8,
      DataType.UINT8,
      DataType.BOOL,
    ],
    since: addedAt({ 12: [DataType.INT8, DataType.UINT8], 13: [DataType.BFLOAT16], 20: [DataType.BOOL] }),
  },
});
