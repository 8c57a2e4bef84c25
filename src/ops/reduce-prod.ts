/**
 * ReduceProd (opsets 1, 11, 13, 18): the product `Π x` over the given axes. Axes became an input at 18; 13 added
 * bfloat16. An empty reduction gives 1. Integers multiply exactly and wrap at their width like C.
 * Spec: https://onnx.ai/onnx/operators/onnx__ReduceProd.html
 */
import { defineReduceOp, REDUCE_ARITHMETIC_TYPES } from './shared/reduce.js';

export const ReduceProd = defineReduceOp({
  opType: 'ReduceProd',
  versions: [1, 11, 13, 18],
  axesInputSince: 18,
  kind: 'prod',
  types: REDUCE_ARITHMETIC_TYPES,
});
