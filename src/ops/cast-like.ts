/**
 * CastLike (opsets 15, 19, 21, 23, 24, 25): casts `input` to the element type of `target_type` (whose values are
 * not read), with Cast's rules: float → integer truncates toward zero, anything → bool is `value != 0`,
 * float16/bfloat16 round to nearest even. `saturate` (19) and `round_mode` (24) concern only float8 targets, which
 * sppkit does not hold; string casts are refused as Cast refuses them.
 * Spec: https://onnx.ai/onnx/operators/onnx__CastLike.html
 */
import { ALL_TYPES } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { Cast } from './cast.js';

/** The CastLike op: Cast with `to` taken from the second input's type. */
export const CastLike = defineOp({
  opType: 'CastLike',
  domain: '',
  versions: [15, 19, 21, 23, 24, 25],
  inputs: [
    { name: 'input', type: 'T1' },
    { name: 'target_type', type: 'T2' },
  ],
  outputs: [{ name: 'output', type: 'T2' }],
  attributes: {
    saturate: attr.int('saturate', 1, { since: 19 }),
    roundMode: attr.enum('round_mode', ['up', 'down', 'nearest'] as const, 'up', { since: 24 }),
  },
  types: { T1: { types: ALL_TYPES }, T2: { types: ALL_TYPES } },
  infer(ctx) {
    const x = requireType(ctx, 0);
    const like = requireType(ctx, 1);
    return [{ dtype: like.dtype, shape: x.shape }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const like = requireInput(ctx, 1);
    // Cast's kernel, with `to` = the target's type.
    const attrs = { to: like.dtype, saturate: ctx.attrs.saturate, roundMode: ctx.attrs.roundMode };
    return Cast.run({ ...ctx, attrs, inputs: [x], outputCount: 1 });
  },
});
