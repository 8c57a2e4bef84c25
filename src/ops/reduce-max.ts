/**
 * ReduceMax (opsets 1, 11, 12, 13, 18, 20): the max over the given axes. Axes became an input at 18; 12 added
 * int8/uint8, 13 bfloat16, 20 bool. Empty reductions give -inf. int64/uint64 (not exact in the float64 kernel)
 * are not computed.
 * Spec: https://onnx.ai/onnx/operators/onnx__ReduceMax.html
 */
import { DataType } from '../ir/dtype.js';
import { defineReduceOp, REDUCE_EXTREME_TYPES } from './shared/reduce.js';

export const ReduceMax = defineReduceOp({
  opType: 'ReduceMax',
  versions: [1, 11, 12, 13, 18, 20],
  axesInputSince: 18,
  kind: 'max',
  types: { ...REDUCE_EXTREME_TYPES, unimplemented: [DataType.INT64, DataType.UINT64] },
});
