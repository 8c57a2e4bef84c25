/**
 * Unsqueeze (opsets 1, 11, 13, 21, 23, 24, 25): inserts size-1 dims at `axes`, which index the *output*
 * (range `[-r-k, r+k-1]`, no repeats). `axes` is an attribute before opset 13 and the second input from 13.
 * Spec: https://onnx.ai/onnx/operators/onnx__Unsqueeze.html
 */
import { formatShape, type Dim } from '../ir/dim.js';
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { normalizeAxis } from './shared/broadcast.js';
import { intsOf } from './shared/elementwise.js';
import { checkRankOf, defineOp, requireInput, requireType } from './core/op.js';

/** The output shape of inserting 1s at `axes` into `shape`. */
function unsqueezeShape<D extends Dim>(
  shape: readonly D[],
  axes: readonly number[],
  fail: (detail: string) => never,
): (D | 1)[] {
  const rank = shape.length + axes.length;
  const positions = new Set(axes.map((axis) => normalizeAxis(axis, rank, 'axis', fail)));
  if (positions.size !== axes.length) fail(`axes [${axes.join(', ')}] repeat an axis (output rank ${rank})`);
  const result: (D | 1)[] = [];
  let next = 0;
  for (let axis = 0; axis < rank; axis += 1) {
    if (positions.has(axis)) result.push(1);
    else {
      const dim = shape[next++];
      if (dim === undefined) return fail(`internal: unsqueezing ${formatShape(shape)} at [${axes.join(', ')}]`);
      result.push(dim);
    }
  }
  return result;
}

export const Unsqueeze = defineOp({
  opType: 'Unsqueeze',
  domain: '',
  versions: [1, 11, 13, 21, 23, 24, 25],
  inputs: [
    { name: 'data', type: 'T' },
    { name: 'axes', type: 'I', since: 13, fromAttribute: 'axes' },
  ],
  outputs: [{ name: 'expanded', type: 'T' }],
  attributes: { axes: attr.optionalInts('axes', { until: 12 }) },
  types: { T: { types: ALL_TYPES }, I: { types: [DataType.INT64] } },
  infer(ctx) {
    const x = requireType(ctx, 0);
    let axes = ctx.attrs.axes;
    if (ctx.opset >= 13) {
      requireType(ctx, 1);
      const constant = ctx.constant(1);
      if (constant === undefined) return [{ dtype: x.dtype, shape: null }];
      axes = intsOf(constant, ctx.fail);
    }
    if (axes === undefined) return ctx.fail(`needs the 'axes' attribute at opset ${ctx.opset}`);
    if (x.shape === null) return [{ dtype: x.dtype, shape: null }];
    checkRankOf(ctx, x.shape.length + axes.length, `output rank ${x.shape.length} + ${axes.length} axes`);
    return [{ dtype: x.dtype, shape: unsqueezeShape(x.shape, axes, ctx.fail) }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const axes = ctx.opset >= 13 ? intsOf(requireInput(ctx, 1), ctx.fail) : ctx.attrs.axes;
    if (axes === undefined) return ctx.fail(`needs the 'axes' attribute at opset ${ctx.opset}`);
    checkRankOf(ctx, x.dims.length + axes.length, `output rank ${x.dims.length} + ${axes.length} axes`);
    return [x.reshape(unsqueezeShape(x.dims, axes, ctx.fail))];
  },
});
