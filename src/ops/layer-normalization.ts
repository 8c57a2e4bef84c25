/**
 * LayerNormalization (opset 17): standardises X over its trailing axes `[axis, rank)`, then scales and shifts,
 *   mean = ReduceMean(X, axes),  invStdDev = 1 / sqrt(ReduceMean((X - mean)²) + epsilon),
 *   Y = (X - mean) * invStdDev * Scale + B,
 * with the optional outputs Mean and InvStdDev of shape `X.shape[:axis] + [1] * (rank - axis)` and element type
 * `stash_type` (float or bfloat16, type variable U). Scale and B broadcast to X (numpy rules, one-directional;
 * usually they have the normalised shape `X.shape[axis:]`).
 * Spec: https://onnx.ai/onnx/operators/onnx__LayerNormalization.html
 *
 * The statistics are computed in float64 whatever the stash type (sppkit's rule: compute in float64, round once);
 * Y is rounded once to T, Mean and InvStdDev once to U.
 */
import { formatShape, type Dim } from '../ir/dim.js';
import { DataType, FLOAT_TYPES } from '../ir/dtype.js';
import type { Tensor } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { broadcastIndexMap, normalizeAxis } from './shared/broadcast.js';
import { elementTensor, floatData } from './shared/float.js';
import { float32Attribute, LAYER_NORM_STASH_TYPES, stashType, standardizeRows } from './shared/normalization.js';

/** Names of the inputs that broadcast to X, by input index. */
const AFFINE_INPUTS = { 1: 'Scale', 2: 'B' } as const;

/** Refuses a Scale/B shape that does not broadcast one-directionally to X's shape. */
function checkAffineShape(
  name: string,
  shape: readonly Dim[],
  target: readonly Dim[],
  fail: (detail: string) => never,
): void {
  const offset = target.length - shape.length;
  const bad =
    offset < 0 ||
    shape.some((dim, i) => {
      const want = target[offset + i];
      return typeof dim === 'number' && typeof want === 'number' && dim !== 1 && dim !== want;
    });
  if (bad) fail(`${name} ${formatShape(shape)} does not broadcast to X ${formatShape(target)}`);
}

export const LayerNormalization = defineOp({
  opType: 'LayerNormalization',
  domain: '',
  versions: [17],
  inputs: [
    { name: 'X', type: 'T' },
    { name: 'Scale', type: 'T' },
    { name: 'B', type: 'T', optional: true },
  ],
  outputs: [
    { name: 'Y', type: 'T' },
    { name: 'Mean', type: 'U', optional: true },
    { name: 'InvStdDev', type: 'U', optional: true },
  ],
  attributes: {
    axis: attr.int('axis', -1),
    epsilon: attr.float('epsilon', 1e-5),
    stashType: attr.int('stash_type', DataType.FLOAT),
  },
  types: { T: { types: FLOAT_TYPES }, U: { types: LAYER_NORM_STASH_TYPES } },
  infer(ctx) {
    const x = requireType(ctx, 0);
    const statsType = stashType(ctx.attrs.stashType, LAYER_NORM_STASH_TYPES, ctx.fail);
    const shape = x.shape;
    if (shape === null)
      return [x.dtype, statsType, statsType].slice(0, ctx.outputCount).map((dtype) => ({ dtype, shape: null }));
    const axis = normalizeAxis(ctx.attrs.axis, shape.length, 'axis', ctx.fail);
    for (const [index, name] of Object.entries(AFFINE_INPUTS)) {
      const affine = ctx.inputs[Number(index)]?.shape;
      if (affine !== null && affine !== undefined) checkAffineShape(name, affine, shape, ctx.fail);
    }
    const reduced = shape.map((dim, i) => (i < axis ? dim : 1));
    return [
      { dtype: x.dtype, shape },
      { dtype: statsType, shape: reduced },
      { dtype: statsType, shape: reduced },
    ].slice(0, ctx.outputCount);
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const statsType = stashType(ctx.attrs.stashType, LAYER_NORM_STASH_TYPES, ctx.fail);
    const axis = normalizeAxis(ctx.attrs.axis, x.dims.length, 'axis', ctx.fail);
    const rows = x.dims.slice(0, axis).reduce((size, dim) => size * dim, 1);
    const cols = x.dims.slice(axis).reduce((size, dim) => size * dim, 1);
    const { normalized, mean, invStdDev } = standardizeRows(
      floatData(x, ctx.fail),
      rows,
      cols,
      float32Attribute(ctx.attrs.epsilon),
    );
    const scale = requireInput(ctx, 1);
    const bias = ctx.inputs[2] ?? null;
    const affine = [scale, bias].map((tensor, i) => {
      if (tensor === null) return null;
      checkAffineShape(i === 0 ? 'Scale' : 'B', tensor.dims, x.dims, ctx.fail);
      return { data: floatData(tensor, ctx.fail), map: broadcastIndexMap(tensor.dims, x.dims) };
    });
    const [factor = null, shift = null] = affine;
    const y = new Float64Array(normalized.length);
    for (let i = 0; i < y.length; i += 1) {
      const scaled = (normalized[i] ?? 0) * (factor === null ? 1 : (factor.data[factor.map[i] ?? 0] ?? 0));
      y[i] = shift === null ? scaled : scaled + (shift.data[shift.map[i] ?? 0] ?? 0);
    }
    const reduced = x.dims.map((dim, i) => (i < axis ? dim : 1));
    const outputs: Tensor[] = [
      elementTensor(x.dtype, x.dims, y),
      elementTensor(statsType, reduced, mean),
      elementTensor(statsType, reduced, invStdDev),
    ];
    return outputs.slice(0, ctx.outputCount);
  },
});
