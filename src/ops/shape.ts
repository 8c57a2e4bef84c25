/**
 * Shape (opsets 1, 13, 15, 19, 21, 23, 24, 25): the input's shape as a 1-D int64 tensor. From opset 15,
 * `start`/`end` select a slice of it: negative values count from the back, both are clamped to `[0, rank]`, and
 * `start >= end` gives an empty tensor.
 * Spec: https://onnx.ai/onnx/operators/onnx__Shape.html
 */
import { SymDim } from '../ir/dim.js';
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { Tensor } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { shapeRange } from './shared/shape-value.js';

export const Shape = defineOp({
  opType: 'Shape',
  domain: '',
  versions: [1, 13, 15, 19, 21, 23, 24, 25],
  inputs: [{ name: 'data', type: 'T' }],
  outputs: [{ name: 'shape', type: 'T1' }],
  attributes: {
    start: attr.int('start', 0, { since: 15 }),
    end: attr.optionalInt('end', { since: 15 }),
  },
  types: { T: { types: ALL_TYPES }, T1: { types: [DataType.INT64] } },
  infer(ctx) {
    const x = requireType(ctx, 0);
    if (x.shape === null) return [{ dtype: DataType.INT64, shape: [SymDim.unknown()] }];
    const { start, end } = shapeRange(x.shape.length, ctx.attrs.start, ctx.attrs.end);
    return [{ dtype: DataType.INT64, shape: [end - start] }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const { start, end } = shapeRange(x.dims.length, ctx.attrs.start, ctx.attrs.end);
    return [Tensor.int64([end - start], x.dims.slice(start, end))];
  },
});
