/**
 * ScatterElements (opsets 11, 13, 16, 18): a copy of `data` where, for every position `p` of `indices`, the element
 * at `p` with its coordinate along `axis` (default 0) replaced by `indices[p]` receives `updates[p]` — overwritten
 * (`reduction = none`) or combined with add/mul (from 16) or max/min (from 18). `indices` (int32/int64, negative
 * counts from the back) and `updates` have one shape, and the rank of `data`. Every type; bfloat16 from 13.
 * Spec: https://onnx.ai/onnx/operators/onnx__ScatterElements.html
 */
import { formatShape } from '../ir/dim.js';
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { stridesOf } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { normalizeAxis } from './shared/broadcast.js';
import { intsOf } from './shared/elementwise.js';
import { checkReduction, forEachIndex, reductionAttribute, scatterTarget } from './shared/scatter.js';

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
    if (data.shape !== null) {
      if (data.shape.length === 0) ctx.fail(`data must have rank >= 1, got ${formatShape(data.shape)}`);
      normalizeAxis(ctx.attrs.axis, data.shape.length, 'axis', ctx.fail);
      if (indices.shape !== null && indices.shape.length !== data.shape.length)
        ctx.fail(`indices ${formatShape(indices.shape)} must have the rank of data ${formatShape(data.shape)}`);
    }
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
    const rank = data.dims.length;
    if (rank === 0) ctx.fail(`data must have rank >= 1, got ${data.describe()}`);
    const axis = normalizeAxis(ctx.attrs.axis, rank, 'axis', ctx.fail);
    if (indices.dims.length !== rank)
      ctx.fail(`indices ${indices.describe()} must have the rank of data ${data.describe()}`);
    if (updates.dims.join(',') !== indices.dims.join(','))
      ctx.fail(`updates ${updates.describe()} must have the shape of indices ${indices.describe()}`);
    const size = data.dims[axis] ?? 0;
    const picks = intsOf(indices, ctx.fail);
    const strides = stridesOf(data.dims);
    const target = scatterTarget(data, updates, ctx.attrs.reduction, ctx.fail);
    forEachIndex(indices.dims, (coords, i) => {
      const pick = picks[i] ?? 0;
      if (pick < -size || pick >= size)
        ctx.fail(
          `index ${pick} at [${coords.join(', ')}] of indices ${indices.describe()} is out of range for axis ` +
            `${axis} of data ${data.describe()} (valid: ${-size}..${size - 1})`,
        );
      let position = 0;
      coords.forEach((c, a) => {
        if (a !== axis && c >= (data.dims[a] ?? 0))
          ctx.fail(`indices ${indices.describe()} exceed data ${data.describe()} along axis ${a}`);
        position += (a === axis ? (pick < 0 ? pick + size : pick) : c) * (strides[a] ?? 0);
      });
      target.apply(position, i);
    });
    return [target.finish()];
  },
});
