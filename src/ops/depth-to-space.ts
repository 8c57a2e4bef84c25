/**
 * DepthToSpace (opsets 1, 11, 13): moves channel blocks into `b × b` spatial blocks (b = `blocksize`): NCHW
 * `[N, C, H, W]` → `[N, C/b², H·b, W·b]`; C must be a multiple of b². `mode` (from 11, default DCR) orders the
 * channels: output element `(n, c, y, x)` with `y = h·b + i`, `x = w·b + j` (i, j < b) reads input channel
 *   DCR (depth-column-row): `(i·b + j)·(C/b²) + c`   (reshape [N, b, b, C/b², H, W], transpose 0,3,4,1,5,2)
 *   CRD (column-row-depth): `c·b² + i·b + j`         (reshape [N, C/b², b, b, H, W], transpose 0,1,4,2,5,3)
 * at `(n, ·, h, w)`. Every type; bfloat16 from 13.
 * Spec: https://onnx.ai/onnx/operators/onnx__DepthToSpace.html
 */
import { divDim, formatShape, mulDim } from '../ir/dim.js';
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { blockIndexMap, checkBlockInput } from './shared/block-rearrange.js';
import { gatherElements } from './shared/elementwise.js';

export const DepthToSpace = defineOp({
  opType: 'DepthToSpace',
  domain: '',
  versions: [1, 11, 13],
  inputs: [{ name: 'input', type: 'T' }],
  outputs: [{ name: 'output', type: 'T' }],
  attributes: {
    blocksize: attr.requiredInt('blocksize'),
    mode: attr.enum('mode', ['DCR', 'CRD'], 'DCR', { since: 11 }),
  },
  types: { T: { types: ALL_TYPES, since: addedAt({ 13: [DataType.BFLOAT16] }) } },
  infer(ctx) {
    const x = requireType(ctx, 0);
    if (x.shape === null) return [{ dtype: x.dtype, shape: null }];
    const b = ctx.attrs.blocksize;
    checkBlockInput(x.shape, b, ctx.fail);
    const [n = 0, c = 0, h = 0, w = 0] = x.shape;
    if (typeof c === 'number' && c % (b * b) !== 0)
      ctx.fail(`channels ${c} of input ${formatShape(x.shape)} must be a multiple of blocksize² = ${b * b}`);
    return [{ dtype: x.dtype, shape: [n, divDim(c, b * b, 'floor'), mulDim(h, b), mulDim(w, b)] }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const b = ctx.attrs.blocksize;
    checkBlockInput(x.dims, b, ctx.fail);
    const [n = 0, c = 0, h = 0, w = 0] = x.dims;
    if (c % (b * b) !== 0)
      ctx.fail(`channels ${c} of input ${x.describe()} must be a multiple of blocksize² = ${b * b}`);
    const depth = c / (b * b);
    const crd = ctx.attrs.mode === 'CRD';
    const outDims = [n, depth, h * b, w * b];
    const map = blockIndexMap(x.dims, outDims, (oc, y, xx) => {
      const [i, j] = [y % b, xx % b];
      const channel = crd ? oc * b * b + i * b + j : (i * b + j) * depth + oc;
      return [channel, Math.floor(y / b), Math.floor(xx / b)];
    });
    return [gatherElements(x, map, outDims)];
  },
});
