/**
 * SpaceToDepth (opsets 1, 13): moves `b × b` spatial blocks into channels (b = `blocksize`), the inverse of
 * DepthToSpace in DCR mode: NCHW `[N, C, H, W]` → `[N, C·b², H/b, W/b]`; H and W must be multiples of b. Output
 * element `(n, (i·b + j)·C + c, h, w)` (i, j < b) is input element `(n, c, h·b + i, w·b + j)` (reshape
 * [N, C, H/b, b, W/b, b], transpose 0,3,5,1,2,4). Every type; bfloat16 from 13.
 * Spec: https://onnx.ai/onnx/operators/onnx__SpaceToDepth.html
 */
import { divDim, formatShape, mulDim } from '../ir/dim.js';
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { blockIndexMap, checkBlockInput } from './shared/block-rearrange.js';
import { gatherElements } from './shared/elementwise.js';

export const SpaceToDepth = defineOp({
  opType: 'SpaceToDepth',
  domain: '',
  versions: [1, 13],
  inputs: [{ name: 'input', type: 'T' }],
  outputs: [{ name: 'output', type: 'T' }],
  attributes: { blocksize: attr.requiredInt('blocksize') },
  types: { T: { types: ALL_TYPES, since: addedAt({ 13: [DataType.BFLOAT16] }) } },
  infer(ctx) {
    const x = requireType(ctx, 0);
    if (x.shape === null) return [{ dtype: x.dtype, shape: null }];
    const b = ctx.attrs.blocksize;
    checkBlockInput(x.shape, b, ctx.fail);
    const [n = 0, c = 0, h = 0, w = 0] = x.shape;
    for (const [name, dim] of [
      ['height', h],
      ['width', w],
    ] as const)
      if (typeof dim === 'number' && dim % b !== 0)
        ctx.fail(`${name} ${dim} of input ${formatShape(x.shape)} must be a multiple of blocksize ${b}`);
    return [{ dtype: x.dtype, shape: [n, mulDim(c, b * b), divDim(h, b, 'floor'), divDim(w, b, 'floor')] }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const b = ctx.attrs.blocksize;
    checkBlockInput(x.dims, b, ctx.fail);
    const [n = 0, c = 0, h = 0, w = 0] = x.dims;
    if (h % b !== 0 || w % b !== 0)
      ctx.fail(`height ${h} and width ${w} of input ${x.describe()} must be multiples of blocksize ${b}`);
    const outDims = [n, c * b * b, h / b, w / b];
    const map = blockIndexMap(x.dims, outDims, (oc, y, xx) => {
      // Output channel oc = (i·b + j)·C + c.
      const block = Math.floor(oc / c);
      const [i, j] = [Math.floor(block / b), block % b];
      return [oc % c, y * b + i, xx * b + j];
    });
    return [gatherElements(x, map, outDims)];
  },
});
