/**
 * MaxPool (opsets 1, 8, 10, 11, 12, 22): the max over each window; padding never wins.
 * 8 added the Indices output and storage_order, 10 ceil_mode and dilations, 12 int8/uint8, 22 bfloat16.
 * Spec: https://onnx.ai/onnx/operators/onnx__MaxPool.html
 *
 * Y is computed separably (a max over a product of per-axis tap sets is a max per axis in turn). Indices needs
 * the position of the winner, so it is computed directly: each window's taps in row-major order, the first
 * maximum wins. An index is flat over the whole input, batch and channel included:
 * `(n*C + c) * prod(spatial) + s`, where `s` is the row-major offset of the spatial position for
 * storage_order=0 and the column-major one (first spatial axis fastest) for storage_order=1.
 */
import { DataType, FLOAT_TYPES } from '../ir/dtype.js';
import { Tensor } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { elementData, elementTensor } from './shared/float.js';
import { axisTaps, pooledShape, resolveWindows, type AxisGeometry } from './shared/pool-geometry.js';
import { guardPoolWork, windowAttributes } from './shared/pool-op.js';
import { poolWindows, type FloatArray } from './shared/pool-reduce.js';

/** Row-major (storage_order 0) or column-major (1) offset weights of the spatial axes. */
function spatialWeights(spatial: readonly number[], storageOrder: number): number[] {
  const weights = new Array<number>(spatial.length).fill(1);
  if (storageOrder === 0) {
    for (let axis = spatial.length - 2; axis >= 0; axis -= 1)
      weights[axis] = (weights[axis + 1] ?? 1) * (spatial[axis + 1] ?? 1);
  } else {
    for (let axis = 1; axis < spatial.length; axis += 1)
      weights[axis] = (weights[axis - 1] ?? 1) * (spatial[axis - 1] ?? 1);
  }
  return weights;
}

/** Max and argmax of every window, computed directly (not separably). */
function maxPoolWithIndices(
  data: FloatArray,
  dims: readonly number[],
  axes: readonly AxisGeometry[],
  storageOrder: number,
): { values: Float64Array; indices: BigInt64Array } {
  const spatial = dims.slice(2);
  const rank = spatial.length;
  const taps = axes.map(axisTaps);
  const planes = (dims[0] ?? 1) * (dims[1] ?? 1);
  const planeSize = spatial.reduce((a, b) => a * b, 1);
  const outPlane = axes.reduce((size, axis) => size * axis.outSize, 1);
  const rowMajor = spatialWeights(spatial, 0);
  const reported = spatialWeights(spatial, storageOrder);
  const values = new Float64Array(planes * outPlane);
  const indices = new BigInt64Array(planes * outPlane);
  const position = new Array<number>(rank).fill(0);
  const cursor = new Array<number>(rank).fill(0);
  for (let o = 0; o < outPlane; o += 1) {
    // Output position of flat index o (row-major over the output spatial dims).
    let rest = o;
    for (let axis = rank - 1; axis >= 0; axis -= 1) {
      const size = axes[axis]?.outSize ?? 1;
      position[axis] = rest % size;
      rest = Math.floor(rest / size);
    }
    const ranges = taps.map((t, axis) => ({
      first: t.offsets[position[axis] ?? 0] ?? 0,
      last: t.offsets[(position[axis] ?? 0) + 1] ?? 0,
      list: t.indices,
    }));
    if (ranges.some((range) => range.first === range.last)) continue;
    for (let plane = 0; plane < planes; plane += 1) {
      const base = plane * planeSize;
      let best = -Infinity;
      let bestOffset = -1;
      ranges.forEach((range, axis) => {
        cursor[axis] = range.first;
      });
      for (;;) {
        let inOffset = 0;
        for (let axis = 0; axis < rank; axis += 1)
          inOffset += (ranges[axis]?.list[cursor[axis] ?? 0] ?? 0) * (rowMajor[axis] ?? 0);
        const value = data[base + inOffset] ?? 0;
        if (bestOffset < 0 || value > best || (Number.isNaN(value) && !Number.isNaN(best))) {
          best = value;
          bestOffset = inOffset;
        }
        let axis = rank - 1;
        for (; axis >= 0; axis -= 1) {
          const next = (cursor[axis] ?? 0) + 1;
          if (next < (ranges[axis]?.last ?? 0)) {
            cursor[axis] = next;
            break;
          }
          cursor[axis] = ranges[axis]?.first ?? 0;
        }
        if (axis < 0) break;
      }
      let reportedOffset = 0;
      let remaining = bestOffset;
      for (let axis = 0; axis < rank; axis += 1) {
        const coordinate = Math.floor(remaining / (rowMajor[axis] ?? 1));
        remaining -= coordinate * (rowMajor[axis] ?? 1);
        reportedOffset += coordinate * (reported[axis] ?? 0);
      }
      values[plane * outPlane + o] = best;
      indices[plane * outPlane + o] = BigInt(base + reportedOffset);
    }
  }
  return { values, indices };
}

export const MaxPool = defineOp({
  opType: 'MaxPool',
  domain: '',
  versions: [1, 8, 10, 11, 12, 22],
  inputs: [{ name: 'X', type: 'T' }],
  outputs: [
    { name: 'Y', type: 'T' },
    { name: 'Indices', type: 'I', optional: true, since: 8 },
  ],
  attributes: {
    ...windowAttributes,
    ceilMode: attr.int('ceil_mode', 0, { since: 10 }),
    dilations: attr.optionalInts('dilations', { since: 10 }),
    storageOrder: attr.int('storage_order', 0, {
      since: 8,
      check: (v) => (v === 0 || v === 1 ? undefined : `must be 0 or 1, got ${v}`),
    }),
  },
  types: {
    T: {
      types: [...FLOAT_TYPES, DataType.INT8, DataType.UINT8],
      since: addedAt({ 12: [DataType.INT8, DataType.UINT8], 22: [DataType.BFLOAT16] }),
    },
    I: { types: [DataType.INT64] },
  },
  infer(ctx) {
    const x = requireType(ctx, 0);
    if (ctx.outputCount > 1 && ctx.opset < 8)
      ctx.fail(`the Indices output needs opset 8 or later, the model has opset ${ctx.opset}`);
    const shape = x.shape === null ? null : pooledShape(x.shape, ctx.attrs, ctx.fail);
    return [
      { dtype: x.dtype, shape },
      { dtype: DataType.INT64, shape },
    ].slice(0, ctx.outputCount);
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    if (x.dims.length < 3) ctx.fail(`input X must have rank >= 3 (N, C, spatial...), got ${x.describe()}`);
    const axes = resolveWindows(x.dims.slice(2), ctx.attrs, ctx.fail);
    const data = elementData(x, ctx.fail);
    const outDims = [x.dims[0] ?? 1, x.dims[1] ?? 1, ...axes.map((axis) => axis.outSize)];
    guardPoolWork(ctx, x.dims, axes, ctx.outputCount > 1 ? 'direct' : 'separable');
    if (ctx.outputCount > 1) {
      const { values, indices } = maxPoolWithIndices(data, x.dims, axes, ctx.attrs.storageOrder);
      return [elementTensor(x.dtype, outDims, values), new Tensor(DataType.INT64, outDims, indices)];
    }
    const pooled = poolWindows(data, x.dims, axes, 'max');
    return [elementTensor(x.dtype, pooled.dims, pooled.data)];
  },
});
