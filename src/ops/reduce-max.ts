/**
 * ReduceMax (opsets 1, 11, 12, 13, 18, 20): the max over the given axes. Axes became an input at 18; 12 added
 * int8/uint8, 13 bfloat16, 20 bool. Empty reductions give -inf. int64/uint64 (not exact in the float64 kernel)
 * are not computed.
 * Spec: https://onnx.ai/onnx/operators/onnx__ReduceMax.html
 */
import { DataType, FLOAT_TYPES } from '../ir/dtype.js';
import { addedAt } from './core/types.js';
import { defineReduceOp } from './shared/reduce.js';

export const ReduceMax = defineReduceOp({
  opType: 'ReduceMax',
  versions: [1, 11, 12, 13, 18, 20],
  axesInputSince: 18,
  kind: 'max',
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
    unimplemented: [DataType.INT64, DataType.UINT64],
  },
});
