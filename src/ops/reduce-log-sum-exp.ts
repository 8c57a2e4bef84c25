/**
 * ReduceLogSumExp (opsets 1, 11, 13, 18): `log(Σ exp(x))` over the given axes, computed as `m + log(Σ exp(x - m))`
 * with `m = max x` so that large inputs do not overflow. Axes became an input at 18; 13 added bfloat16. An empty
 * reduction gives -inf. Integer results are truncated toward zero.
 * Spec: https://onnx.ai/onnx/operators/onnx__ReduceLogSumExp.html
 */
import { defineReduceOp, REDUCE_ARITHMETIC_TYPES } from './shared/reduce.js';

export const ReduceLogSumExp = defineReduceOp({
  opType: 'ReduceLogSumExp',
  versions: [1, 11, 13, 18],
  axesInputSince: 18,
  kind: 'logSumExp',
  types: REDUCE_ARITHMETIC_TYPES,
});
