/**
 * ReduceSum (opsets 1, 11, 13): the sum over the given axes. Axes became an input (and noop_with_empty_axes
 * appeared) at 13, five opsets before the other Reduce* ops; 13 also added bfloat16. int64/uint64 (not exact in
 * the float64 kernel) are not computed.
 * Spec: https://onnx.ai/onnx/operators/onnx__ReduceSum.html
 */
import { defineReduceOp, REDUCE_NUMERIC_TYPES } from './shared/reduce.js';

export const ReduceSum = defineReduceOp({
  opType: 'ReduceSum',
  versions: [1, 11, 13],
  axesInputSince: 13,
  kind: 'sum',
  types: REDUCE_NUMERIC_TYPES,
});
