/**
 * ReduceMean (opsets 1, 11, 13, 18): the arithmetic mean over the given axes. Axes became an input at 18; 13
 * added bfloat16. int64/uint64 (not exact in the float64 kernel) are not computed.
 * Spec: https://onnx.ai/onnx/operators/onnx__ReduceMean.html
 */
import { defineReduceOp, REDUCE_NUMERIC_TYPES } from './shared/reduce.js';

export const ReduceMean = defineReduceOp({
  opType: 'ReduceMean',
  versions: [1, 11, 13, 18],
  axesInputSince: 18,
  kind: 'mean',
  types: REDUCE_NUMERIC_TYPES,
});
