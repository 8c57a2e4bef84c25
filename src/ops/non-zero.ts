/**
 * NonZero (opsets 9, 13): the coordinates of the non-zero elements of `X`, as an int64 tensor of shape
 * `[rank, count]` whose column j holds the coordinates of the j-th non-zero element in row-major order (numpy's
 * `nonzero`, stacked). Non-zero means `!== 0` for numbers (NaN counts, -0 does not), true for bool, and non-empty
 * for strings. A scalar is treated as a 1-element 1-D tensor (numpy's `atleast_1d`), giving shape `[1, count]`.
 * Every type; bfloat16 from 13. The count is data-dependent: inference knows it only for a constant input.
 * Spec: https://onnx.ai/onnx/operators/onnx__NonZero.html
 */
import { SymDim } from '../ir/dim.js';
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { Tensor } from '../ir/tensor.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { isBigIntData } from './shared/elementwise.js';

/** The flat positions of the non-zero elements of `x`. */
function nonZeroPositions(x: Tensor): number[] {
  const data = x.data;
  const positions: number[] = [];
  if (Array.isArray(data)) data.forEach((value, i) => value !== '' && positions.push(i));
  else if (isBigIntData(data)) data.forEach((value, i) => value !== 0n && positions.push(i));
  else if (x.dtype === DataType.FLOAT16 || x.dtype === DataType.BFLOAT16)
    // Raw 16-bit patterns: +0 and -0 are the only zeros (sign bit aside, all bits clear).
    data.forEach((bits, i) => (bits & 0x7fff) !== 0 && positions.push(i));
  else data.forEach((value, i) => value !== 0 && positions.push(i));
  return positions;
}

export const NonZero = defineOp({
  opType: 'NonZero',
  domain: '',
  versions: [9, 13],
  inputs: [{ name: 'X', type: 'T' }],
  outputs: [{ name: 'Y', type: 'I' }],
  attributes: {},
  types: {
    T: { types: ALL_TYPES, since: addedAt({ 13: [DataType.BFLOAT16] }) },
    I: { types: [DataType.INT64] },
  },
  infer(ctx) {
    const x = requireType(ctx, 0);
    const constant = ctx.constant(0);
    const rank = x.shape === null ? SymDim.unknown() : Math.max(x.shape.length, 1);
    const count = constant === undefined ? SymDim.unknown() : nonZeroPositions(constant).length;
    return [{ dtype: DataType.INT64, shape: [rank, count] }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const dims = x.dims.length === 0 ? [1] : x.dims;
    const positions = nonZeroPositions(x);
    const count = positions.length;
    const out = new BigInt64Array(dims.length * count);
    positions.forEach((position, j) => {
      // Row-major coordinates of `position`, last axis first.
      let rest = position;
      for (let axis = dims.length - 1; axis >= 0; axis -= 1) {
        const dim = dims[axis] ?? 1;
        out[axis * count + j] = BigInt(rest % dim);
        rest = Math.floor(rest / dim);
      }
    });
    return [new Tensor(DataType.INT64, [dims.length, count], out)];
  },
});
