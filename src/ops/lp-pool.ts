/**
 * LpPool (opsets 1, 2, 11, 18, 22): `(Σ |x|^p)^(1/p)` over each window; padding adds 0.
 * 2 made `p` an int (opset 1's float `p` is not supported), 11 changed the pads semantics, 18 added ceil_mode
 * and dilations, 22 bfloat16.
 * Spec: https://onnx.ai/onnx/operators/onnx__LpPool.html
 *
 * The sum of |x|^p over a product of per-axis tap sets is separable, so this is: map |x|^p, separable sum, map
 * the p-th root.
 */
import { attr } from './core/attributes.js';
import { definePoolOp, lpAttribute, lpPoolTensor, windowAttributes } from './shared/pool-op.js';

export const LpPool = definePoolOp({
  opType: 'LpPool',
  versions: [1, 2, 11, 18, 22],
  attributes: {
    ...windowAttributes,
    p: lpAttribute,
    ceilMode: attr.int('ceil_mode', 0, { since: 18 }),
    dilations: attr.optionalInts('dilations', { since: 18 }),
  },
  window: (attrs) => attrs,
  reduce: (x, windows, attrs, fail) => lpPoolTensor(x, windows, attrs.p, fail),
});
