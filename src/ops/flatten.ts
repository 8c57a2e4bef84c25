/**
 * Flatten (opsets 1, 9, 11, 13, 21, 23, 24, 25): reshapes to 2-D `[Π dims[:axis], Π dims[axis:]]`; axis default
 * 1, may equal the rank, negative from opset 11.
 * Spec: https://onnx.ai/onnx/operators/onnx__Flatten.html
 */
import { SymDim } from '../ir/dim.js';
import { ALL_TYPES } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { dimProduct } from './shared/broadcast.js';
import { defineOp, requireInput, requireType } from './core/op.js';

/** Resolves Flatten's axis, whose valid range is `[-rank, rank]`. */
function flattenAxis(axis: number, rank: number, fail: (detail: string) => never): number {
  if (axis < -rank || axis > rank)
    return fail(`axis ${axis} is out of range for rank ${rank} (valid: ${-rank}..${rank})`);
  return axis < 0 ? axis + rank : axis;
}

export const Flatten = defineOp({
  opType: 'Flatten',
  domain: '',
  versions: [1, 9, 11, 13, 21, 23, 24, 25],
  inputs: [{ name: 'input', type: 'T' }],
  outputs: [{ name: 'output', type: 'T' }],
  attributes: { axis: attr.int('axis', 1) },
  types: { T: { types: ALL_TYPES } },
  infer(ctx) {
    const x = requireType(ctx, 0);
    if (x.shape === null) return [{ dtype: x.dtype, shape: [SymDim.unknown(), SymDim.unknown()] }];
    const axis = flattenAxis(ctx.attrs.axis, x.shape.length, ctx.fail);
    return [{ dtype: x.dtype, shape: [dimProduct(x.shape.slice(0, axis)), dimProduct(x.shape.slice(axis))] }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const axis = flattenAxis(ctx.attrs.axis, x.dims.length, ctx.fail);
    const product = (dims: readonly number[]): number => dims.reduce((total, dim) => total * dim, 1);
    return [x.reshape([product(x.dims.slice(0, axis)), product(x.dims.slice(axis))])];
  },
});
