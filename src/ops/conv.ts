/**
 * Conv (opsets 1, 11, 22): N-D convolution (cross-correlation, as every framework computes it) with groups,
 * strides, dilations, pads / auto_pad and an optional bias. 11 changed the pads semantics, 22 added bfloat16.
 * Spec: https://onnx.ai/onnx/operators/onnx__Conv.html
 *
 * Shapes: X `[N, C, D1..Dr]`, W `[M, C/group, k1..kr]`, B `[M]`, Y `[N, M, O1..Or]`, where `Oi` follows the same
 * window geometry as pooling (src/ops/shared/pool-geometry.ts, floor mode).
 *
 * One implementation for every rank: per image and group, gather the input into a `[C/group * K, O]` column
 * matrix (im2col; `K = Π ki`, `O = Π Oi`; taps in the padding read 0) and multiply `W_g [M/group, C/group * K]`
 * by it. The gather is skipped for a 1×…×1 kernel with stride 1 and no padding, where the input plane already
 * is the column matrix.
 */
import { formatShape, type Dim } from '../ir/dim.js';
import { sizeOf } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { checkScratch, defineOp, requireInput, requireType } from './core/op.js';
import { elementTensor, floatData } from './shared/float.js';
import { multiplyAccumulate } from './shared/multiply-accumulate.js';
import { resolveWindows, windowOutputDims, type AxisGeometry, type WindowAttrs } from './shared/pool-geometry.js';
import { POOL_TYPES, windowAttributes } from './shared/pool-op.js';

/**
 * For every kernel tap and output position, the input offset inside one channel plane, or -1 for padding.
 * Layout `[K, O]` (tap-major), so filling one column-matrix row is a gather over a contiguous table row.
 */
function gatherTable(axes: readonly AxisGeometry[]): Int32Array {
  const rank = axes.length;
  const kernelSize = axes.reduce((size, axis) => size * axis.kernel, 1);
  const outPlane = axes.reduce((size, axis) => size * axis.outSize, 1);
  const table = new Int32Array(kernelSize * outPlane);
  const tap = new Array<number>(rank).fill(0);
  const out = new Array<number>(rank).fill(0);
  for (let k = 0; k < kernelSize; k += 1) {
    let rest = k;
    for (let axis = rank - 1; axis >= 0; axis -= 1) {
      const size = axes[axis]?.kernel ?? 1;
      tap[axis] = rest % size;
      rest = Math.floor(rest / size);
    }
    for (let o = 0; o < outPlane; o += 1) {
      let remaining = o;
      for (let axis = rank - 1; axis >= 0; axis -= 1) {
        const size = axes[axis]?.outSize ?? 1;
        out[axis] = remaining % size;
        remaining = Math.floor(remaining / size);
      }
      let offset = 0;
      for (let axis = 0; axis < rank; axis += 1) {
        const geometry = axes[axis];
        if (geometry === undefined) continue;
        // Tap j of window o sits at o*stride - padBegin + j*dilation.
        const position = (out[axis] ?? 0) * geometry.stride - geometry.padBegin + (tap[axis] ?? 0) * geometry.dilation;
        if (position < 0 || position >= geometry.inSize) {
          offset = -1;
          break;
        }
        offset = offset * geometry.inSize + position;
      }
      table[k * outPlane + o] = offset;
    }
  }
  return table;
}

/** Fills the column matrix of `channels` planes starting at `inOffset`: row `c*K + k` holds tap k of channel c. */
function im2col(
  x: ArrayLike<number>,
  inOffset: number,
  planeSize: number,
  channels: number,
  table: Int32Array,
  kernelSize: number,
  outPlane: number,
  cols: Float64Array,
): void {
  for (let c = 0; c < channels; c += 1) {
    const plane = inOffset + c * planeSize;
    for (let k = 0; k < kernelSize; k += 1) {
      const dst = (c * kernelSize + k) * outPlane;
      const src = k * outPlane;
      for (let o = 0; o < outPlane; o += 1) {
        const offset = table[src + o] ?? -1;
        cols[dst + o] = offset < 0 ? 0 : (x[plane + offset] ?? 0);
      }
    }
  }
}

/** True when the kernel is 1×…×1 with stride 1 and no padding: the input plane is the column matrix. */
function isPointwise(axes: readonly AxisGeometry[]): boolean {
  return axes.every(
    (axis) =>
      axis.kernel === 1 &&
      axis.stride === 1 &&
      axis.padBegin === 0 &&
      axis.padEnd === 0 &&
      axis.outSize === axis.inSize,
  );
}

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
  const fromWeight = weightSpatial.every((dim): dim is number => typeof dim === 'number') ? weightSpatial : undefined;
  if (
    attrs.kernelShape !== undefined &&
    fromWeight !== undefined &&
    attrs.kernelShape.some((k, i) => k !== fromWeight[i])
  ) {
    fail(
      `kernel_shape ${JSON.stringify(attrs.kernelShape)} does not match ` +
        `the spatial dims of W ${formatShape(weightSpatial)}`,
    );
  }
  const kernelShape = attrs.kernelShape ?? fromWeight;
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
  attributes: {
    autoPad: windowAttributes.autoPad,
    kernelShape: attr.optionalInts('kernel_shape'),
    strides: windowAttributes.strides,
    pads: windowAttributes.pads,
    dilations: attr.optionalInts('dilations'),
    group: attr.int('group', 1, { check: (v) => (v >= 1 ? undefined : `must be >= 1, got ${v}`) }),
  },
  types: { T: POOL_TYPES },
  infer(ctx) {
    const x = requireType(ctx, 0);
    const w = requireType(ctx, 1);
    const b = ctx.inputs[2] ?? null;
    if (x.shape === null || w.shape === null) return [{ dtype: x.dtype, shape: null }];
    const group = ctx.attrs.group;
    const describe = `X.shape=${formatShape(x.shape)}, W.shape=${formatShape(w.shape)}, group=${group}`;
    if (x.shape.length < 3) ctx.fail(`X must have rank >= 3 (N, C, spatial...); ${describe}`);
    if (w.shape.length !== x.shape.length) ctx.fail(`W must have the rank of X; ${describe}`);
    const [batch = 0, channels = 0, ...spatial] = x.shape;
    const [outChannels = 0, perGroup = 0, ...weightSpatial] = w.shape;
    if (typeof channels === 'number' && typeof perGroup === 'number' && channels !== perGroup * group) {
      ctx.fail(`input channels C=${channels} must equal W.shape[1] * group = ${perGroup} * ${group}; ${describe}`);
    }
    if (typeof outChannels === 'number' && outChannels % group !== 0)
      ctx.fail(`output channels M=${outChannels} must be divisible by group; ${describe}`);
    if (
      b !== null &&
      b.shape !== null &&
      (b.shape.length !== 1 ||
        (typeof b.shape[0] === 'number' && typeof outChannels === 'number' && b.shape[0] !== outChannels))
    ) {
      ctx.fail(`B must have shape [M] = [${String(outChannels)}], got ${formatShape(b.shape)}; ${describe}`);
    }
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
    const describe = `X.shape=[${x.dims.join(', ')}], W.shape=[${w.dims.join(', ')}], group=${group}`;
    if (x.dims.length < 3 || w.dims.length !== x.dims.length)
      ctx.fail(`X must have rank >= 3 and W the same rank; ${describe}`);
    const [batch = 1, channels = 1, ...spatial] = x.dims;
    const [outChannels = 1, perGroup = 1, ...weightSpatial] = w.dims;
    if (channels !== perGroup * group)
      ctx.fail(`input channels C=${channels} must equal W.shape[1] * group = ${perGroup} * ${group}; ${describe}`);
    if (outChannels % group !== 0) ctx.fail(`output channels M=${outChannels} must be divisible by group; ${describe}`);
    if (b !== null && (b.dims.length !== 1 || b.dims[0] !== outChannels))
      ctx.fail(`B must have shape [${outChannels}], got [${b.dims.join(', ')}]; ${describe}`);
    const window = convWindow(ctx.attrs, weightSpatial, ctx.fail);
    if (window === undefined) return ctx.fail(`cannot determine the kernel shape; ${describe}`);
    const axes = resolveWindows(spatial, window, (detail) => ctx.fail(`${detail}; ${describe}`));
    const xData = floatData(x, ctx.fail);
    const wData = floatData(w, ctx.fail);
    const bias = b === null ? null : floatData(b, ctx.fail);
    const planeSize = sizeOf(spatial);
    const outPlane = axes.reduce((size, axis) => size * axis.outSize, 1);
    const kernelSize = sizeOf(weightSpatial);
    const outPerGroup = outChannels / group;
    const depth = perGroup * kernelSize;
    const out = new Float64Array(batch * outChannels * outPlane);
    const pointwise = isPointwise(axes);
    // Y[n, m, o] = B[m] + Σ over depth = C/group · Πk taps: one multiply-add per output element and tap.
    ctx.charge(batch * outChannels * outPlane * depth, 'multiply-adds');
    if (!pointwise) {
      checkScratch(ctx, kernelSize * outPlane, `the im2col gather table (${kernelSize} taps × ${outPlane} outputs)`);
      checkScratch(ctx, depth * outPlane, `the im2col column matrix (${depth} rows × ${outPlane} outputs)`);
    }
    const table = pointwise ? null : gatherTable(axes);
    const cols = pointwise ? null : new Float64Array(depth * outPlane);
    for (let n = 0; n < batch; n += 1) {
      for (let g = 0; g < group; g += 1) {
        const inOffset = (n * channels + g * perGroup) * planeSize;
        const outOffset = (n * outChannels + g * outPerGroup) * outPlane;
        const weightOffset = g * outPerGroup * depth;
        if (table === null || cols === null) {
          const input = { data: xData, offset: inOffset, rowStride: outPlane, colStride: 1 };
          multiplyAccumulate(
            { data: wData, offset: weightOffset, rowStride: depth, colStride: 1 },
            input,
            out,
            outOffset,
            outPerGroup,
            depth,
            outPlane,
          );
        } else {
          im2col(xData, inOffset, planeSize, perGroup, table, kernelSize, outPlane, cols);
          const columns = { data: cols, offset: 0, rowStride: outPlane, colStride: 1 };
          multiplyAccumulate(
            { data: wData, offset: weightOffset, rowStride: depth, colStride: 1 },
            columns,
            out,
            outOffset,
            outPerGroup,
            depth,
            outPlane,
          );
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
