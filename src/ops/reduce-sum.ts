/**
 * ReduceSum (opsets 1, 11, 13): the sum over the given axes. Axes became an input (and noop_with_empty_axes
 * appeared) at 13, five opsets before the other Reduce* ops.
 * Spec: https://onnx.ai/onnx/operators/onnx__ReduceSum.html
 */
import { defineReduceOp, FLOAT_DTYPES, SMALL_INT_DTYPES } from './shared/reduce.js';

export const ReduceSum = defineReduceOp({
  opType: 'ReduceSum',
  versions: [1, 11, 13],
  axesInputSince: 13,
  kind: 'sum',
  dtypes: [...FLOAT_DTYPES, ...SMALL_INT_DTYPES],
});
