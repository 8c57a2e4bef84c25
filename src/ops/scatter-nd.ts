/**
 * ScatterND (opsets 11, 13, 16, 18): a copy of `data` (rank r) where each index tuple `indices[i_0..i_{q-2}, :]`
 * (int64, length k <= r, negative counts from the back) names a slice `data[t_0, ..., t_{k-1}, ...]` of shape
 * `data.shape[k:]` that receives `updates[i_0..i_{q-2}, ...]` — overwritten (`reduction = none`) or combined with
 * add/mul (from 16) or max/min (from 18). Shapes: `updates.shape = indices.shape[:-1] + data.shape[k:]`.
 * Every type; bfloat16 from 13.
 * Spec: https://onnx.ai/onnx/operators/onnx__ScatterND.html
 */
import { dimsEqual, formatShape, type Dim } from '../ir/dim.js';
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { stridesOf } from '../ir/tensor.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { intsOf } from './shared/elementwise.js';
import { checkReduction, reductionAttribute, scatterTarget } from './shared/scatter.js';

/** Checks the three shapes against each other; unknown (symbolic) dims are not compared. */
function checkShapes(
  data: readonly Dim[],
  indices: readonly Dim[],
  updates: readonly Dim[],
  fail: (detail: string) => never,
): void {
  const shapes = `data ${formatShape(data)}, indices ${formatShape(indices)}, updates ${formatShape(updates)}`;
  if (data.length === 0 || indices.length === 0) fail(`data and indices must have rank >= 1 (${shapes})`);
  const k = indices[indices.length - 1];
  if (typeof k !== 'number') return;
  if (k < 1 || k > data.length)
    fail(`the last dim of indices (${k}) must be between 1 and the rank of data (${shapes})`);
  const expected = [...indices.slice(0, -1), ...data.slice(k)];
  const matches =
    expected.length === updates.length &&
    expected.every((dim, i) => {
      const other = updates[i] ?? 0;
      return typeof dim !== 'number' || typeof other !== 'number' || dimsEqual(dim, other);
    });
  if (!matches)
    fail(`updates must have shape indices.shape[:-1] + data.shape[k:] = ${formatShape(expected)} (${shapes})`);
}

export const ScatterND = defineOp({
  opType: 'ScatterND',
  domain: '',
  versions: [11, 13, 16, 18],
  inputs: [
    { name: 'data', type: 'T' },
    { name: 'indices', type: 'I' },
    { name: 'updates', type: 'T' },
  ],
  outputs: [{ name: 'output', type: 'T' }],
  attributes: { reduction: reductionAttribute },
  types: {
    T: { types: ALL_TYPES, since: addedAt({ 13: [DataType.BFLOAT16] }) },
    I: { types: [DataType.INT64] },
  },
  infer(ctx) {
    const data = requireType(ctx, 0);
    const indices = requireType(ctx, 1);
    const updates = requireType(ctx, 2);
    checkReduction(ctx.attrs.reduction, ctx.opset, ctx.fail);
    if (data.shape !== null && indices.shape !== null && updates.shape !== null)
      checkShapes(data.shape, indices.shape, updates.shape, ctx.fail);
    return [data];
  },
  run(ctx) {
    const data = requireInput(ctx, 0);
    const indices = requireInput(ctx, 1);
    const updates = requireInput(ctx, 2);
    checkReduction(ctx.attrs.reduction, ctx.opset, ctx.fail);
    checkShapes(data.dims, indices.dims, updates.dims, ctx.fail);
    const k = indices.dims[indices.dims.length - 1] ?? 1;
    const strides = stridesOf(data.dims);
    // Each index tuple addresses a contiguous slice of `slice` elements (row-major: the trailing r - k dims).
    const slice = data.dims.slice(k).reduce((total, dim) => total * dim, 1);
    const tuples = indices.size / k;
    const picks = intsOf(indices, ctx.fail);
    const target = scatterTarget(data, updates, ctx.attrs.reduction, ctx.fail);
    for (let t = 0; t < tuples; t += 1) {
      let start = 0;
      for (let a = 0; a < k; a += 1) {
        const size = data.dims[a] ?? 0;
        const pick = picks[t * k + a] ?? 0;
        if (pick < -size || pick >= size)
          ctx.fail(
            `index ${pick} (tuple ${t}, position ${a} of indices ${indices.describe()}) is out of range for ` +
              `axis ${a} of data ${data.describe()} (valid: ${-size}..${size - 1})`,
          );
        start += (pick < 0 ? pick + size : pick) * (strides[a] ?? 0);
      }
      for (let e = 0; e < slice; e += 1) target.apply(start + e, t * slice + e);
    }
    return [target.finish()];
  },
});
