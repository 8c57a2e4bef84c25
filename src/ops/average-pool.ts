/**
 * AveragePool (opsets 1, 7, 10, 11, 19, 22): the mean over each window.
 * 7 added count_include_pad, 10 ceil_mode, 19 dilations, 22 bfloat16.
 * Spec: https://onnx.ai/onnx/operators/onnx__AveragePool.html
 *
 * Divisor: count_include_pad=0 counts the real input cells of the window; count_include_pad=1 counts the taps
 * inside the padded extent `[-pad_begin, size + pad_end)`, so the ceil-mode overhang past the end padding is not
 * counted (as PyTorch and onnxruntime do). Both are products of per-axis counts, so the mean is separable.
 */
import { attr } from './attributes.js';
import { windowAttributes } from './max-pool.js';
import { defineOp, requireInput, requireType } from './op.js';
import { pooledShape, resolveWindows } from './pool-geometry.js';
import { poolWindows } from './pool-reduce.js';
import { elementTensor, expectDtype, FLOAT_DTYPES } from './reduce.js';
import { floatData } from './float.js';

export const AveragePool = defineOp({
  opType: 'AveragePool',
  domain: '',
  versions: [1, 7, 10, 11, 19, 22],
  inputs: [{ name: 'X' }],
  outputs: [{ name: 'Y' }],
  attributes: {
    ...windowAttributes,
    ceilMode: attr.int('ceil_mode', 0, { since: 10 }),
    countIncludePad: attr.int('count_include_pad', 0, { since: 7, check: (v) => (v === 0 || v === 1 ? undefined : `must be 0 or 1, got ${v}`) }),
    dilations: attr.optionalInts('dilations', { since: 19 }),
  },
  dtypes: FLOAT_DTYPES,
  infer(ctx) {
    const x = requireType(ctx, 0);
    expectDtype(x.dtype, FLOAT_DTYPES, 'input X', ctx.fail);
    return [{ dtype: x.dtype, shape: x.shape === null ? null : pooledShape(x.shape, ctx.attrs, ctx.fail) }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    expectDtype(x.dtype, FLOAT_DTYPES, 'input X', ctx.fail);
    if (x.dims.length < 3) ctx.fail(`input X must have rank >= 3 (N, C, spatial...), got ${x.describe()}`);
    const axes = resolveWindows(x.dims.slice(2), ctx.attrs, ctx.fail);
    const pooled = poolWindows(floatData(x, ctx.fail), x.dims, axes, ctx.attrs.countIncludePad === 0 ? 'mean-exclude-pad' : 'mean-include-pad');
    return [elementTensor(x.dtype, pooled.dims, pooled.data)];
  },
});
