/**
 * LpPool (opsets 1, 2, 11, 18, 22): `(Σ |x|^p)^(1/p)` over each window; padding adds 0.
 * 2 made `p` an int (opset 1's float `p` is not supported), 11 changed the pads semantics, 18 added ceil_mode
 * and dilations, 22 bfloat16.
 * Spec: https://onnx.ai/onnx/operators/onnx__LpPool.html
 *
 * The sum of |x|^p over a product of per-axis tap sets is separable, so this is: map |x|^p, separable sum, map
 * the p-th root.
 */
import type { Tensor } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { floatData } from './shared/float.js';
import { windowAttributes } from './max-pool.js';
import type { AxisGeometry } from './shared/pool-geometry.js';
import { definePoolOp } from './shared/pool-op.js';
import { poolWindows } from './shared/pool-reduce.js';
import { elementTensor } from './shared/reduce.js';

/** The `p` attribute of LpPool and GlobalLpPool (an int since opset 2). */
export const lpAttribute = attr.int('p', 2, {
  check: (v) => (v >= 1 ? undefined : `must be a positive integer, got ${v}`),
});

/** `(Σ |x|^p)^(1/p)` over the windows `axes` of `x` (shared with GlobalLpPool). */
export function lpPoolTensor(
  x: Tensor,
  axes: readonly AxisGeometry[],
  p: number,
  fail: (detail: string) => never,
): Tensor {
  const input = floatData(x, fail);
  const powered = new Float64Array(input.length);
  for (let i = 0; i < input.length; i += 1) powered[i] = Math.abs(input[i] ?? 0) ** p;
  const pooled = poolWindows(powered, x.dims, axes, 'sum');
  const root = 1 / p;
  for (let i = 0; i < pooled.data.length; i += 1) pooled.data[i] = (pooled.data[i] ?? 0) ** root;
  return elementTensor(x.dtype, pooled.dims, pooled.data);
}

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
