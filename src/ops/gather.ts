/**
 * Gather (opsets 1, 11, 13): picks entries of `data` along `axis` (default 0) at `indices` (int32/int64;
 * negative counts from the back, valid range `[-s, s-1]` for axis size s). Output shape:
 * `data.shape[:axis] + indices.shape + data.shape[axis+1:]`.
 * Spec: https://onnx.ai/onnx/operators/onnx__Gather.html
 */
import { formatShape } from '../ir/dim.js';
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { normalizeAxis } from './shared/broadcast.js';
import { gatherElements, intsOf } from './shared/elementwise.js';
import { defineOp, requireInput, requireType } from './core/op.js';

/** Resolves every index against an axis of size `size`, failing on the first out of range. */
function resolveIndices(
  indices: readonly number[],
  size: number,
  axis: number,
  fail: (detail: string) => never,
): number[] {
  return indices.map((index) => {
    if (index < -size || index >= size)
      fail(`index ${index} is out of range for axis ${axis} of size ${size} (valid: ${-size}..${size - 1})`);
    return index < 0 ? index + size : index;
  });
}

export const Gather = defineOp({
  opType: 'Gather',
  domain: '',
  versions: [1, 11, 13],
  inputs: [
    { name: 'data', type: 'T' },
    { name: 'indices', type: 'Tind' },
  ],
  outputs: [{ name: 'output', type: 'T' }],
  attributes: { axis: attr.int('axis', 0) },
  types: { T: { types: ALL_TYPES }, Tind: { types: [DataType.INT32, DataType.INT64] } },
  infer(ctx) {
    const data = requireType(ctx, 0);
    const indices = requireType(ctx, 1);
    if (data.shape === null) return [{ dtype: data.dtype, shape: null }];
    if (data.shape.length === 0) ctx.fail(`data must have rank >= 1, got ${formatShape(data.shape)}`);
    const axis = normalizeAxis(ctx.attrs.axis, data.shape.length, 'axis', ctx.fail);
    const size = data.shape[axis];
    const constant = ctx.constant(1);
    if (constant !== undefined && typeof size === 'number')
      resolveIndices(intsOf(constant, ctx.fail), size, axis, ctx.fail);
    if (indices.shape === null) return [{ dtype: data.dtype, shape: null }];
    return [
      { dtype: data.dtype, shape: [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)] },
    ];
  },
  run(ctx) {
    const data = requireInput(ctx, 0);
    const indices = requireInput(ctx, 1);
    if (data.dims.length === 0) ctx.fail(`data must have rank >= 1, got ${data.describe()}`);
    const axis = normalizeAxis(ctx.attrs.axis, data.dims.length, 'axis', ctx.fail);
    const size = data.dims[axis] ?? 0;
    const picks = resolveIndices(intsOf(indices, ctx.fail), size, axis, ctx.fail);
    const outer = data.dims.slice(0, axis).reduce((total, dim) => total * dim, 1);
    const inner = data.dims.slice(axis + 1).reduce((total, dim) => total * dim, 1);
    const map = new Int32Array(outer * picks.length * inner);
    let position = 0;
    for (let o = 0; o < outer; o += 1) {
      for (const pick of picks) {
        const base = (o * size + pick) * inner;
        for (let j = 0; j < inner; j += 1) map[position++] = base + j;
      }
    }
    return [gatherElements(data, map, [...data.dims.slice(0, axis), ...indices.dims, ...data.dims.slice(axis + 1)])];
  },
});
