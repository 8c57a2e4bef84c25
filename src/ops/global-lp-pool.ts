/**
 * GlobalLpPool (opsets 1, 2, 22): `(Σ |x|^p)^(1/p)` over all spatial positions of each (N, C) plane.
 * 2 made `p` an int (opset 1's float `p` is not supported), 22 added bfloat16.
 * Spec: https://onnx.ai/onnx/operators/onnx__GlobalLpPool.html
 */
import { definePoolOp, lpAttribute, lpPoolTensor } from './shared/pool-op.js';

export const GlobalLpPool = definePoolOp({
  opType: 'GlobalLpPool',
  versions: [1, 2, 22],
  attributes: { p: lpAttribute },
  reduce: (x, windows, attrs, fail) => lpPoolTensor(x, windows, attrs.p, fail),
});
