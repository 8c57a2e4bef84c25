/**
 * ConvTranspose (opsets 1, 11, 22): the N-D transposed convolution (the gradient of Conv with respect to its input)
 * with groups, strides, dilations, output_padding, pads / auto_pad / output_shape and an optional bias. 11 rewrote
 * the padding text (its opset-1 form had a typo, see transposed-geometry.ts), 22 added bfloat16.
 * Spec: https://onnx.ai/onnx/operators/onnx__ConvTranspose.html
 *
 * Shapes: X `[N, C, D1..Dr]`, W `[C, M/group, k1..kr]`, B `[M]`, Y `[N, M, O1..Or]` with `Oi` from
 * transposed-geometry.ts. Input channel `g*C/group + c` feeds output channels `g*M/group + m`:
 *   Y[n, g*Mg + m, o] = B[g*Mg + m] + Σ_c Σ_t X[n, g*Cg + c, j] * W[g*Cg + c, m, t]   over o = j*s + t*d - pb
 *
 * One implementation for every rank, in float64 (float16/bfloat16/float32 rounded once at the end): per image and
 * group, the column matrix `cols = W_gᵀ · X_g` (`[Mg*K, J]`, `K = Π ki`, `J = Π Di`, computed by the float64
 * matrix multiply Conv and Gemm share) is scattered into the output (col2im): column row `m*K + t`, input position
 * `j` adds into output position `o(j, t)` when that lies inside the output.
 */
import { formatShape, mulDim, type Dim } from '../ir/dim.js';
import { sizeOf } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { biasShapeWrong, convAttributes, convOperands, kernelShapeOf } from './shared/conv-operands.js';
import { elementTensor, floatData } from './shared/float.js';
import { multiplyAccumulate } from './shared/multiply-accumulate.js';
import { POOL_TYPES } from './shared/pool-op.js';
import {
  resolveTransposed,
  transposedOutputDims,
  type TransposedAttrs,
  type TransposedAxis,
} from './shared/transposed-geometry.js';

/**
 * For every kernel tap `t` and input position `j` (layout `[K, J]`), the flat output offset inside one channel
 * plane that the pair contributes to, or -1 where `o = j*s + t*d - pb` falls outside the output on some axis.
 */
function scatterTable(axes: readonly TransposedAxis[]): Int32Array {
  const kernelSize = axes.reduce((size, axis) => size * axis.kernel, 1);
  const inPlane = axes.reduce((size, axis) => size * axis.inSize, 1);
  const table = new Int32Array(kernelSize * inPlane);
  for (let t = 0; t < kernelSize; t += 1) {
    for (let j = 0; j < inPlane; j += 1) {
      let offset = 0;
      let restT = t;
      let restJ = j;
      let outStride = 1;
      // Walk the axes from the last (fastest) to the first, peeling the tap and input indices off.
      for (let a = axes.length - 1; a >= 0; a -= 1) {
        const axis = axes[a];
        if (axis === undefined) continue;
        const tap = restT % axis.kernel;
        const position = restJ % axis.inSize;
        restT = Math.floor(restT / axis.kernel);
        restJ = Math.floor(restJ / axis.inSize);
        const o = position * axis.stride + tap * axis.dilation - axis.padBegin;
        if (o < 0 || o >= axis.outSize) {
          offset = -1;
          break;
        }
        offset += o * outStride;
        outStride *= axis.outSize;
      }
      table[t * inPlane + j] = offset;
    }
  }
  return table;
}

/** The geometry attributes of a ConvTranspose node, with kernel_shape taken from W when the attribute is absent. */
function transposedAttrs(
  attrs: Omit<TransposedAttrs, 'kernelShape'> & { readonly kernelShape: readonly number[] | undefined },
  weightSpatial: readonly Dim[],
  fail: (detail: string) => never,
): TransposedAttrs | undefined {
  const kernelShape = kernelShapeOf(attrs.kernelShape, weightSpatial, fail);
  return kernelShape === undefined ? undefined : { ...attrs, kernelShape };
}

export const ConvTranspose = defineOp({
  opType: 'ConvTranspose',
  domain: '',
  versions: [1, 11, 22],
  inputs: [
    { name: 'X', type: 'T' },
    { name: 'W', type: 'T' },
    { name: 'B', type: 'T', optional: true },
  ],
  outputs: [{ name: 'Y', type: 'T' }],
  attributes: {
    ...convAttributes,
    outputPadding: attr.optionalInts('output_padding'),
    outputShape: attr.optionalInts('output_shape'),
  },
  types: { T: POOL_TYPES },
  infer(ctx) {
    const x = requireType(ctx, 0);
    const w = requireType(ctx, 1);
    const b = ctx.inputs[2] ?? null;
    if (x.shape === null || w.shape === null) return [{ dtype: x.dtype, shape: null }];
    const group = ctx.attrs.group;
    const operands = convOperands<Dim>(x.shape, w.shape, group, 0, ctx.fail, true);
    const { describe, batch, channels, spatial, weight0: inChannels, weight1: perGroup, weightSpatial } = operands;
    if (typeof channels === 'number' && typeof inChannels === 'number' && channels !== inChannels)
      ctx.fail(`input channels C=${channels} must equal W.shape[0]=${inChannels}; ${describe}`);
    if (typeof channels === 'number' && channels % group !== 0)
      ctx.fail(`input channels C=${channels} must be divisible by group; ${describe}`);
    const outChannels = mulDim(perGroup, group);
    if (biasShapeWrong(b?.shape, outChannels))
      ctx.fail(`B must have shape [M] = [W.shape[1] * group] = [${String(outChannels)}], got ${formatShape(b?.shape)}`);
    const geometry = transposedAttrs(ctx.attrs, weightSpatial, ctx.fail);
    const outSpatial =
      geometry === undefined
        ? null
        : transposedOutputDims(spatial, geometry, (detail) => ctx.fail(`${detail}; ${describe}`));
    return [{ dtype: x.dtype, shape: outSpatial === null ? null : [batch, outChannels, ...outSpatial] }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const w = requireInput(ctx, 1);
    const b = ctx.inputs[2] ?? null;
    const group = ctx.attrs.group;
    const operands = convOperands(x.dims, w.dims, group, 1, ctx.fail, false);
    const { describe, batch, channels, spatial, weight0: inChannels, weight1: perGroup, weightSpatial } = operands;
    if (channels !== inChannels)
      ctx.fail(`input channels C=${channels} must equal W.shape[0]=${inChannels}; ${describe}`);
    if (channels % group !== 0) ctx.fail(`input channels C=${channels} must be divisible by group; ${describe}`);
    const outChannels = perGroup * group;
    if (biasShapeWrong(b?.dims, outChannels))
      ctx.fail(`B must have shape [${outChannels}] (W.shape[1] * group), got ${formatShape(b?.dims)}; ${describe}`);
    const geometry = transposedAttrs(ctx.attrs, weightSpatial, ctx.fail);
    if (geometry === undefined) return ctx.fail(`cannot determine the kernel shape; ${describe}`);
    const axes = resolveTransposed(spatial, geometry, (detail) => ctx.fail(`${detail}; ${describe}`));
    const xData = floatData(x, ctx.fail);
    const wData = floatData(w, ctx.fail);
    const bias = b === null ? null : floatData(b, ctx.fail);
    const inPlane = sizeOf(spatial);
    const outPlane = axes.reduce((size, axis) => size * axis.outSize, 1);
    const kernelSize = sizeOf(weightSpatial);
    const inPerGroup = channels / group;
    const rows = perGroup * kernelSize;
    const out = new Float64Array(batch * outChannels * outPlane);
    const table = scatterTable(axes);
    const cols = new Float64Array(rows * inPlane);
    for (let n = 0; n < batch; n += 1) {
      for (let g = 0; g < group; g += 1) {
        cols.fill(0);
        // cols(m*K + t, j) = Σ_c W[g*Cg + c, m, t] · X[n, g*Cg + c, j]: A = W_gᵀ read in place, B = X_g.
        multiplyAccumulate(
          { data: wData, offset: g * inPerGroup * rows, rowStride: 1, colStride: rows },
          { data: xData, offset: (n * channels + g * inPerGroup) * inPlane, rowStride: inPlane, colStride: 1 },
          cols,
          0,
          rows,
          inPerGroup,
          inPlane,
        );
        for (let m = 0; m < perGroup; m += 1) {
          const plane = (n * outChannels + g * perGroup + m) * outPlane;
          for (let t = 0; t < kernelSize; t += 1) {
            const row = (m * kernelSize + t) * inPlane;
            const taps = t * inPlane;
            for (let j = 0; j < inPlane; j += 1) {
              const o = table[taps + j] ?? -1;
              if (o >= 0) out[plane + o] = (out[plane + o] ?? 0) + (cols[row + j] ?? 0);
            }
          }
        }
      }
      if (bias !== null) {
        for (let m = 0; m < outChannels; m += 1) {
          const value = bias[m] ?? 0;
          const start = (n * outChannels + m) * outPlane;
          for (let o = 0; o < outPlane; o += 1) out[start + o] = (out[start + o] ?? 0) + value;
        }
      }
    }
    return [elementTensor(x.dtype, [batch, outChannels, ...axes.map((axis) => axis.outSize)], out)];
  },
});
