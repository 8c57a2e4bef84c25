/**
 * LRN (opsets 1, 13): local response normalisation across channels (AlexNet),
 *   square_sum[n, c, d] = Σ X[n, i, d]²  over  max(0, c - floor((size-1)/2)) <= i <= min(C-1, c + ceil((size-1)/2)),
 *   Y[n, c, d] = X[n, c, d] / (bias + alpha / size * square_sum[n, c, d])^beta.
 * alpha (1e-4), beta (0.75) and bias (1.0) are float32 attributes; size (the window, in channels) is required.
 * 13 added bfloat16.
 * Spec: https://onnx.ai/onnx/operators/onnx__LRN.html
 *
 * Shapes: X `[N, C, D1..Dk]` (k >= 0), Y as X. Computed in float64, rounded once.
 */
import { formatShape } from '../ir/dim.js';
import { DataType, FLOAT_TYPES } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { elementTensor, floatData } from './shared/float.js';

export const LRN = defineOp({
  opType: 'LRN',
  domain: '',
  versions: [1, 13],
  inputs: [{ name: 'X', type: 'T' }],
  outputs: [{ name: 'Y', type: 'T' }],
  attributes: {
    alpha: attr.float('alpha', 1e-4),
    beta: attr.float('beta', 0.75),
    bias: attr.float('bias', 1),
    size: attr.requiredInt('size', { check: (v) => (v >= 1 ? undefined : `must be a positive integer, got ${v}`) }),
  },
  types: { T: { types: FLOAT_TYPES, since: addedAt({ 13: [DataType.BFLOAT16] }) } },
  infer(ctx) {
    const x = requireType(ctx, 0);
    if (x.shape !== null && x.shape.length < 2)
      ctx.fail(`X must have rank >= 2 (N, C, ...), got ${formatShape(x.shape)}`);
    return [x];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    if (x.dims.length < 2) ctx.fail(`X must have rank >= 2 (N, C, ...), got ${x.describe()}`);
    const [batch = 1, channels = 1, ...spatial] = x.dims;
    const plane = spatial.reduce((total, dim) => total * dim, 1);
    const { size } = ctx.attrs;
    const alpha = Math.fround(ctx.attrs.alpha);
    const beta = Math.fround(ctx.attrs.beta);
    const bias = Math.fround(ctx.attrs.bias);
    const before = Math.floor((size - 1) / 2);
    const after = Math.ceil((size - 1) / 2);
    const input = floatData(x, ctx.fail);
    const out = new Float64Array(input.length);
    for (let n = 0; n < batch; n += 1) {
      for (let c = 0; c < channels; c += 1) {
        const first = Math.max(0, c - before);
        const last = Math.min(channels - 1, c + after);
        const base = (n * channels + c) * plane;
        for (let d = 0; d < plane; d += 1) {
          let squareSum = 0;
          for (let i = first; i <= last; i += 1) {
            const v = input[(n * channels + i) * plane + d] ?? 0;
            squareSum += v * v;
          }
          out[base + d] = (input[base + d] ?? 0) / Math.pow(bias + (alpha / size) * squareSum, beta);
        }
      }
    }
    return [elementTensor(x.dtype, x.dims, out)];
  },
});
