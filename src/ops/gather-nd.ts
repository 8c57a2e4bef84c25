/**
 * GatherND (opsets 11, 12, 13): gathers slices of `data` (rank r) addressed by the last axis of `indices`
 * (int64, rank q). With `b = batch_dims` (opset 12) leading dims shared by data and indices and
 * `m = indices.shape[-1]` (1 <= m <= r - b), every index tuple picks the slice
 * `data[batch..., i_0, ..., i_{m-1}, :, ...]`; negative entries count from the back of their axis.
 * Output shape: `indices.shape[:-1] + data.shape[b + m:]` (rank `q + r - m - 1 - b`). 13 added bfloat16.
 * Spec: https://onnx.ai/onnx/operators/onnx__GatherND.html
 */
import { formatShape, type Dim } from '../ir/dim.js';
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { sizeOf, stridesOf } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { gatherElements, intsOf } from './shared/elementwise.js';
import { defineOp, requireInput, requireType } from './core/op.js';

/** The GatherND geometry of a data and an indices shape; fails naming both shapes and batch_dims. */
function gatherNdShape<D extends Dim>(
  data: readonly D[],
  indices: readonly D[],
  batchDims: number,
  fail: (detail: string) => never,
): { tuple: number; output: D[] } {
  const shown = `data ${formatShape(data)}, indices ${formatShape(indices)}, batch_dims ${batchDims}`;
  if (data.length < 1 || indices.length < 1) fail(`data and indices must have rank >= 1 (${shown})`);
  if (batchDims < 0 || batchDims >= Math.min(data.length, indices.length))
    fail(`batch_dims must be in 0..min(rank(data), rank(indices)) - 1 (${shown})`);
  for (let axis = 0; axis < batchDims; axis += 1) {
    const a = data[axis];
    const b = indices[axis];
    if (typeof a === 'number' && typeof b === 'number' && a !== b)
      fail(`the first batch_dims dims of data and indices must agree; axis ${axis} differs (${shown})`);
  }
  const tuple = indices[indices.length - 1];
  if (typeof tuple !== 'number') return fail(`the last dim of indices must be known (${shown})`);
  if (tuple < 1 || tuple > data.length - batchDims)
    fail(`the last dim of indices must be in 1..rank(data) - batch_dims = ${data.length - batchDims} (${shown})`);
  return { tuple, output: [...indices.slice(0, -1), ...data.slice(batchDims + tuple)] };
}

export const GatherND = defineOp({
  opType: 'GatherND',
  domain: '',
  versions: [11, 12, 13],
  inputs: [
    { name: 'data', type: 'T' },
    { name: 'indices', type: 'I' },
  ],
  outputs: [{ name: 'output', type: 'T' }],
  attributes: { batchDims: attr.int('batch_dims', 0, { since: 12 }) },
  types: { T: { types: ALL_TYPES }, I: { types: [DataType.INT64] } },
  infer(ctx) {
    const data = requireType(ctx, 0);
    const indices = requireType(ctx, 1);
    if (data.shape === null || indices.shape === null) return [{ dtype: data.dtype, shape: null }];
    return [
      { dtype: data.dtype, shape: gatherNdShape(data.shape, indices.shape, ctx.attrs.batchDims, ctx.fail).output },
    ];
  },
  run(ctx) {
    const data = requireInput(ctx, 0);
    const indices = requireInput(ctx, 1);
    const batchDims = ctx.attrs.batchDims;
    const { tuple, output } = gatherNdShape(data.dims, indices.dims, batchDims, ctx.fail);
    const batches = sizeOf(data.dims.slice(0, batchDims));
    const tuplesPerBatch = sizeOf(indices.dims.slice(batchDims, -1));
    const indexed = data.dims.slice(batchDims, batchDims + tuple);
    const slice = sizeOf(data.dims.slice(batchDims + tuple));
    const batchStride = sizeOf(data.dims.slice(batchDims));
    const strides = stridesOf(data.dims.slice(batchDims)).slice(0, tuple);
    const picks = intsOf(indices, ctx.fail);
    const map = new Int32Array(batches * tuplesPerBatch * slice);
    let position = 0;
    for (let batch = 0; batch < batches; batch += 1) {
      for (let t = 0; t < tuplesPerBatch; t += 1) {
        const first = (batch * tuplesPerBatch + t) * tuple;
        let offset = batch * batchStride;
        for (let k = 0; k < tuple; k += 1) {
          const size = indexed[k] ?? 0;
          const raw = picks[first + k] ?? 0;
          if (raw < -size || raw >= size) {
            ctx.fail(
              `index ${raw} (entry ${k} of index tuple ${batch * tuplesPerBatch + t}) is out of range ` +
                `for axis ${batchDims + k} of data ${data.describe()} (valid: ${-size}..${size - 1})`,
            );
          }
          offset += (raw < 0 ? raw + size : raw) * (strides[k] ?? 0);
        }
        for (let j = 0; j < slice; j += 1) map[position++] = offset + j;
      }
    }
    return [gatherElements(data, map, output)];
  },
});
