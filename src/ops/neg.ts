/**
 * Neg (opsets 1, 6, 13): `Y = -X`. Floats only at opset 1; the signed integers from 6 (no unsigned types), bfloat16
 * from 13. Integers wrap like C two's complement: the most negative value negates to itself (-(-128) is -128 in
 * int8).
 * Spec: https://onnx.ai/onnx/operators/onnx__Neg.html
 */
import { DataType, FLOAT_TYPES, SIGNED_INT_TYPES } from '../ir/dtype.js';
import { Tensor } from '../ir/tensor.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { bigintOutput, bigintsOf, isBigIntData, numberOutput, numbersOf } from './shared/elementwise.js';
import { unaryAttributes } from './shared/unary.js';

/** The Neg op: elementwise negation. */
export const Neg = defineOp({
  opType: 'Neg',
  domain: '',
  versions: [1, 6, 13],
  inputs: [{ name: 'X', type: 'T' }],
  outputs: [{ name: 'Y', type: 'T' }],
  attributes: unaryAttributes,
  types: {
    T: {
      types: [...FLOAT_TYPES, ...SIGNED_INT_TYPES],
      since: addedAt({ 6: SIGNED_INT_TYPES, 13: [DataType.BFLOAT16] }),
    },
  },
  infer(ctx) {
    return [requireType(ctx, 0)];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    if (isBigIntData(x.data)) {
      const input = bigintsOf(x, ctx.fail);
      const out = bigintOutput(x.dtype, input.length, ctx.fail);
      // The BigInt64Array store wraps -(-2^63) = 2^63 back to -2^63.
      for (let i = 0; i < input.length; i += 1) out[i] = -(input[i] ?? 0n);
      return [new Tensor(x.dtype, x.dims, out)];
    }
    const input = numbersOf(x, ctx.fail);
    const out = numberOutput(x.dtype, input.length, ctx.fail);
    // The typed-array store wraps -(-2^(k-1)) = 2^(k-1) back to -2^(k-1) for the k-bit integers.
    for (let i = 0; i < input.length; i += 1) out.data[i] = -(input[i] ?? 0);
    return [out.finish(x.dims)];
  },
});
