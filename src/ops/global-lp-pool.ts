/**
 * GlobalLpPool (opsets 1, 2, 22): `(Σ |x|^p)^(1/p)` over all spatial positions of each (N, C) plane.
 * 2 made `p` an int (opset 1's float `p` is not supported), 22 added bfloat16.
 * Spec: https://onnx.ai/onnx/operators/onnx__GlobalLpPool.html
 */
import { lpAttribute, lpPoolTensor } from './lp-pool.js';
import { defineOp, requireInput, requireType } from './op.js';
import { globalPooledShape, globalWindows } from './pool-geometry.js';
import { expectDtype, FLOAT_DTYPES } from './reduce.js';

export const GlobalLpPool = defineOp({
  opType: 'GlobalLpPool',
  domain: '',
  versions: [1, 2, 22],
  inputs: [{ name: 'X' }],
  outputs: [{ name: 'Y' }],
  attributes: { p: lpAttribute },
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
    return [lpPoolTensor(x, globalWindows(x.dims.slice(2)), ctx.attrs.p, ctx.fail)];
  },
});
