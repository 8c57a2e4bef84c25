/**
 * ReduceMean (opsets 1, 11, 13, 18): the arithmetic mean over the given axes. Axes became an input at 18.
 * Spec: https://onnx.ai/onnx/operators/onnx__ReduceMean.html
 */
import { defineReduceOp, FLOAT_DTYPES, SMALL_INT_DTYPES } from './shared/reduce.js';

export const ReduceMean = defineReduceOp({
  opType: 'ReduceMean',
  versions: [1, 11, 13, 18],
  axesInputSince: 18,
  kind: 'mean',
  dtypes: [...FLOAT_DTYPES, ...SMALL_INT_DTYPES],
});
