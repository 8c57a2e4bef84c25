/**
 * InstanceNormalization (opsets 1, 6, 22): normalises every channel of every image on its own,
 * `y = scale[c] * (x - mean[n, c]) / sqrt(var[n, c] + epsilon) + B[c]`, with the mean and (population) variance
 * taken over the spatial axes of `x[n, c]`. 6 dropped consumed_inputs, 22 added bfloat16.
 * Spec: https://onnx.ai/onnx/operators/onnx__InstanceNormalization.html
 *
 * Shapes: input `[N, C, D1..Dn]` (n >= 1), scale and B `[C]`, output as the input. Statistics in float64, the
 * output rounded once.
 */
import { formatShape } from '../ir/dim.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { elementTensor, floatData } from './shared/float.js';
import { float32Attribute, standardizeRows } from './shared/normalization.js';
import { POOL_TYPES } from './shared/pool-op.js';

/** Names of the per-channel inputs, in input order after the data. */
const CHANNEL_INPUTS = ['scale', 'B'] as const;

export const InstanceNormalization = defineOp({
  opType: 'InstanceNormalization',
  domain: '',
  versions: [1, 6, 22],
  inputs: [
    { name: 'input', type: 'T' },
    { name: 'scale', type: 'T' },
    { name: 'B', type: 'T' },
  ],
  outputs: [{ name: 'output', type: 'T' }],
  attributes: {
    epsilon: attr.float('epsilon', 1e-5),
    consumedInputs: attr.optionalInts('consumed_inputs', { until: 5 }),
  },
  // float16/float/double; bfloat16 from 22 (the same list as the pooling ops).
  types: { T: POOL_TYPES },
  infer(ctx) {
    const x = requireType(ctx, 0);
    if (x.shape === null) return [{ dtype: x.dtype, shape: null }];
    if (x.shape.length < 3) ctx.fail(`input must have rank >= 3 (N, C, spatial...), got ${formatShape(x.shape)}`);
    const channels = x.shape[1];
    CHANNEL_INPUTS.forEach((name, i) => {
      const shape = requireType(ctx, i + 1).shape;
      if (shape === null) return;
      if (shape.length !== 1 || (typeof shape[0] === 'number' && typeof channels === 'number' && shape[0] !== channels))
        ctx.fail(
          `${name} must have shape [C] = [${String(channels)}] for input ${formatShape(x.shape)}, ` +
            `got ${formatShape(shape)}`,
        );
    });
    return [{ dtype: x.dtype, shape: x.shape }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    if (x.dims.length < 3) ctx.fail(`input must have rank >= 3 (N, C, spatial...), got ${x.describe()}`);
    const [batch = 1, channels = 1, ...spatial] = x.dims;
    const [scale, bias] = CHANNEL_INPUTS.map((name, i) => {
      const tensor = requireInput(ctx, i + 1);
      if (tensor.dims.length !== 1 || tensor.dims[0] !== channels)
        ctx.fail(`${name} must have shape [${channels}] for input ${x.describe()}, got ${tensor.describe()}`);
      return floatData(tensor, ctx.fail);
    });
    if (scale === undefined || bias === undefined) return ctx.fail('internal: missing per-channel input');
    const plane = spatial.reduce((size, dim) => size * dim, 1);
    const epsilon = float32Attribute(ctx.attrs.epsilon);
    // Each (n, c) plane is one contiguous run.
    const { normalized } = standardizeRows(floatData(x, ctx.fail), batch * channels, plane, epsilon);
    for (let row = 0; row < batch * channels; row += 1) {
      const c = row % channels;
      const factor = scale[c] ?? 0;
      const shift = bias[c] ?? 0;
      for (let i = row * plane; i < (row + 1) * plane; i += 1) normalized[i] = (normalized[i] ?? 0) * factor + shift;
    }
    return [elementTensor(x.dtype, x.dims, normalized)];
  },
});
