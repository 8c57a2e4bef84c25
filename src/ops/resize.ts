/**
 * Resize (opsets 10, 11, 13, 18, 19): nearest-neighbour and (multi-)linear resizing of any axes.
 * 10: inputs X, scales; mode only (coordinates map as `asymmetric`, nearest rounds down). 11: inputs roi and
 * sizes, coordinate_transformation_mode, nearest_mode, cubic mode, extrapolation. 13: roi and scales optional,
 * tf_half_pixel_for_nn removed. 18: antialias, axes, keep_aspect_ratio_policy. 19: half_pixel_symmetric.
 * Spec: https://onnx.ai/onnx/operators/onnx__Resize.html
 *
 * Not supported (UnsupportedError): mode=cubic, antialias=1, keep_aspect_ratio_policy other than `stretch`, and
 * non-float X (the kernel resamples in float64).
 *
 * Per axis with input length `a`, output length `b` and scale `s` (given, or `b / a` when sizes are given),
 * output coordinate `x` maps to the input coordinate
 *   half_pixel:           (x + 0.5) / s - 0.5
 *   half_pixel_symmetric: as half_pixel, shifted by `a/2 * (1 - b / (s*a))` so the centres stay aligned
 *   pytorch_half_pixel:   b > 1 ? (x + 0.5) / s - 0.5 : 0
 *   align_corners:        b == 1 ? 0 : x * (a - 1) / (b - 1)
 *   asymmetric:           x / s
 *   tf_half_pixel_for_nn: (x + 0.5) / s
 *   tf_crop_and_resize:   b > 1 ? start*(a-1) + x*(end-start)*(a-1)/(b-1) : (start+end)/2 * (a-1), with the roi's
 *                         start/end for that axis; outside [0, a-1] the output is extrapolation_value.
 * Nearest picks one input index by nearest_mode and clamps it to [0, a-1]; linear clamps the coordinate to
 * [0, a-1] and mixes its two neighbours. Both are separable, so each axis is resampled in turn.
 */
import { formatShape, mulDim, SymDim, type Dim } from '../ir/dim.js';
import { ALL_TYPES, DataType, FLOAT_TYPES } from '../ir/dtype.js';
import { describeNode, UnsupportedError, type NodeRef } from '../ir/errors.js';
import type { Tensor } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { checkScratch, defineOp, requireInput, requireType } from './core/op.js';
import { elementTensor, floatData } from './shared/float.js';
import type { FloatArray } from './shared/pool-reduce.js';
import { normalizeAxes } from './shared/reduce.js';

const COORDINATE_MODES = [
  'half_pixel',
  'half_pixel_symmetric',
  'pytorch_half_pixel',
  'align_corners',
  'asymmetric',
  'tf_half_pixel_for_nn',
  'tf_crop_and_resize',
] as const;
const NEAREST_MODES = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'] as const;

/** Parsed Resize attributes (the schema below). */
interface ResizeAttrs {
  readonly mode: 'nearest' | 'linear' | 'cubic';
  readonly coordinateTransformationMode: (typeof COORDINATE_MODES)[number];
  readonly nearestMode: (typeof NEAREST_MODES)[number];
  readonly extrapolationValue: number;
  readonly antialias: number;
  readonly axes: readonly number[] | undefined;
  readonly keepAspectRatioPolicy: 'stretch' | 'not_larger' | 'not_smaller';
}

/** Refuses the features this kernel does not implement. */
function checkSupported(node: NodeRef, attrs: ResizeAttrs): void {
  if (attrs.mode === 'cubic')
    throw new UnsupportedError(`${describeNode(node)}: mode=cubic is not supported (nearest and linear are)`);
  if (attrs.antialias !== 0) throw new UnsupportedError(`${describeNode(node)}: antialias=1 is not supported`);
  if (attrs.keepAspectRatioPolicy !== 'stretch')
    throw new UnsupportedError(
      `${describeNode(node)}: keep_aspect_ratio_policy=${attrs.keepAspectRatioPolicy} is not supported (only stretch)`,
    );
}

/** Where the scales and sizes inputs sit at `opset` (opset 10 has only X, scales). */
function inputIndex(opset: number, which: 'roi' | 'scales' | 'sizes'): number | undefined {
  if (opset < 11) return which === 'scales' ? 1 : undefined;
  return { roi: 1, scales: 2, sizes: 3 }[which];
}

/** What the output size is requested from: per-axis scales or sizes, over `axes` (all axes when absent). */
type Request =
  | { readonly kind: 'scales'; readonly values: readonly number[] }
  | { readonly kind: 'sizes'; readonly values: readonly number[] };

/** Reads scales/sizes (non-empty one wins; both non-empty is an error). `undefined` when not known. */
function readRequest(
  scales: Tensor | null | undefined,
  sizes: Tensor | null | undefined,
  fail: (detail: string) => never,
): Request | undefined {
  const hasScales = scales !== null && scales !== undefined && scales.size > 0;
  const hasSizes = sizes !== null && sizes !== undefined && sizes.size > 0;
  if (hasScales && hasSizes) fail('only one of scales and sizes may be given, got both');
  if (hasScales) return { kind: 'scales', values: scales.toNumbers() };
  if (hasSizes) return { kind: 'sizes', values: sizes.toNumbers() };
  return undefined;
}

/** Expands a request over `axes` to every axis: per-axis scale (or undefined) and output size. */
function perAxis<D extends Dim>(
  shape: readonly D[],
  request: Request,
  axesAttr: readonly number[] | undefined,
  fail: (detail: string) => never,
): { scales: (number | undefined)[]; sizes: Dim[] } {
  const axes = axesAttr === undefined ? shape.map((_, axis) => axis) : normalizeAxes(axesAttr, shape.length, fail);
  if (request.values.length !== axes.length)
    fail(
      `${request.kind} has ${request.values.length} values but ${axes.length} axes are resized ` +
        `(input shape ${formatShape(shape)})`,
    );
  const scales: (number | undefined)[] = shape.map(() => 1);
  const sizes: Dim[] = [...shape];
  axes.forEach((axis, i) => {
    const value = request.values[i] ?? 1;
    const inSize = shape[axis] ?? 1;
    if (request.kind === 'sizes') {
      if (!Number.isInteger(value) || value < 0)
        fail(`sizes ${JSON.stringify(request.values)} must be non-negative integers`);
      sizes[axis] = value;
      scales[axis] = typeof inSize === 'number' ? value / inSize : undefined;
    } else {
      if (!(value > 0)) fail(`scales ${JSON.stringify(request.values)} must be positive`);
      scales[axis] = value;
      sizes[axis] =
        typeof inSize === 'number'
          ? Math.floor(inSize * value)
          : Number.isInteger(value)
            ? mulDim(inSize, value)
            : SymDim.unknown();
    }
  });
  return { scales, sizes };
}

/** Input coordinate of output index `x` on one axis (see the file comment). */
function sourceCoordinate(
  mode: ResizeAttrs['coordinateTransformationMode'],
  x: number,
  inSize: number,
  outSize: number,
  scale: number,
  roiStart: number,
  roiEnd: number,
): number {
  switch (mode) {
    case 'half_pixel':
      return (x + 0.5) / scale - 0.5;
    case 'half_pixel_symmetric': {
      const adjustment = outSize / (scale * inSize);
      return (inSize / 2) * (1 - adjustment) + (x + 0.5) / scale - 0.5;
    }
    case 'pytorch_half_pixel':
      return outSize > 1 ? (x + 0.5) / scale - 0.5 : 0;
    case 'align_corners':
      return outSize === 1 ? 0 : (x * (inSize - 1)) / (outSize - 1);
    case 'asymmetric':
      return x / scale;
    case 'tf_half_pixel_for_nn':
      return (x + 0.5) / scale;
    case 'tf_crop_and_resize':
      return outSize > 1
        ? roiStart * (inSize - 1) + (x * (roiEnd - roiStart) * (inSize - 1)) / (outSize - 1)
        : 0.5 * (roiStart + roiEnd) * (inSize - 1);
  }
}

/** Nearest input index of coordinate `c` by nearest_mode (before clamping). */
function nearestIndex(mode: ResizeAttrs['nearestMode'], c: number): number {
  switch (mode) {
    case 'floor':
      return Math.floor(c);
    case 'ceil':
      return Math.ceil(c);
    case 'round_prefer_floor':
      return c === Math.floor(c) + 0.5 ? Math.floor(c) : Math.round(c);
    case 'round_prefer_ceil':
      return c === Math.floor(c) + 0.5 ? Math.ceil(c) : Math.round(c);
  }
}

/** One axis's resampling: output `o` mixes `index[2o]`·`weight[2o]` + `index[2o+1]`·`weight[2o+1]`. */
interface AxisPlan {
  readonly index: Int32Array;
  readonly weight: Float64Array;
  /** Outputs whose coordinate falls outside the input (tf_crop_and_resize extrapolation). */
  readonly outside: Uint8Array;
  readonly identity: boolean;
}

function planAxis(
  attrs: ResizeAttrs,
  opset: number,
  inSize: number,
  outSize: number,
  scale: number,
  roiStart: number,
  roiEnd: number,
): AxisPlan {
  const index = new Int32Array(2 * outSize);
  const weight = new Float64Array(2 * outSize);
  const outside = new Uint8Array(outSize);
  const mode = opset < 11 ? 'asymmetric' : attrs.coordinateTransformationMode;
  const nearest = opset < 11 ? 'floor' : attrs.nearestMode;
  let identity = inSize === outSize;
  const last = inSize - 1;
  for (let x = 0; x < outSize; x += 1) {
    const c = sourceCoordinate(mode, x, inSize, outSize, scale, roiStart, roiEnd);
    if (mode === 'tf_crop_and_resize' && (c < 0 || c > last)) outside[x] = 1;
    if (attrs.mode === 'nearest') {
      index[2 * x] = Math.min(Math.max(nearestIndex(nearest, c), 0), last);
      weight[2 * x] = 1;
    } else {
      const clamped = Math.min(Math.max(c, 0), last);
      const low = Math.floor(clamped);
      const fraction = clamped - low;
      index[2 * x] = low;
      weight[2 * x] = 1 - fraction;
      index[2 * x + 1] = Math.min(low + 1, last);
      weight[2 * x + 1] = fraction;
    }
    if (index[2 * x] !== x || weight[2 * x] !== 1 || outside[x] === 1) identity = false;
  }
  return { index, weight, outside, identity };
}

/** Resamples `data` along `axis` by `plan`. */
function resampleAxis(
  data: FloatArray,
  dims: readonly number[],
  axis: number,
  plan: AxisPlan,
): { data: Float64Array; dims: number[] } {
  const outSize = plan.outside.length;
  let outer = 1;
  for (let i = 0; i < axis; i += 1) outer *= dims[i] ?? 1;
  let inner = 1;
  for (let i = axis + 1; i < dims.length; i += 1) inner *= dims[i] ?? 1;
  const inSize = dims[axis] ?? 1;
  const out = new Float64Array(outer * outSize * inner);
  for (let block = 0; block < outer; block += 1) {
    for (let o = 0; o < outSize; o += 1) {
      const w0 = plan.weight[2 * o] ?? 0;
      const w1 = plan.weight[2 * o + 1] ?? 0;
      const src0 = (block * inSize + (plan.index[2 * o] ?? 0)) * inner;
      const src1 = (block * inSize + (plan.index[2 * o + 1] ?? 0)) * inner;
      const dst = (block * outSize + o) * inner;
      for (let i = 0; i < inner; i += 1)
        out[dst + i] = w1 === 0 ? (data[src0 + i] ?? 0) * w0 : (data[src0 + i] ?? 0) * w0 + (data[src1 + i] ?? 0) * w1;
    }
  }
  const outDims = [...dims];
  outDims[axis] = outSize;
  return { data: out, dims: outDims };
}

/** Sets every output with an out-of-range coordinate on any axis to `value`. */
function extrapolate(data: Float64Array, dims: readonly number[], plans: readonly AxisPlan[], value: number): void {
  const position = new Array<number>(dims.length).fill(0);
  for (let i = 0; i < data.length; i += 1) {
    if (plans.some((plan, axis) => plan.outside[position[axis] ?? 0] === 1)) data[i] = value;
    for (let axis = dims.length - 1; axis >= 0; axis -= 1) {
      const next = (position[axis] ?? 0) + 1;
      if (next < (dims[axis] ?? 1)) {
        position[axis] = next;
        break;
      }
      position[axis] = 0;
    }
  }
}

export const Resize = defineOp({
  opType: 'Resize',
  domain: '',
  versions: [10, 11, 13, 18, 19],
  inputs: [
    { name: 'X', type: 'T1' },
    { name: 'roi', type: 'T2', optional: true, since: 11 },
    { name: 'scales', type: 'F', optional: true },
    { name: 'sizes', type: 'I', optional: true, since: 11 },
  ],
  outputs: [{ name: 'Y', type: 'T1' }],
  attributes: {
    mode: attr.enum('mode', ['nearest', 'linear', 'cubic'] as const, 'nearest'),
    coordinateTransformationMode: attr.enum('coordinate_transformation_mode', COORDINATE_MODES, 'half_pixel', {
      since: 11,
    }),
    cubicCoeffA: attr.float('cubic_coeff_a', -0.75, { since: 11 }),
    excludeOutside: attr.int('exclude_outside', 0, { since: 11 }),
    extrapolationValue: attr.float('extrapolation_value', 0, { since: 11 }),
    nearestMode: attr.enum('nearest_mode', NEAREST_MODES, 'round_prefer_floor', { since: 11 }),
    antialias: attr.int('antialias', 0, { since: 18 }),
    axes: attr.optionalInts('axes', { since: 18 }),
    keepAspectRatioPolicy: attr.enum(
      'keep_aspect_ratio_policy',
      ['stretch', 'not_larger', 'not_smaller'] as const,
      'stretch',
      { since: 18 },
    ),
  },
  types: {
    T1: { types: ALL_TYPES, unimplemented: ALL_TYPES.filter((dtype) => !FLOAT_TYPES.includes(dtype)) },
    T2: { types: [DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE] },
    F: { types: [DataType.FLOAT] },
    I: { types: [DataType.INT64] },
  },
  infer(ctx) {
    checkSupported(ctx.node, ctx.attrs);
    const x = requireType(ctx, 0);
    if (x.shape === null) return [{ dtype: x.dtype, shape: null }];
    const shape = x.shape;
    const known = (which: 'scales' | 'sizes'): Tensor | null | undefined => {
      const index = inputIndex(ctx.opset, which);
      if (index === undefined || ctx.inputs[index] === null || ctx.inputs[index] === undefined) return null;
      return ctx.constant(index);
    };
    const scales = known('scales');
    const sizes = known('sizes');
    const request = readRequest(scales, sizes, ctx.fail);
    if (request === undefined) {
      if (scales === null && sizes === null)
        ctx.fail(`one of scales and sizes must be given (input shape ${formatShape(shape)})`);
      return [{ dtype: x.dtype, shape: shape.map(() => SymDim.unknown()) }];
    }
    return [{ dtype: x.dtype, shape: perAxis(shape, request, ctx.attrs.axes, ctx.fail).sizes }];
  },
  run(ctx) {
    checkSupported(ctx.node, ctx.attrs);
    const x = requireInput(ctx, 0);
    const optional = (which: 'roi' | 'scales' | 'sizes'): Tensor | null => {
      const index = inputIndex(ctx.opset, which);
      return index === undefined ? null : (ctx.inputs[index] ?? null);
    };
    const request = readRequest(optional('scales'), optional('sizes'), ctx.fail);
    if (request === undefined) return ctx.fail(`one of scales and sizes must be given (input ${x.describe()})`);
    const { scales, sizes } = perAxis(x.dims, request, ctx.attrs.axes, ctx.fail);
    const roi = optional('roi');
    const roiValues = roi === null || roi.size === 0 ? undefined : roi.toNumbers();
    const axes =
      ctx.attrs.axes === undefined
        ? x.dims.map((_, axis) => axis)
        : normalizeAxes(ctx.attrs.axes, x.dims.length, ctx.fail);
    if (roiValues !== undefined && roiValues.length !== 2 * axes.length)
      ctx.fail(
        `roi has ${roiValues.length} values, expected ${2 * axes.length} (starts then ends of the resized axes)`,
      );
    const plans = x.dims.map((inSize, axis) => {
      const outSize = sizes[axis];
      if (typeof outSize !== 'number') return ctx.fail('internal: symbolic output size at run time');
      const slot = axes.indexOf(axis);
      const roiStart = slot < 0 || roiValues === undefined ? 0 : (roiValues[slot] ?? 0);
      const roiEnd = slot < 0 || roiValues === undefined ? 1 : (roiValues[slot + axes.length] ?? 1);
      return planAxis(ctx.attrs, ctx.opset, inSize, outSize, scales[axis] ?? outSize / inSize, roiStart, roiEnd);
    });
    // Axis i is resampled after axes < i: its float64 intermediate has the output sizes before i and the input
    // sizes from i on; each output element mixes two inputs.
    const stepDims = [...x.dims];
    plans.forEach((plan, axis) => {
      if (plan.identity) return;
      stepDims[axis] = plan.outside.length;
      const elements = stepDims.reduce((size, dim) => size * Math.max(dim, 1), 1);
      checkScratch(ctx, elements, `the intermediate [${stepDims.join(', ')}] after resizing axis ${axis}`);
      ctx.charge(2 * elements, `resampling axis ${axis}`);
    });
    let current: { data: FloatArray; dims: number[] } = { data: floatData(x, ctx.fail), dims: [...x.dims] };
    plans.forEach((plan, axis) => {
      if (!plan.identity) current = resampleAxis(current.data, current.dims, axis, plan);
    });
    const out = current.data instanceof Float64Array ? current.data : Float64Array.from(current.data);
    if (ctx.opset >= 11 && ctx.attrs.coordinateTransformationMode === 'tf_crop_and_resize')
      extrapolate(out, current.dims, plans, ctx.attrs.extrapolationValue);
    return [elementTensor(x.dtype, current.dims, out)];
  },
});
