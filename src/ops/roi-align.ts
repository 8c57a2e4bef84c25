/**
 * RoiAlign (opsets 10, 16, 22): pools every region of interest `rois[r] = [x1, y1, x2, y2]` (input coordinates
 * times spatial_scale) of image `batch_indices[r]` into an `output_height × output_width` grid, each bin the
 * average (or max) of bilinearly interpolated sampling points. 16 added coordinate_transformation_mode (default
 * `half_pixel`; opset 10 behaves as `output_half_pixel`), 22 added bfloat16.
 * Spec: https://onnx.ai/onnx/operators/onnx__RoiAlign.html
 *
 * Per ROI, with `off = 0.5` for half_pixel and 0 for output_half_pixel:
 *   start = roi_start * spatial_scale - off,  extent = (roi_end - roi_start) * spatial_scale,
 *   output_half_pixel only: extent = max(extent, 1)   (malformed ROIs become 1×1),
 *   bin = extent / output_size,  grid = sampling_ratio > 0 ? sampling_ratio : ceil(extent / output_size),
 *   sample (iy, ix) of bin (ph, pw) at y = start_h + ph*bin_h + (iy + 0.5)*bin_h/grid_h (x likewise).
 * A sample outside `[-1, H] × [-1, W]` contributes 0; otherwise it is clamped to `>= 0` (and to the last
 * row/column, where it reads that row/column alone) and reads its four neighbours with weights
 * `(1-ly)(1-lx), (1-ly)lx, ly(1-lx), ly·lx`.
 *   avg: Σ over samples of Σ w_i·v_i, divided by max(grid_h * grid_w, 1).
 *   max: the maximum over samples of max_i(w_i·v_i) — the largest weighted corner term, not the interpolated
 *        value: what onnxruntime computes and the ONNX reference reproduces (the conformance data has only avg).
 *
 * Shapes: X `[N, C, H, W]`, rois `[R, 4]`, batch_indices `[R]` (int64), Y `[R, C, output_height, output_width]`.
 * Computed in float64, rounded once.
 */
import { formatShape, type Dim } from '../ir/dim.js';
import { DataType } from '../ir/dtype.js';
import { OpError } from '../ir/errors.js';
import { Attr } from '../ir/attribute.js';
import { attr, type AttrSpec } from './core/attributes.js';
import { checkScratch, defineOp, requireInput, requireType } from './core/op.js';
import { intsOf } from './shared/elementwise.js';
import { elementTensor, floatData } from './shared/float.js';
import { POOL_TYPES } from './shared/pool-op.js';

/** The opset that added coordinate_transformation_mode (before it, the behaviour is output_half_pixel). */
const MODE_SINCE = 16;

const COORDINATE_MODES = ['half_pixel', 'output_half_pixel'] as const;
type CoordinateMode = (typeof COORDINATE_MODES)[number];

/**
 * coordinate_transformation_mode, whose absence means different things by opset: `output_half_pixel` before 16
 * (RoiAlign-10's only behaviour), `half_pixel` from 16. Because no default holds at every opset, the value is
 * always written out when serialised (an explicit attribute means the same at every opset that has it).
 */
const coordinateModeAttribute: AttrSpec<CoordinateMode, false> = {
  onnxName: 'coordinate_transformation_mode',
  required: false,
  since: MODE_SINCE,
  parse(attribute, context) {
    if (attribute === undefined) return context.opset < MODE_SINCE ? 'output_half_pixel' : 'half_pixel';
    const fail = (detail: string): never => {
      throw new OpError(context.node, `attribute 'coordinate_transformation_mode' ${detail}`, 'E_ATTR');
    };
    if (attribute.kind !== 'string') return fail(`must be a string, got ${attribute.kind}`);
    const value = COORDINATE_MODES.find((mode) => mode === attribute.value);
    return value ?? fail(`must be one of ${COORDINATE_MODES.join(', ')}, got ${JSON.stringify(attribute.value)}`);
  },
  serialize: (value) => Attr.string(value),
};

/** One sampling point: four flat offsets inside a channel plane and their bilinear weights (all 0 outside). */
interface Sample {
  readonly offsets: readonly [number, number, number, number];
  readonly weights: readonly [number, number, number, number];
}

/** The ROI geometry of one axis: where the ROI starts, its bin size and the number of samples per bin. */
interface RoiAxis {
  readonly start: number;
  readonly bin: number;
  readonly grid: number;
}

function roiAxis(begin: number, end: number, bins: number, halfPixel: boolean, scale: number, ratio: number): RoiAxis {
  const offset = halfPixel ? 0.5 : 0;
  const start = begin * scale - offset;
  const extent = halfPixel ? end * scale - offset - start : Math.max(end * scale - offset - start, 1);
  return { start, bin: extent / bins, grid: ratio > 0 ? ratio : Math.ceil(extent / bins) };
}

/** The bilinear sample at (y, x) of an `height × width` plane (see the module comment for the edge rules). */
function sampleAt(y: number, x: number, height: number, width: number): Sample {
  if (y < -1 || y > height || x < -1 || x > width) return { offsets: [0, 0, 0, 0], weights: [0, 0, 0, 0] };
  const corner = (v: number, size: number): { low: number; high: number; frac: number } => {
    const clamped = Math.max(v, 0);
    const low = Math.floor(clamped);
    return low >= size - 1 ? { low: size - 1, high: size - 1, frac: 0 } : { low, high: low + 1, frac: clamped - low };
  };
  const r = corner(y, height);
  const c = corner(x, width);
  return {
    offsets: [r.low * width + c.low, r.low * width + c.high, r.high * width + c.low, r.high * width + c.high],
    weights: [(1 - r.frac) * (1 - c.frac), (1 - r.frac) * c.frac, r.frac * (1 - c.frac), r.frac * c.frac],
  };
}

/** One output bin from its samples of the channel plane at `source` (avg or max, see the module comment). */
function binValue(
  bin: readonly Sample[],
  input: ArrayLike<number>,
  source: number,
  mode: 'avg' | 'max',
  divisor: number,
): number {
  let result = 0;
  bin.forEach((sample, i) => {
    const terms = sample.weights.map((w, k) => w * (input[source + (sample.offsets[k] ?? 0)] ?? 0));
    if (mode === 'avg') result += terms.reduce((sum, term) => sum + term, 0);
    else result = i === 0 ? Math.max(...terms) : Math.max(result, ...terms);
  });
  return mode === 'avg' ? result / divisor : result;
}

/** Checks the input shapes (known dims only) and returns the number of ROIs. */
function checkShapes(
  x: readonly Dim[],
  rois: readonly Dim[],
  indices: readonly Dim[],
  fail: (d: string) => never,
): Dim {
  const describe = `X ${formatShape(x)}, rois ${formatShape(rois)}, batch_indices ${formatShape(indices)}`;
  if (x.length !== 4) fail(`X must be 4-D [N, C, H, W]; ${describe}`);
  if (rois.length !== 2 || (typeof rois[1] === 'number' && rois[1] !== 4))
    fail(`rois must be [num_rois, 4]; ${describe}`);
  if (indices.length !== 1) fail(`batch_indices must be 1-D [num_rois]; ${describe}`);
  const [count = 0] = rois;
  const [other = 0] = indices;
  if (typeof count === 'number' && typeof other === 'number' && count !== other)
    fail(`rois and batch_indices must list the same number of ROIs; ${describe}`);
  return typeof count === 'number' ? count : other;
}

export const RoiAlign = defineOp({
  opType: 'RoiAlign',
  domain: '',
  versions: [10, MODE_SINCE, 22],
  inputs: [
    { name: 'X', type: 'T1' },
    { name: 'rois', type: 'T1' },
    { name: 'batch_indices', type: 'T2' },
  ],
  outputs: [{ name: 'Y', type: 'T1' }],
  attributes: {
    coordinateTransformationMode: coordinateModeAttribute,
    mode: attr.enum('mode', ['avg', 'max'] as const, 'avg'),
    outputHeight: attr.int('output_height', 1, { check: (v) => (v >= 1 ? undefined : `must be >= 1, got ${v}`) }),
    outputWidth: attr.int('output_width', 1, { check: (v) => (v >= 1 ? undefined : `must be >= 1, got ${v}`) }),
    samplingRatio: attr.int('sampling_ratio', 0, { check: (v) => (v >= 0 ? undefined : `must be >= 0, got ${v}`) }),
    spatialScale: attr.float('spatial_scale', 1),
  },
  types: { T1: POOL_TYPES, T2: { types: [DataType.INT64] } },
  infer(ctx) {
    const x = requireType(ctx, 0);
    const rois = requireType(ctx, 1).shape;
    const indices = requireType(ctx, 2).shape;
    if (x.shape === null || rois === null || indices === null) return [{ dtype: x.dtype, shape: null }];
    const count = checkShapes(x.shape, rois, indices, ctx.fail);
    return [{ dtype: x.dtype, shape: [count, x.shape[1] ?? 0, ctx.attrs.outputHeight, ctx.attrs.outputWidth] }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const rois = requireInput(ctx, 1);
    const indices = requireInput(ctx, 2);
    const count = checkShapes(x.dims, rois.dims, indices.dims, ctx.fail);
    const [images = 0, channels = 0, height = 0, width = 0] = x.dims;
    const { outputHeight, outputWidth, samplingRatio, mode } = ctx.attrs;
    const halfPixel = ctx.attrs.coordinateTransformationMode === 'half_pixel';
    const scale = Math.fround(ctx.attrs.spatialScale);
    const input = floatData(x, ctx.fail);
    const boxes = floatData(rois, ctx.fail);
    const batchOf = intsOf(indices, ctx.fail);
    const plane = height * width;
    const bins = outputHeight * outputWidth;
    const out = new Float64Array(Number(count) * channels * bins);
    for (let r = 0; r < Number(count); r += 1) {
      const image = batchOf[r] ?? 0;
      if (!(image >= 0 && image < images))
        ctx.fail(`batch_indices[${r}] = ${image} is out of range for X with N=${images}`);
      const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = [0, 1, 2, 3].map((k) => boxes[r * 4 + k] ?? 0);
      const rows = roiAxis(y1, y2, outputHeight, halfPixel, scale, samplingRatio);
      const cols = roiAxis(x1, x2, outputWidth, halfPixel, scale, samplingRatio);
      // The grid comes from the attribute or from the ROI's extent (a stranger's numbers): size the sampling points
      // and their work against the limits before making or walking them.
      const grid = `${rows.grid}×${cols.grid}`;
      checkScratch(ctx, bins * rows.grid * cols.grid, `the sampling points of ROI ${r} (${bins} bins × ${grid})`);
      ctx.charge(channels * bins * rows.grid * cols.grid * 4, `bilinear taps of ROI ${r}`);
      const divisor = Math.max(rows.grid * cols.grid, 1);
      // The sampling points of every bin, shared by all channels.
      const samples: Sample[][] = [];
      for (let ph = 0; ph < outputHeight; ph += 1) {
        for (let pw = 0; pw < outputWidth; pw += 1) {
          const bin: Sample[] = [];
          for (let iy = 0; iy < rows.grid; iy += 1) {
            const y = rows.start + ph * rows.bin + ((iy + 0.5) * rows.bin) / rows.grid;
            for (let ix = 0; ix < cols.grid; ix += 1) {
              const xPos = cols.start + pw * cols.bin + ((ix + 0.5) * cols.bin) / cols.grid;
              bin.push(sampleAt(y, xPos, height, width));
            }
          }
          samples.push(bin);
        }
      }
      for (let c = 0; c < channels; c += 1) {
        const source = (image * channels + c) * plane;
        const target = (r * channels + c) * bins;
        samples.forEach((bin, b) => {
          out[target + b] = binValue(bin, input, source, mode, divisor);
        });
      }
    }
    return [elementTensor(x.dtype, [Number(count), channels, outputHeight, outputWidth], out)];
  },
});
