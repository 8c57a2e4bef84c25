/**
 * ReduceLogSum (opsets 1, 11, 13, 18): the log of the sum `log(Σ x)` over the given axes. Axes became an input at 18;
 * 13 added bfloat16. An empty reduction gives -inf. Integer results are truncated toward zero.
 * Spec: https://onnx.ai/onnx/operators/onnx__ReduceLogSum.html
 */
import { defineReduceOp, REDUCE_ARITHMETIC_TYPES } from './shared/reduce.js';

export const ReduceLogSum = defineReduceOp({
  opType: 'ReduceLogSum',
  versions: [1, 11, 13, 18],
  axesInputSince: 18,
  kind: 'logSum',
  types: REDUCE_ARITHMETIC_TYPES,
});
