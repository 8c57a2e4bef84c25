/**
 * GroupNormalization (opsets 18, 21): splits the C channels into `num_groups` groups of `C / num_groups`
 * consecutive channels and standardises each group of each image over its channels and spatial positions,
 *   y = (x - mean[n, g]) / sqrt(var[n, g] + epsilon) * scale[.] + bias[.]
 * The affine step differs by version: opset 18 has one scale/bias per group (`scale[g]`, shape `[num_groups]`),
 * opset 21 one per channel (`scale[c]`, shape `[C]`) and adds stash_type (the precision of the statistics: float,
 * bfloat16, float16 or double).
 * Spec: https://onnx.ai/onnx/operators/onnx__GroupNormalization.html
 *
 * Shapes: X `[N, C, D1..Dn]` (n >= 0), Y as X. sppkit computes the statistics in float64 whatever the stash type
 * and rounds Y once.
 */
import { formatShape } from '../ir/dim.js';
import { DataType, FLOAT_TYPES } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { elementTensor, floatData } from './shared/float.js';
import { float32Attribute, GROUP_NORM_STASH_TYPES, stashType, standardizeRows } from './shared/normalization.js';

/** The opset from which scale and bias are per channel instead of per group. */
const PER_CHANNEL_SINCE = 21;

/** Names of the affine inputs, in input order after X. */
const AFFINE_INPUTS = ['scale', 'bias'] as const;

export const GroupNormalization = defineOp({
  opType: 'GroupNormalization',
  domain: '',
  versions: [18, PER_CHANNEL_SINCE],
  inputs: [
    { name: 'X', type: 'T' },
    { name: 'scale', type: 'T' },
    { name: 'bias', type: 'T' },
  ],
  outputs: [{ name: 'Y', type: 'T' }],
  attributes: {
    epsilon: attr.float('epsilon', 1e-5),
    numGroups: attr.requiredInt('num_groups', { check: (v) => (v >= 1 ? undefined : `must be >= 1, got ${v}`) }),
    stashType: attr.int('stash_type', DataType.FLOAT, { since: PER_CHANNEL_SINCE }),
  },
  types: { T: { types: FLOAT_TYPES } },
  infer(ctx) {
    const x = requireType(ctx, 0);
    stashType(ctx.attrs.stashType, GROUP_NORM_STASH_TYPES, ctx.fail);
    if (x.shape === null) return [{ dtype: x.dtype, shape: null }];
    const groups = ctx.attrs.numGroups;
    if (x.shape.length < 2) ctx.fail(`X must have rank >= 2 (N, C, ...), got ${formatShape(x.shape)}`);
    const channels = x.shape[1];
    if (typeof channels === 'number' && channels % groups !== 0)
      ctx.fail(`the channels of X ${formatShape(x.shape)} (C=${channels}) must be divisible by num_groups=${groups}`);
    const perChannel = ctx.opset >= PER_CHANNEL_SINCE;
    const size = perChannel ? channels : groups;
    AFFINE_INPUTS.forEach((name, i) => {
      const shape = requireType(ctx, i + 1).shape;
      if (shape === null) return;
      if (shape.length !== 1 || (typeof shape[0] === 'number' && typeof size === 'number' && shape[0] !== size))
        ctx.fail(
          `${name} must have shape [${perChannel ? 'C' : 'num_groups'}] = [${String(size)}] at opset ${ctx.opset} ` +
            `for X ${formatShape(x.shape)}, got ${formatShape(shape)}`,
        );
    });
    return [{ dtype: x.dtype, shape: x.shape }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    stashType(ctx.attrs.stashType, GROUP_NORM_STASH_TYPES, ctx.fail);
    const groups = ctx.attrs.numGroups;
    if (x.dims.length < 2) ctx.fail(`X must have rank >= 2 (N, C, ...), got ${x.describe()}`);
    const [batch = 1, channels = 1, ...spatial] = x.dims;
    if (channels % groups !== 0)
      ctx.fail(`the channels of X ${formatShape(x.dims)} (C=${channels}) must be divisible by num_groups=${groups}`);
    const perChannel = ctx.opset >= PER_CHANNEL_SINCE;
    const size = perChannel ? channels : groups;
    const [scale, bias] = AFFINE_INPUTS.map((name, i) => {
      const tensor = requireInput(ctx, i + 1);
      if (tensor.dims.length !== 1 || tensor.dims[0] !== size)
        ctx.fail(
          `${name} must have shape [${perChannel ? 'C' : 'num_groups'}] = [${size}] at opset ${ctx.opset} ` +
            `for X ${formatShape(x.dims)}, got ${formatShape(tensor.dims)}`,
        );
      return floatData(tensor, ctx.fail);
    });
    if (scale === undefined || bias === undefined) return ctx.fail('internal: missing affine input');
    const plane = spatial.reduce((total, dim) => total * dim, 1);
    const perGroup = channels / groups;
    // The channels of one group of one image are one contiguous run of perGroup * plane elements.
    const { normalized } = standardizeRows(
      floatData(x, ctx.fail),
      batch * groups,
      perGroup * plane,
      float32Attribute(ctx.attrs.epsilon),
    );
    for (let n = 0; n < batch; n += 1) {
      for (let c = 0; c < channels; c += 1) {
        const index = perChannel ? c : Math.floor(c / perGroup);
        const factor = scale[index] ?? 0;
        const shift = bias[index] ?? 0;
        const start = (n * channels + c) * plane;
        for (let i = start; i < start + plane; i += 1) normalized[i] = (normalized[i] ?? 0) * factor + shift;
      }
    }
    return [elementTensor(x.dtype, x.dims, normalized)];
  },
});
