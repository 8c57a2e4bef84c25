/**
 * GatherElements (opsets 11, 13): `output[i_0, ..., i_n] = data[i_0, ..., indices[i_0, ..., i_n], ..., i_n]`, the
 * index replacing the coordinate along `axis` (default 0). `data` and `indices` have the same rank; the output has
 * `indices`' shape. Indices are int32/int64 in `[-s, s-1]` for an axis of size s (negative counts from the back).
 * Every type; bfloat16 from 13.
 * Spec: https://onnx.ai/onnx/operators/onnx__GatherElements.html
 */
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { gatherElements } from './shared/elementwise.js';
import { checkAxisOperands, checkAxisOperandTypes, forEachAxisIndex } from './shared/scatter.js';

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
    checkAxisOperandTypes(data.shape, indices.shape, ctx.attrs.axis, ctx.fail);
    return [{ dtype: data.dtype, shape: indices.shape }];
  },
  run(ctx) {
    const data = requireInput(ctx, 0);
    const indices = requireInput(ctx, 1);
    const axis = checkAxisOperands(data, indices, ctx.attrs.axis, ctx.fail);
    // Output element i reads data at the coordinates of indices element i, the index standing along the axis.
    const map = new Int32Array(indices.size);
    forEachAxisIndex(data, indices, axis, ctx.fail, (source, i) => (map[i] = source));
    return [gatherElements(data, map, indices.dims)];
  },
});
