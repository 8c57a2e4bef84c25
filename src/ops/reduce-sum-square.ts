/**
 * ReduceSumSquare (opsets 1, 11, 13, 18): the sum of squares `Σ x²` over the given axes. Axes became an input at 18;
 * 13 added bfloat16. An empty reduction gives 0. Integers are exact and wrap at their width like C.
 * Spec: https://onnx.ai/onnx/operators/onnx__ReduceSumSquare.html
 */
import { defineReduceOp, REDUCE_ARITHMETIC_TYPES } from './shared/reduce.js';

export const ReduceSumSquare = defineReduceOp({
  opType: 'ReduceSumSquare',
  versions: [1, 11, 13, 18],
  axesInputSince: 18,
  kind: 'sumSquare',
  types: REDUCE_ARITHMETIC_TYPES,
});
