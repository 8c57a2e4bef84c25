/**
 * GlobalMaxPool (opsets 1, 22): the max over all spatial positions of each (N, C) plane, keeping the spatial axes as size 1.
 * 22 added bfloat16.
 * Spec: https://onnx.ai/onnx/operators/onnx__GlobalMaxPool.html
 */
import { floatData } from './float.js';
import { defineOp, requireInput, requireType } from './op.js';
import { globalPooledShape, globalWindows } from './pool-geometry.js';
import { poolWindows } from './pool-reduce.js';
import { elementTensor, expectDtype, FLOAT_DTYPES } from './reduce.js';

export const GlobalMaxPool = defineOp({
  opType: 'GlobalMaxPool',
  domain: '',
  versions: [1, 22],
  inputs: [{ name: 'X' }],
  outputs: [{ name: 'Y' }],
  attributes: {},
  dtypes: FLOAT_DTYPES,
  infer(ctx) {
    const x = requireType(ctx, 0);
    expectDtype(x.dtype, FLOAT_DTYPES, 'input X', ctx.fail);
    return [{ dtype: x.dtype, shape: x.shape === null ? null : globalPooledShape(x.shape, ctx.fail) }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    expectDtype(x.dtype, FLOAT_DTYPES, 'input X', ctx.fail);
    if (x.dims.length < 3) ctx.fail(`input X must have rank >= 3 (N, C, spatial...), got ${x.describe()}`);
    const pooled = poolWindows(floatData(x, ctx.fail), x.dims, globalWindows(x.dims.slice(2)), 'max');
    return [elementTensor(x.dtype, pooled.dims, pooled.data)];
  },
});
