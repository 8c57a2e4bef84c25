/**
 * Squeeze (opsets 1, 11, 13, 21, 23, 24, 25): removes size-1 dims — those at `axes` (range `[-r, r-1]`; each
 * must be 1), or every 1 when `axes` is absent. `axes` is an attribute before opset 13 and an optional second
 * input from 13.
 * Spec: https://onnx.ai/onnx/operators/onnx__Squeeze.html
 */
import { formatDim, formatShape, type Dim } from '../ir/dim.js';
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { normalizeAxis } from './shared/broadcast.js';
import { intsOf } from './shared/elementwise.js';
import { defineOp, requireInput, requireType } from './core/op.js';

/**
 * The output shape of squeezing `axes` (all 1s when undefined) out of `shape`; `null` when `axes` is absent and
 * a symbolic dim might or might not be 1.
 */
function squeezeShape<D extends Dim>(
  shape: readonly D[],
  axes: readonly number[] | undefined,
  fail: (detail: string) => never,
): D[] | null {
  if (axes === undefined) {
    if (shape.some((dim) => typeof dim !== 'number')) return null;
    return shape.filter((dim) => dim !== 1);
  }
  const positions = axes.map((axis) => normalizeAxis(axis, shape.length, 'axis', fail));
  if (new Set(positions).size !== positions.length) fail(`axes [${axes.join(', ')}] repeat an axis`);
  for (const axis of positions) {
    const dim = shape[axis];
    // A symbolic dim is taken to be 1, as the op requires.
    if (typeof dim === 'number' && dim !== 1)
      fail(`cannot squeeze axis ${axis} of ${formatShape(shape)}: its size is ${formatDim(dim)}, not 1`);
  }
  return shape.filter((_, axis) => !positions.includes(axis));
}

export const Squeeze = defineOp({
  opType: 'Squeeze',
  domain: '',
  versions: [1, 11, 13, 21, 23, 24, 25],
  inputs: [
    { name: 'data', type: 'T' },
    { name: 'axes', type: 'I', optional: true, since: 13, fromAttribute: 'axes' },
  ],
  outputs: [{ name: 'squeezed', type: 'T' }],
  attributes: { axes: attr.optionalInts('axes', { until: 12 }) },
  types: { T: { types: ALL_TYPES }, I: { types: [DataType.INT64] } },
  infer(ctx) {
    const x = requireType(ctx, 0);
    let axes = ctx.attrs.axes;
    if (ctx.opset >= 13 && ctx.inputs[1] !== undefined && ctx.inputs[1] !== null) {
      const constant = ctx.constant(1);
      if (constant === undefined) return [{ dtype: x.dtype, shape: null }];
      axes = intsOf(constant, ctx.fail);
    }
    if (x.shape === null) return [{ dtype: x.dtype, shape: null }];
    return [{ dtype: x.dtype, shape: squeezeShape(x.shape, axes, ctx.fail) }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const axesInput = ctx.inputs[1];
    const axes =
      ctx.opset >= 13
        ? axesInput === undefined || axesInput === null
          ? undefined
          : intsOf(axesInput, ctx.fail)
        : ctx.attrs.axes;
    const dims = squeezeShape(x.dims, axes, ctx.fail) ?? ctx.fail(`internal: squeezing ${x.describe()}`);
    return [x.reshape(dims)];
  },
});
