/**
 * GlobalMaxPool (opsets 1, 22): the max over all spatial positions of each (N, C) plane, keeping the spatial
 * axes as size 1. 22 added bfloat16.
 * Spec: https://onnx.ai/onnx/operators/onnx__GlobalMaxPool.html
 */
import { elementTensor, floatData } from './shared/float.js';
import { definePoolOp } from './shared/pool-op.js';
import { poolWindows } from './shared/pool-reduce.js';

export const GlobalMaxPool = definePoolOp({
  opType: 'GlobalMaxPool',
  versions: [1, 22],
  attributes: {},
  reduce: (x, windows, _attrs, fail) => {
    const pooled = poolWindows(floatData(x, fail), x.dims, windows, 'max');
    return elementTensor(x.dtype, pooled.dims, pooled.data);
  },
});
