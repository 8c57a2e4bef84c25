/**
 * ReduceMin (opsets 1, 11, 12, 13, 18, 20): the min over the given axes. Axes became an input at 18; 12 added
 * int8/uint8, 13 bfloat16, 20 bool (min of bools = logical and). NaN propagates. An empty reduction gives +inf for
 * floats, the largest value of an integer type, and true for bool. Integers (int64/uint64 too) are exact.
 * Spec: https://onnx.ai/onnx/operators/onnx__ReduceMin.html
 */
import { defineReduceOp, REDUCE_EXTREME_TYPES } from './shared/reduce.js';

export const ReduceMin = defineReduceOp({
  opType: 'ReduceMin',
  versions: [1, 11, 12, 13, 18, 20],
  axesInputSince: 18,
  kind: 'min',
  types: REDUCE_EXTREME_TYPES,
});
