/**
 * BatchNormalization (opsets 1, 6, 7, 9, 14, 15), inference mode only:
 * `Y = (X - mean) / sqrt(var + epsilon) * scale + B`, per channel (axis 1).
 * 6 dropped consumed_inputs, 7 dropped is_test, 9 dropped `spatial` (per-channel statistics only), 14 added
 * training_mode, 15 let scale/B and mean/var have different float types.
 * Spec: https://onnx.ai/onnx/operators/onnx__BatchNormalization.html
 *
 * Training (training_mode=1, or is_test=0 with the running-statistics outputs requested) and `spatial=0` are
 * refused with an UnsupportedError.
 */
import { formatShape } from '../ir/dim.js';
import { DataType, FLOAT_TYPES } from '../ir/dtype.js';
import { describeNode, UnsupportedError } from '../ir/errors.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { elementTensor, floatData } from './shared/float.js';

/** The float types of every input: float16/float/double, bfloat16 from opset 14. */
const FLOAT_CONSTRAINT = { types: FLOAT_TYPES, since: addedAt({ 14: [DataType.BFLOAT16] }) };

/** Names of the four per-channel inputs, in input order after X. */
const CHANNEL_INPUTS = ['scale', 'B', 'input_mean', 'input_var'] as const;

/** Refuses what the reference kernel does not implement: training and per-activation (`spatial=0`) statistics. */
function checkInferenceMode(
  node: { readonly opType: string; readonly name: string },
  attrs: { readonly trainingMode: number; readonly spatial: number },
  outputCount: number,
): void {
  if (attrs.trainingMode !== 0)
    throw new UnsupportedError(
      `${describeNode(node)}: training_mode=1 (batch statistics) is not supported; only inference mode is`,
    );
  if (attrs.spatial === 0)
    throw new UnsupportedError(`${describeNode(node)}: spatial=0 (per-activation statistics) is not supported`);
  if (outputCount > 1)
    throw new UnsupportedError(
      `${describeNode(node)}: the running/saved statistics outputs (${outputCount - 1} requested) ` +
        'exist only in training mode, which is not supported',
    );
}

export const BatchNormalization = defineOp({
  opType: 'BatchNormalization',
  domain: '',
  versions: [1, 6, 7, 9, 14, 15],
  inputs: [
    { name: 'X', type: 'T' },
    { name: 'scale', type: 'T1' },
    { name: 'B', type: 'T1' },
    { name: 'input_mean', type: 'T2' },
    { name: 'input_var', type: 'T2' },
  ],
  outputs: [
    { name: 'Y', type: 'T' },
    { name: 'running_mean', type: 'T2', optional: true },
    { name: 'running_var', type: 'T2', optional: true },
    { name: 'saved_mean', type: 'T', optional: true, until: 13 },
    { name: 'saved_var', type: 'T', optional: true, until: 13 },
  ],
  attributes: {
    epsilon: attr.float('epsilon', 1e-5),
    momentum: attr.float('momentum', 0.9),
    consumedInputs: attr.optionalInts('consumed_inputs', { until: 5 }),
    isTest: attr.int('is_test', 0, { until: 6 }),
    spatial: attr.int('spatial', 1, { until: 8 }),
    trainingMode: attr.int('training_mode', 0, { since: 14 }),
  },
  // One type T before opset 15; from 15 scale/B (T1) and the statistics (T2) may differ from X.
  types: {
    T: FLOAT_CONSTRAINT,
    T1: { ...FLOAT_CONSTRAINT, splitFrom: { variable: 'T', since: 15 } },
    T2: { ...FLOAT_CONSTRAINT, splitFrom: { variable: 'T', since: 15 } },
  },
  infer(ctx) {
    checkInferenceMode(ctx.node, ctx.attrs, ctx.outputCount);
    const x = requireType(ctx, 0);
    if (x.shape !== null && x.shape.length < 2)
      ctx.fail(`input X must have rank >= 2 (N, C, ...), got ${formatShape(x.shape)}`);
    const channels = x.shape?.[1];
    CHANNEL_INPUTS.forEach((name, i) => {
      const shape = requireType(ctx, i + 1).shape;
      if (shape === null) return;
      if (
        shape.length !== 1 ||
        (typeof shape[0] === 'number' && typeof channels === 'number' && shape[0] !== channels)
      ) {
        ctx.fail(
          `input ${name} must have shape [C] = [${String(channels)}] for X ${formatShape(x.shape)}, ` +
            `got ${formatShape(shape)}`,
        );
      }
    });
    return [{ dtype: x.dtype, shape: x.shape }];
  },
  run(ctx) {
    checkInferenceMode(ctx.node, ctx.attrs, ctx.outputCount);
    const x = requireInput(ctx, 0);
    if (x.dims.length < 2) ctx.fail(`input X must have rank >= 2 (N, C, ...), got ${x.describe()}`);
    const [batch = 1, channels = 1, ...rest] = x.dims;
    const [scale, bias, mean, variance] = CHANNEL_INPUTS.map((name, i) => {
      const tensor = requireInput(ctx, i + 1);
      if (tensor.dims.length !== 1 || tensor.dims[0] !== channels)
        ctx.fail(`input ${name} must have shape [${channels}] for X ${x.describe()}, got ${tensor.describe()}`);
      return floatData(tensor, ctx.fail);
    });
    if (scale === undefined || bias === undefined || mean === undefined || variance === undefined)
      return ctx.fail('internal: missing per-channel input');
    const plane = rest.reduce((size, dim) => size * dim, 1);
    const input = floatData(x, ctx.fail);
    const out = new Float64Array(input.length);
    for (let c = 0; c < channels; c += 1) {
      // y = x * factor + shift, with factor = scale / sqrt(var + eps) and shift = B - mean * factor.
      const factor = (scale[c] ?? 0) / Math.sqrt((variance[c] ?? 0) + ctx.attrs.epsilon);
      const centre = mean[c] ?? 0;
      const shift = bias[c] ?? 0;
      for (let n = 0; n < batch; n += 1) {
        const start = (n * channels + c) * plane;
        for (let i = start; i < start + plane; i += 1) out[i] = ((input[i] ?? 0) - centre) * factor + shift;
      }
    }
    return [elementTensor(x.dtype, x.dims, out)];
  },
});
