/**
 * Conv (opsets 1, 11, 22): N-D convolution (cross-correlation, as every framework computes it) with groups,
 * strides, dilations, pads / auto_pad and an optional bias. 11 changed the pads semantics, 22 added bfloat16.
 * Spec: https://onnx.ai/onnx/operators/onnx__Conv.html
 *
 * Shapes: X `[N, C, D1..Dr]`, W `[M, C/group, k1..kr]`, B `[M]`, Y `[N, M, O1..Or]`, where `Oi` follows the same
 * window geometry as pooling (src/ops/shared/pool-geometry.ts, floor mode).
 *
 * One implementation for every rank (src/ops/shared/gemm-conv.ts): per image and group, `Y_g = W_g · cols + B_g`
 * where `W_g` is `[M/group, C/group · K]` and `cols` the `[C/group · K, O]` column matrix of the zero-padded input
 * (im2col; `K = Π ki`, `O = Π Oi`), every output summed in float64 from +0 in that k order, then plus its bias —
 * on the WebAssembly SIMD kernels where they load, else on their bit-identical JS twins.
 */
import { formatShape, type Dim } from '../ir/dim.js';
import { DataType } from '../ir/dtype.js';
import { sizeOf, Tensor } from '../ir/tensor.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { biasShapeWrong, convAttributes, convOperands, kernelShapeOf } from './shared/conv-operands.js';
import { elementTensor, floatData } from './shared/float.js';
import { convolve } from './shared/gemm-conv.js';
import { gemmKernels } from './shared/gemm-kernels.js';
import { resolveWindows, windowOutputDims, type WindowAttrs } from './shared/pool-geometry.js';
import { POOL_TYPES } from './shared/pool-op.js';

/** The window attributes of a Conv node, with kernel_shape taken from W when the attribute is absent. */
function convWindow(
  attrs: {
    readonly autoPad: WindowAttrs['autoPad'];
    readonly kernelShape: readonly number[] | undefined;
    readonly strides: readonly number[] | undefined;
    readonly pads: readonly number[] | undefined;
    readonly dilations: readonly number[] | undefined;
  },
  weightSpatial: readonly Dim[],
  fail: (detail: string) => never,
): WindowAttrs | undefined {
  const kernelShape = kernelShapeOf(attrs.kernelShape, weightSpatial, fail);
  if (kernelShape === undefined) return undefined;
  return {
    autoPad: attrs.autoPad,
    kernelShape,
    strides: attrs.strides,
    pads: attrs.pads,
    dilations: attrs.dilations,
    ceilMode: 0,
  };
}

export const Conv = defineOp({
  opType: 'Conv',
  domain: '',
  versions: [1, 11, 22],
  inputs: [
    { name: 'X', type: 'T' },
    { name: 'W', type: 'T' },
    { name: 'B', type: 'T', optional: true },
  ],
  outputs: [{ name: 'Y', type: 'T' }],
  attributes: convAttributes,
  types: { T: POOL_TYPES },
  infer(ctx) {
    const x = requireType(ctx, 0);
    const w = requireType(ctx, 1);
    const b = ctx.inputs[2] ?? null;
    if (x.shape === null || w.shape === null) return [{ dtype: x.dtype, shape: null }];
    const group = ctx.attrs.group;
    const operands = convOperands<Dim>(x.shape, w.shape, group, 0, ctx.fail, true);
    const { describe, batch, channels, spatial, weight0: outChannels, weight1: perGroup, weightSpatial } = operands;
    if (typeof channels === 'number' && typeof perGroup === 'number' && channels !== perGroup * group) {
      ctx.fail(`input channels C=${channels} must equal W.shape[1] * group = ${perGroup} * ${group}; ${describe}`);
    }
    if (typeof outChannels === 'number' && outChannels % group !== 0)
      ctx.fail(`output channels M=${outChannels} must be divisible by group; ${describe}`);
    if (biasShapeWrong(b?.shape, outChannels))
      ctx.fail(`B must have shape [M] = [${String(outChannels)}], got ${formatShape(b?.shape)}; ${describe}`);
    const window = convWindow(ctx.attrs, weightSpatial, ctx.fail);
    const outSpatial =
      window === undefined ? null : windowOutputDims(spatial, window, (detail) => ctx.fail(`${detail}; ${describe}`));
    return [{ dtype: x.dtype, shape: outSpatial === null ? null : [batch, outChannels, ...outSpatial] }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const w = requireInput(ctx, 1);
    const b = ctx.inputs[2] ?? null;
    const group = ctx.attrs.group;
    const operands = convOperands(x.dims, w.dims, group, 1, ctx.fail, false);
    const { describe, batch, channels, spatial, weight0: outChannels, weight1: perGroup, weightSpatial } = operands;
    if (channels !== perGroup * group)
      ctx.fail(`input channels C=${channels} must equal W.shape[1] * group = ${perGroup} * ${group}; ${describe}`);
    if (outChannels % group !== 0) ctx.fail(`output channels M=${outChannels} must be divisible by group; ${describe}`);
    if (biasShapeWrong(b?.dims, outChannels))
      ctx.fail(`B must have shape [${outChannels}], got ${formatShape(b?.dims)}; ${describe}`);
    const window = convWindow(ctx.attrs, weightSpatial, ctx.fail);
    if (window === undefined) return ctx.fail(`cannot determine the kernel shape; ${describe}`);
    const axes = resolveWindows(spatial, window, (detail) => ctx.fail(`${detail}; ${describe}`));
    const outDims = [batch, outChannels, ...axes.map((axis) => axis.outSize)];
    // Y[n, m, o] = B[m] + Σ over depth = C/group · Πk taps: one multiply-add per output element and tap.
    ctx.charge(sizeOf(outDims) * perGroup * sizeOf(weightSpatial), 'multiply-adds');
    // float32 results are rounded once, on store; float16/bfloat16 are computed in float64 and rounded once.
    const out = x.dtype === DataType.FLOAT ? new Float32Array(sizeOf(outDims)) : new Float64Array(sizeOf(outDims));
    const problem = {
      x: floatData(x, ctx.fail),
      w: floatData(w, ctx.fail),
      bias: b === null ? null : floatData(b, ctx.fail),
      batch,
      channels,
      outChannels,
      group,
      axes,
    };
    convolve(gemmKernels(), problem, out, (detail) => ctx.fail(`${detail}; ${describe}`));
    return [out instanceof Float32Array ? new Tensor(x.dtype, outDims, out) : elementTensor(x.dtype, outDims, out)];
  },
});
