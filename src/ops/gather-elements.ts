/**
 * GatherElements (opsets 11, 13): `output[i_0, ..., i_n] = data[i_0, ..., indices[i_0, ..., i_n], ..., i_n]`, the
 * index replacing the coordinate along `axis` (default 0). `data` and `indices` have the same rank; the output has
 * `indices`' shape. Indices are int32/int64 in `[-s, s-1]` for an axis of size s (negative counts from the back).
 * Every type; bfloat16 from 13.
 * Spec: https://onnx.ai/onnx/operators/onnx__GatherElements.html
 */
import { formatShape } from '../ir/dim.js';
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { stridesOf } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { normalizeAxis } from './shared/broadcast.js';
import { gatherElements, intsOf } from './shared/elementwise.js';
import { forEachIndex } from './shared/scatter.js';

export const GatherElements = defineOp({
  opType: 'GatherElements',
  domain: '',
  versions: [11, 13],
  inputs: [
    { name: 'data', type: 'T' },
    { name: 'indices', type: 'Tind' },
  ],
  outputs: [{ name: 'output', type: 'T' }],
  attributes: { axis: attr.int('axis', 0) },
  types: {
    T: { types: ALL_TYPES, since: addedAt({ 13: [DataType.BFLOAT16] }) },
    Tind: { types: [DataType.INT32, DataType.INT64] },
  },
  infer(ctx) {
    const data = requireType(ctx, 0);
    const indices = requireType(ctx, 1);
    if (data.shape !== null) {
      if (data.shape.length === 0) ctx.fail(`data must have rank >= 1, got ${formatShape(data.shape)}`);
      normalizeAxis(ctx.attrs.axis, data.shape.length, 'axis', ctx.fail);
      if (indices.shape !== null && indices.shape.length !== data.shape.length)
        ctx.fail(
          `indices ${formatShape(indices.shape)} must have the rank of data ${formatShape(data.shape)} ` +
            `(${indices.shape.length} vs ${data.shape.length})`,
        );
    }
    return [{ dtype: data.dtype, shape: indices.shape }];
  },
  run(ctx) {
    const data = requireInput(ctx, 0);
    const indices = requireInput(ctx, 1);
    const rank = data.dims.length;
    if (rank === 0) ctx.fail(`data must have rank >= 1, got ${data.describe()}`);
    const axis = normalizeAxis(ctx.attrs.axis, rank, 'axis', ctx.fail);
    if (indices.dims.length !== rank)
      ctx.fail(`indices ${indices.describe()} must have the rank of data ${data.describe()}`);
    const size = data.dims[axis] ?? 0;
    const picks = intsOf(indices, ctx.fail);
    const strides = stridesOf(data.dims);
    const map = new Int32Array(picks.length);
    forEachIndex(indices.dims, (coords, i) => {
      const pick = picks[i] ?? 0;
      if (pick < -size || pick >= size)
        ctx.fail(
          `index ${pick} at [${coords.join(', ')}] of indices ${indices.describe()} is out of range for axis ` +
            `${axis} of data ${data.describe()} (valid: ${-size}..${size - 1})`,
        );
      // Same coordinates as the output element, except along the axis, where the index is used.
      let source = 0;
      coords.forEach((c, a) => {
        if (a !== axis && c >= (data.dims[a] ?? 0))
          ctx.fail(`indices ${indices.describe()} exceed data ${data.describe()} along axis ${a}`);
        source += (a === axis ? (pick < 0 ? pick + size : pick) : c) * (strides[a] ?? 0);
      });
      map[i] = source;
    });
    return [gatherElements(data, map, indices.dims)];
  },
});
