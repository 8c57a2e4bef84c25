/**
 * ReduceL1 (opsets 1, 11, 13, 18): the L1 norm `Σ |x|` over the given axes. Axes became an input at 18; 13 added
 * bfloat16. An empty reduction gives 0. Integers are exact and wrap at their width like C.
 * Spec: https://onnx.ai/onnx/operators/onnx__ReduceL1.html
 */
import { defineReduceOp, REDUCE_ARITHMETIC_TYPES } from './shared/reduce.js';

export const ReduceL1 = defineReduceOp({
  opType: 'ReduceL1',
  versions: [1, 11, 13, 18],
  axesInputSince: 18,
  kind: 'l1',
  types: REDUCE_ARITHMETIC_TYPES,
});
