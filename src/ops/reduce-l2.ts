/**
 * ReduceL2 (opsets 1, 11, 13, 18): the L2 norm `sqrt(Σ x²)` over the given axes. Axes became an input at 18; 13 added
 * bfloat16. An empty reduction gives 0. Integer results are truncated toward zero.
 * Spec: https://onnx.ai/onnx/operators/onnx__ReduceL2.html
 */
import { defineReduceOp, REDUCE_ARITHMETIC_TYPES } from './shared/reduce.js';

export const ReduceL2 = defineReduceOp({
  opType: 'ReduceL2',
  versions: [1, 11, 13, 18],
  axesInputSince: 18,
  kind: 'l2',
  types: REDUCE_ARITHMETIC_TYPES,
});
