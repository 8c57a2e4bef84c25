/**
 * AveragePool (opsets 1, 7, 10, 11, 19, 22): the mean over each window.
 * 7 added count_include_pad, 10 ceil_mode, 19 dilations, 22 bfloat16.
 * Spec: https://onnx.ai/onnx/operators/onnx__AveragePool.html
 *
 * Divisor: count_include_pad=0 counts the real input cells of the window; count_include_pad=1 counts the taps
 * inside the padded extent `[-pad_begin, size + pad_end)`, so the ceil-mode overhang past the end padding is not
 * counted (as PyTorch and onnxruntime do). Both are products of per-axis counts, so the mean is separable.
 */
import { attr } from './core/attributes.js';
import { elementTensor, floatData } from './shared/float.js';
import { definePoolOp, windowAttributes } from './shared/pool-op.js';
import { poolWindows } from './shared/pool-reduce.js';

export const AveragePool = definePoolOp({
  opType: 'AveragePool',
  versions: [1, 7, 10, 11, 19, 22],
  attributes: {
    ...windowAttributes,
    ceilMode: attr.int('ceil_mode', 0, { since: 10 }),
    countIncludePad: attr.int('count_include_pad', 0, {
      since: 7,
      check: (v) => (v === 0 || v === 1 ? undefined : `must be 0 or 1, got ${v}`),
    }),
    dilations: attr.optionalInts('dilations', { since: 19 }),
  },
  window: (attrs) => attrs,
  reduce: (x, windows, attrs, fail) => {
    const pooled = poolWindows(
      floatData(x, fail),
      x.dims,
      windows,
      attrs.countIncludePad === 0 ? 'mean-exclude-pad' : 'mean-include-pad',
    );
    return elementTensor(x.dtype, pooled.dims, pooled.data);
  },
});
