/**
 * Relu (opsets 1, 6, 13, 14): `Y = max(0, X)`. Floats throughout; bfloat16 from 13; signed integers from 14.
 * Spec: https://onnx.ai/onnx/operators/onnx__Relu.html
 */
import { DataType, FLOAT_TYPES, SIGNED_INT_TYPES } from '../ir/dtype.js';
import { Tensor } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { bigintOutput, bigintsOf, isBigIntData, numberOutput, numbersOf } from './shared/elementwise.js';

export const Relu = defineOp({
  opType: 'Relu',
  domain: '',
  versions: [1, 6, 13, 14],
  inputs: [{ name: 'X', type: 'T' }],
  outputs: [{ name: 'Y', type: 'T' }],
  attributes: { consumedInputs: attr.optionalInts('consumed_inputs', { until: 5 }) },
  types: {
    T: {
      types: [...FLOAT_TYPES, ...SIGNED_INT_TYPES],
      since: addedAt({ 13: [DataType.BFLOAT16], 14: SIGNED_INT_TYPES }),
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
      input.forEach((v, i) => {
        out[i] = v > 0n ? v : 0n;
      });
      return [new Tensor(x.dtype, x.dims, out)];
    }
    const input = numbersOf(x, ctx.fail);
    const out = numberOutput(x.dtype, input.length, ctx.fail);
    // NaN stays NaN (as numpy's maximum propagates it); -0 becomes 0.
    for (let i = 0; i < input.length; i += 1) {
      const v = input[i] ?? 0;
      out.data[i] = Number.isNaN(v) ? v : v > 0 ? v : 0;
    }
    return [out.finish(x.dims)];
  },
});
