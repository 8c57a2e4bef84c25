/**
 * Transpose (opsets 1, 13, 21, 23, 24, 25): permutes the axes; output axis i is input axis `perm[i]`
 * (default: reversed).
 * Spec: https://onnx.ai/onnx/operators/onnx__Transpose.html
 */
import { ALL_TYPES } from '../ir/dtype.js';
import { stridesOf } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { stridedIndexMap } from './shared/broadcast.js';
import { gatherElements } from './shared/elementwise.js';
import { defineOp, requireInput, requireType } from './core/op.js';

/** The permutation in force for `rank`, validated. */
function permutation(perm: readonly number[] | undefined, rank: number, fail: (detail: string) => never): number[] {
  const result = perm === undefined ? Array.from({ length: rank }, (_, i) => rank - 1 - i) : [...perm];
  const sorted = [...result].sort((a, b) => a - b);
  if (result.length !== rank || sorted.some((axis, i) => axis !== i)) {
    fail(`perm [${result.join(', ')}] is not a permutation of the ${rank} axes 0..${rank - 1}`);
  }
  return result;
}

export const Transpose = defineOp({
  opType: 'Transpose',
  domain: '',
  versions: [1, 13, 21, 23, 24, 25],
  inputs: [{ name: 'data', type: 'T' }],
  outputs: [{ name: 'transposed', type: 'T' }],
  attributes: { perm: attr.optionalInts('perm') },
  types: { T: { types: ALL_TYPES } },
  infer(ctx) {
    const x = requireType(ctx, 0);
    if (x.shape === null) return [{ dtype: x.dtype, shape: null }];
    const shape = x.shape;
    const perm = permutation(ctx.attrs.perm, shape.length, ctx.fail);
    return [{ dtype: x.dtype, shape: perm.map((axis) => shape[axis] ?? 0) }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const perm = permutation(ctx.attrs.perm, x.dims.length, ctx.fail);
    const dims = perm.map((axis) => x.dims[axis] ?? 0);
    const inputStrides = stridesOf(x.dims);
    const strides = perm.map((axis) => inputStrides[axis] ?? 0);
    const map = stridedIndexMap(dims, strides, 0);
    return [gatherElements(x, map, dims)];
  },
});
