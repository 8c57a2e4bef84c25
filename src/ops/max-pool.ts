/**
 * MaxPool (opsets 1, 8, 10, 11, 12, 22): the max over each window; padding never wins.
 * Spec: https://onnx.ai/onnx/operators/onnx__MaxPool.html
 */
import { DataType } from '../graph/dtype.js';
import { attr } from './attributes.js';
import { floatData, floatTensor, FLOAT_TYPES } from './float.js';
import { defineOp, requireInput, requireType } from './op.js';
import { axisTaps, resolveWindows, windowOutputDims } from './pool-geometry.js';
import { reduceWindows } from './pool-reduce.js';

/** Attributes shared by MaxPool, AveragePool and LpPool. */
export const windowAttributes = {
  autoPad: attr.enum('auto_pad', ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'] as const, 'NOTSET'),
  kernelShape: attr.requiredInts('kernel_shape'),
  strides: attr.optionalInts('strides'),
  pads: attr.optionalInts('pads'),
} as const;

export const MaxPool = defineOp({
  opType: 'MaxPool',
  domain: '',
  versions: [1, 8, 10, 11, 12, 22],
  inputs: [{ name: 'X' }],
  outputs: [{ name: 'Y' }, { name: 'Indices', optional: true, since: 8 }],
  attributes: {
    ...windowAttributes,
    ceilMode: attr.int('ceil_mode', 0, { since: 10 }),
    dilations: attr.optionalInts('dilations', { since: 10 }),
    storageOrder: attr.int('storage_order', 0, { since: 8 }),
  },
  dtypes: FLOAT_TYPES,
  infer(ctx) {
    const x = requireType(ctx, 0);
    if (x.shape === null) return [{ dtype: x.dtype, shape: null }, { dtype: DataType.INT64, shape: null }].slice(0, ctx.outputCount);
    if (x.shape.length < 3) ctx.fail(`input X must have rank >= 3 (N, C, spatial...), got rank ${x.shape.length}`);
    const [batch, channels, ...spatial] = x.shape;
    const shape = [batch ?? 0, channels ?? 0, ...windowOutputDims(spatial, ctx.attrs, ctx.fail)];
    return [{ dtype: x.dtype, shape }, { dtype: DataType.INT64, shape }].slice(0, ctx.outputCount);
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    if (x.dims.length < 3) ctx.fail(`input X must have rank >= 3, got ${x.describe()}`);
    if (ctx.outputCount > 1) ctx.fail('the Indices output is not supported by the reference kernel yet');
    const axes = resolveWindows(x.dims.slice(2), ctx.attrs, ctx.fail);
    let data = floatData(x, ctx.fail);
    let dims = [...x.dims];
    axes.forEach((axis, i) => {
      ({ data, dims } = reduceWindows(data, dims, i + 2, axisTaps(axis), { kind: 'max' }));
    });
    return [floatTensor(x.dtype, dims, data)];
  },
});
