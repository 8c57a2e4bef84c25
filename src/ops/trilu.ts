/**
 * Trilu (opset 14): the upper (`upper = 1`, default) or lower triangle of each matrix in the last two axes of
 * `input` (rank >= 2); every other element becomes zero (false, or the empty string). With the optional scalar
 * int64 `k` (default 0), element `(i, j)` is kept when `j - i >= k` (upper) or `j - i <= k` (lower): k > 0 moves
 * the diagonal up, k < 0 down. Every type.
 * Spec: https://onnx.ai/onnx/operators/onnx__Trilu.html
 */
import { formatShape } from '../ir/dim.js';
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import type { Tensor } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { gatherElements, intsOf } from './shared/elementwise.js';

/** The diagonal offset from the optional `k` input (a scalar; a one-element 1-D tensor is accepted too). */
function offsetOf(k: Tensor | null | undefined, fail: (detail: string) => never): number {
  if (k === null || k === undefined) return 0;
  const [value] = intsOf(k, fail);
  if (k.size !== 1 || k.dims.length > 1 || value === undefined) return fail(`k must be a scalar, got ${k.describe()}`);
  return value;
}

export const Trilu = defineOp({
  opType: 'Trilu',
  domain: '',
  versions: [14],
  inputs: [
    { name: 'input', type: 'T' },
    { name: 'k', type: 'I', optional: true },
  ],
  outputs: [{ name: 'output', type: 'T' }],
  attributes: { upper: attr.int('upper', 1) },
  types: { T: { types: ALL_TYPES }, I: { types: [DataType.INT64] } },
  infer(ctx) {
    const x = requireType(ctx, 0);
    if (x.shape !== null && x.shape.length < 2) ctx.fail(`input must have rank >= 2, got ${formatShape(x.shape)}`);
    const k = ctx.inputs[1];
    if (k !== null && k !== undefined && k.shape !== null && k.shape.length > 1)
      ctx.fail(`k must be a scalar, got shape ${formatShape(k.shape)}`);
    return [x];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const rank = x.dims.length;
    if (rank < 2) ctx.fail(`input must have rank >= 2, got ${x.describe()}`);
    const k = offsetOf(ctx.inputs[1], ctx.fail);
    const rows = x.dims[rank - 2] ?? 0;
    const cols = x.dims[rank - 1] ?? 0;
    const upper = ctx.attrs.upper !== 0;
    // Keep element i (map to itself) inside the triangle; -1 makes gatherElements write zero.
    const map = new Int32Array(x.size);
    for (let i = 0; i < x.size; i += 1) {
      const col = i % cols;
      const row = Math.floor(i / cols) % rows;
      const keep = upper ? col - row >= k : col - row <= k;
      map[i] = keep ? i : -1;
    }
    return [gatherElements(x, map, x.dims)];
  },
});
