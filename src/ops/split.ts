/**
 * Split (opsets 1, 2, 11, 13, 18): cuts a tensor into parts along `axis` (default 0; negative from 11). Part
 * sizes come from `split` — an attribute before opset 13 (opset 1 also took it as an optional input), an
 * optional input from 13 — or else the dim is cut into equal parts, one per output. From opset 18
 * `num_outputs = n` cuts it into parts of `ceil(d/n)`, the last one smaller.
 * Spec: https://onnx.ai/onnx/operators/onnx__Split.html
 */
import { divDim, formatDim, mulDim, subDims, type Dim } from '../ir/dim.js';
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { normalizeAxis } from './shared/broadcast.js';
import { intsOf } from './shared/elementwise.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { sliceTensor } from './shared/slice.js';

/** Part sizes along an axis of size `dim` (symbolic allowed). */
function splitSizes(
  dim: Dim,
  split: readonly number[] | undefined,
  numOutputs: number | undefined,
  outputCount: number,
  fail: (detail: string) => never,
): Dim[] {
  if (split !== undefined) {
    if (split.length !== outputCount)
      fail(`split [${split.join(', ')}] has ${split.length} entries but the node has ${outputCount} outputs`);
    if (split.some((size) => size < 0)) fail(`split [${split.join(', ')}] has a negative size`);
    const total = split.reduce((sum, size) => sum + size, 0);
    if (typeof dim === 'number' && total !== dim)
      fail(`split [${split.join(', ')}] sums to ${total}, but the axis has size ${dim}`);
    return [...split];
  }
  if (numOutputs !== undefined) {
    if (numOutputs < 1 || numOutputs !== outputCount)
      fail(`num_outputs ${numOutputs} must be >= 1 and equal the node's ${outputCount} outputs`);
    const chunk = divDim(dim, numOutputs, 'ceil');
    const last = subDims(dim, mulDim(chunk, numOutputs - 1));
    if (typeof last === 'number' && last < 0)
      fail(`an axis of size ${formatDim(dim)} cannot be cut into ${numOutputs} parts of ${formatDim(chunk)}`);
    return [...Array.from({ length: numOutputs - 1 }, () => chunk), last];
  }
  if (typeof dim === 'number' && dim % outputCount !== 0)
    fail(`an axis of size ${dim} cannot be split into ${outputCount} equal parts; give 'split'`);
  return Array.from({ length: outputCount }, () => divDim(dim, outputCount, 'floor'));
}

export const Split = defineOp({
  opType: 'Split',
  domain: '',
  versions: [1, 2, 11, 13, 18],
  inputs: [
    { name: 'input', type: 'T' },
    { name: 'split', type: 'T', optional: true, until: 1 },
    { name: 'split', type: 'I', optional: true, since: 13, fromAttribute: 'split' },
  ],
  outputs: [{ name: 'outputs', type: 'T', variadic: true }],
  attributes: {
    axis: attr.int('axis', 0),
    split: attr.optionalInts('split', { until: 12 }),
    numOutputs: attr.optionalInt('num_outputs', { since: 18 }),
  },
  // Opset 1's optional `split` input had the data's type T; from 13 it is int64.
  types: { T: { types: ALL_TYPES }, I: { types: [DataType.INT64] } },
  infer(ctx) {
    const x = requireType(ctx, 0);
    let split = ctx.attrs.split;
    if (ctx.inputs[1] !== undefined && ctx.inputs[1] !== null) {
      const constant = ctx.constant(1);
      if (constant === undefined) {
        return Array.from({ length: ctx.outputCount }, () => ({ dtype: x.dtype, shape: null }));
      }
      split = intsOf(constant, ctx.fail);
    }
    if (x.shape === null) return Array.from({ length: ctx.outputCount }, () => ({ dtype: x.dtype, shape: null }));
    const shape = x.shape;
    const axis = normalizeAxis(ctx.attrs.axis, shape.length, 'axis', ctx.fail);
    const sizes = splitSizes(shape[axis] ?? 0, split, ctx.attrs.numOutputs, ctx.outputCount, ctx.fail);
    return sizes.map((size) => ({ dtype: x.dtype, shape: shape.map((dim, d) => (d === axis ? size : dim)) }));
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const splitInput = ctx.inputs[1];
    const split = splitInput === null || splitInput === undefined ? ctx.attrs.split : intsOf(splitInput, ctx.fail);
    const axis = normalizeAxis(ctx.attrs.axis, x.dims.length, 'axis', ctx.fail);
    const sizes = splitSizes(x.dims[axis] ?? 0, split, ctx.attrs.numOutputs, ctx.outputCount, ctx.fail);
    let offset = 0;
    return sizes.map((size) => {
      const length = typeof size === 'number' ? size : ctx.fail('internal: symbolic split size');
      const part = sliceTensor(
        x,
        { starts: [offset], ends: [offset + length], axes: [axis], steps: undefined },
        ctx.fail,
      );
      offset += length;
      return part;
    });
  },
});
