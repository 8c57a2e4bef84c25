/**
 * Upsample (opsets 7, 9; deprecated at 10): enlarges every axis i of X by `scales[i] >= 1`, the output size being
 * `floor(input_size * scale)` (computed in float32, as the scales are). 7 takes scales as an attribute, 9 as an
 * input (float32 tensor, one value per axis). At opset 10 ONNX deprecated the op in favour of Resize: a node there
 * is refused, naming Resize.
 * Spec: https://onnx.ai/onnx/operators/onnx__Upsample.html
 *
 * Output index `o` of an axis maps to the input coordinate `x = o / scale` (Resize's `asymmetric`):
 *   nearest: reads `min(floor(x), size - 1)` (any element type, copied exactly);
 *   linear:  clamps x to `[0, size - 1]` and mixes `floor(x)` and `min(floor(x) + 1, size - 1)` with weights
 *            `1 - t, t` (`t = x - floor(x)`), axis by axis (N-linear); numeric and bool X only, computed in
 *            float64 and cast back once (interpolation.ts).
 */
import { formatShape, mulDim, SymDim, type Dim } from '../ir/dim.js';
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { describeNode, UnsupportedError } from '../ir/errors.js';
import { stridesOf, type Tensor } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { gatherElements } from './shared/elementwise.js';
import { castValues, valuesOf } from './shared/interpolation.js';

/** The opset where scales became an input. */
const SCALES_INPUT_SINCE = 9;
/** The opset that deprecated Upsample. */
const DEPRECATED_AT = 10;

/** Refuses a node at the deprecating opset. */
function checkNotDeprecated(opset: number, fail: (detail: string) => never): void {
  if (opset >= DEPRECATED_AT)
    fail(`Upsample is deprecated since opset ${DEPRECATED_AT} and not defined at opset ${opset}; use Resize`);
}

/** Validates the scales (one per axis of X, each >= 1) and returns them as float32 values. */
function checkScales(scales: readonly number[], shape: readonly Dim[], fail: (detail: string) => never): number[] {
  if (scales.length !== shape.length)
    fail(`scales ${JSON.stringify(scales)} must have one value per axis of X ${formatShape(shape)}`);
  if (!scales.every((s) => s >= 1 && Number.isFinite(s)))
    fail(`scales ${JSON.stringify(scales)} must be finite and >= 1 (Upsample only enlarges)`);
  return scales.map((s) => Math.fround(s));
}

/** The output dim of one axis: `floor(size * scale)` in float32; symbolic sizes stay symbolic for whole scales. */
function outputDim(size: Dim, scale: number): Dim {
  if (typeof size === 'number') return Math.floor(Math.fround(size * scale));
  return Number.isInteger(scale) ? mulDim(size, scale) : SymDim.unknown();
}

/** For each output index of one axis, the input coordinate `o / scale` clamped to `[0, size - 1]`. */
function coordinates(size: number, outSize: number, scale: number): Float64Array {
  return Float64Array.from({ length: outSize }, (_, o) => Math.min(o / scale, size - 1));
}

/** Nearest mode: every output element reads input element `Σ min(floor(o_i / s_i), d_i - 1) · stride_i`. */
function upsampleNearest(x: Tensor, outDims: readonly number[], scales: readonly number[]): Tensor {
  const strides = stridesOf(x.dims);
  const perAxis = outDims.map((outSize, axis) =>
    Array.from(coordinates(x.dims[axis] ?? 1, outSize, scales[axis] ?? 1), (c) => Math.floor(c) * (strides[axis] ?? 0)),
  );
  const size = outDims.reduce((total, dim) => total * dim, 1);
  const map = new Int32Array(size);
  const counter = outDims.map(() => 0);
  for (let i = 0; i < size; i += 1) {
    map[i] = counter.reduce((offset, o, axis) => offset + (perAxis[axis]?.[o] ?? 0), 0);
    for (let axis = outDims.length - 1; axis >= 0; axis -= 1) {
      counter[axis] = (counter[axis] ?? 0) + 1;
      if ((counter[axis] ?? 0) < (outDims[axis] ?? 1)) break;
      counter[axis] = 0;
    }
  }
  return gatherElements(x, map, outDims);
}

/** Linear mode: resamples one axis at a time (N-linear interpolation is separable). */
function upsampleLinear(
  x: Tensor,
  outDims: readonly number[],
  scales: readonly number[],
  fail: (detail: string) => never,
): Tensor {
  let data = valuesOf(x, fail);
  const dims = [...x.dims];
  outDims.forEach((outSize, axis) => {
    const size = dims[axis] ?? 1;
    if (outSize === size) return;
    const outer = dims.slice(0, axis).reduce((total, dim) => total * dim, 1);
    const inner = dims.slice(axis + 1).reduce((total, dim) => total * dim, 1);
    const coords = coordinates(size, outSize, scales[axis] ?? 1);
    const next = new Float64Array(outer * outSize * inner);
    for (let a = 0; a < outer; a += 1) {
      for (let o = 0; o < outSize; o += 1) {
        const c = coords[o] ?? 0;
        const low = Math.floor(c);
        const high = Math.min(low + 1, size - 1);
        const t = c - low;
        const from = a * size * inner;
        const to = (a * outSize + o) * inner;
        for (let k = 0; k < inner; k += 1) {
          const v0 = data[from + low * inner + k] ?? 0;
          const v1 = data[from + high * inner + k] ?? 0;
          next[to + k] = v0 * (1 - t) + v1 * t;
        }
      }
    }
    data = next;
    dims[axis] = outSize;
  });
  return castValues(x.dtype, outDims, data);
}

export const Upsample = defineOp({
  opType: 'Upsample',
  domain: '',
  versions: [7, SCALES_INPUT_SINCE, DEPRECATED_AT],
  inputs: [
    { name: 'X', type: 'T' },
    { name: 'scales', type: 'F', since: SCALES_INPUT_SINCE, fromAttribute: 'scales' },
  ],
  outputs: [{ name: 'Y', type: 'T' }],
  attributes: {
    mode: attr.enum('mode', ['nearest', 'linear'] as const, 'nearest'),
    scales: attr.optionalFloats('scales', { until: SCALES_INPUT_SINCE - 1 }),
  },
  types: { T: { types: ALL_TYPES }, F: { types: [DataType.FLOAT] } },
  infer(ctx) {
    checkNotDeprecated(ctx.opset, ctx.fail);
    const x = requireType(ctx, 0);
    if (ctx.opset < SCALES_INPUT_SINCE && ctx.attrs.scales === undefined)
      ctx.fail(`attribute 'scales' is required at opset ${ctx.opset}`);
    const given = ctx.opset < SCALES_INPUT_SINCE ? ctx.attrs.scales : ctx.constant(1)?.toNumbers();
    if (x.shape === null) return [{ dtype: x.dtype, shape: null }];
    const shape = x.shape;
    if (given === undefined) return [{ dtype: x.dtype, shape: shape.map(() => SymDim.unknown()) }];
    const scales = checkScales(given, shape, ctx.fail);
    return [{ dtype: x.dtype, shape: shape.map((dim, axis) => outputDim(dim, scales[axis] ?? 1)) }];
  },
  run(ctx) {
    checkNotDeprecated(ctx.opset, ctx.fail);
    const x = requireInput(ctx, 0);
    const given = ctx.opset < SCALES_INPUT_SINCE ? ctx.attrs.scales : requireInput(ctx, 1).toNumbers();
    if (given === undefined) return ctx.fail(`attribute 'scales' is required at opset ${ctx.opset}`);
    const scales = checkScales(given, x.dims, ctx.fail);
    const outDims = x.dims.map((dim, axis) => Math.floor(Math.fround(dim * (scales[axis] ?? 1))));
    if (ctx.attrs.mode === 'nearest') return [upsampleNearest(x, outDims, scales)];
    if (x.dtype === DataType.STRING)
      throw new UnsupportedError(`${describeNode(ctx.node)}: linear mode cannot interpolate ${x.describe()}`);
    return [upsampleLinear(x, outDims, scales, ctx.fail)];
  },
});
