/**
 * LeakyRelu (opsets 1, 6, 16): `Y = X` where `X >= 0`, else `alpha * X` (alpha default 0.01, a float32
 * attribute). bfloat16 from 16.
 * Spec: https://onnx.ai/onnx/operators/onnx__LeakyRelu.html
 */
import { DataType } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { FLOATS, mapFloat, requireDtype } from './shared/elementwise.js';
import { defineOp, requireInput, requireType } from './core/op.js';

/** LeakyRelu's element types at `opset`. */
function leakyReluTypes(opset: number): readonly DataType[] {
  return opset < 16 ? [DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE] : FLOATS;
}

export const LeakyRelu = defineOp({
  opType: 'LeakyRelu',
  domain: '',
  versions: [1, 6, 16],
  inputs: [{ name: 'X' }],
  outputs: [{ name: 'Y' }],
  attributes: {
    alpha: attr.float('alpha', 0.01),
    consumedInputs: attr.optionalInts('consumed_inputs', { until: 5 }),
  },
  infer(ctx) {
    const x = requireType(ctx, 0);
    requireDtype(x.dtype, leakyReluTypes(ctx.opset), 'X', ctx.fail);
    return [x];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    requireDtype(x.dtype, leakyReluTypes(ctx.opset), 'X', ctx.fail);
    // ONNX float attributes are float32: use the value a serialised model would carry.
    const alpha = Math.fround(ctx.attrs.alpha);
    return [mapFloat(x, (v) => (v >= 0 ? v : alpha * v), ctx.fail)];
  },
});
