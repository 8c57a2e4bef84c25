/**
 * ScatterElements (opsets 11, 13, 16, 18): a copy of `data` where, for every position `p` of `indices`, the element
 * at `p` with its coordinate along `axis` (default 0) replaced by `indices[p]` receives `updates[p]` — overwritten
 * (`reduction = none`) or combined with add/mul (from 16) or max/min (from 18). `indices` (int32/int64, negative
 * counts from the back) and `updates` have one shape, and the rank of `data`. Every type; bfloat16 from 13.
 * Spec: https://onnx.ai/onnx/operators/onnx__ScatterElements.html
 */
import { formatShape } from '../ir/dim.js';
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import {
  checkAxisOperands,
  checkAxisOperandTypes,
  checkReduction,
  forEachAxisIndex,
  reductionAttribute,
  scatterTarget,
} from './shared/scatter.js';

export const ScatterElements = defineOp({
  opType: 'ScatterElements',
  domain: '',
  versions: [11, 13, 16, 18],
  inputs: [
    { name: 'data', type: 'T' },
    { name: 'indices', type: 'Tind' },
    { name: 'updates', type: 'T' },
  ],
  outputs: [{ name: 'output', type: 'T' }],
  attributes: { axis: attr.int('axis', 0), reduction: reductionAttribute },
  types: {
    T: { types: ALL_TYPES, since: addedAt({ 13: [DataType.BFLOAT16] }) },
    Tind: { types: [DataType.INT32, DataType.INT64] },
  },
  infer(ctx) {
    const data = requireType(ctx, 0);
    const indices = requireType(ctx, 1);
    const updates = requireType(ctx, 2);
    checkReduction(ctx.attrs.reduction, ctx.opset, ctx.fail);
    checkAxisOperandTypes(data.shape, indices.shape, ctx.attrs.axis, ctx.fail);
    if (indices.shape !== null && updates.shape !== null) {
      const same =
        indices.shape.length === updates.shape.length &&
        indices.shape.every((dim, i) => {
          const other = updates.shape?.[i];
          return typeof dim !== 'number' || typeof other !== 'number' || dim === other;
        });
      if (!same)
        ctx.fail(`updates ${formatShape(updates.shape)} must have the shape of indices ${formatShape(indices.shape)}`);
    }
    return [data];
  },
  run(ctx) {
    const data = requireInput(ctx, 0);
    const indices = requireInput(ctx, 1);
    const updates = requireInput(ctx, 2);
    checkReduction(ctx.attrs.reduction, ctx.opset, ctx.fail);
    const axis = checkAxisOperands(data, indices, ctx.attrs.axis, ctx.fail);
    if (updates.dims.join(',') !== indices.dims.join(','))
      ctx.fail(`updates ${updates.describe()} must have the shape of indices ${indices.describe()}`);
    const target = scatterTarget(data, updates, ctx.attrs.reduction, ctx.fail);
    forEachAxisIndex(data, indices, axis, ctx.fail, (position, i) => target.apply(position, i));
    return [target.finish()];
  },
});
