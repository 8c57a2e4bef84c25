/**
 * GridSample (opsets 16, 20, 22): samples X at the normalised positions of `grid` (the sampler of a Spatial
 * Transformer Network, PyTorch's grid_sample). 16: 4-D X only, modes `bilinear` (default), `nearest`, `bicubic`.
 * 20: any spatial rank, the modes renamed `linear` (default), `nearest`, `cubic`. 22: bfloat16 grids.
 * Spec: https://onnx.ai/onnx/operators/onnx__GridSample.html
 *
 * Shapes: X `[N, C, D1..Dr]`, grid `[N, O1..Or, r]`, Y `[N, C, O1..Or]`. The r coordinates of a grid point are
 * listed innermost axis first (x, y, z): coordinate `k` addresses spatial axis `r-1-k`. On an axis of size d,
 * the normalised value v maps to the pixel coordinate
 *   align_corners=1: x = (v + 1) / 2 * (d - 1)      (-1 and 1 are the centres of the corner pixels)
 *   align_corners=0: x = ((v + 1) * d - 1) / 2      (-1 and 1 are the outer edges of the corner pixels)
 * A coordinate outside [lo, hi] (lo, hi = 0, d-1 with align_corners, else -0.5, d-0.5) is, for padding_mode
 *   border:     clamped to [0, d-1];
 *   reflection: reflected at lo and hi until inside;
 *   zeros:      left as is (taps outside the input read 0).
 * Modes: nearest rounds the coordinate half to even; linear mixes taps floor(x), floor(x)+1 with weights 1-t, t;
 * cubic mixes floor(x)-1 .. floor(x)+2 with Keys' weights (a = -0.75). N-D interpolation is the tensor product of
 * the per-axis weights; a tap index outside the input reads 0 (zeros), the clamped index (border) or the
 * reflected index (reflection). Computed in float64; integer X is cast back at the end (interpolation.ts).
 * In cubic mode the border/reflection rule above moves only the taps, not the coordinate: that is PyTorch's
 * bicubic grid_sample (which the op mirrors) and onnxruntime's kernel. The ONNX reference evaluator moves the
 * coordinate first in cubic mode too, which gives other values next to the border; no conformance case covers it.
 * (For nearest and linear both readings agree.)
 */
import { formatShape, type Dim } from '../ir/dim.js';
import { ALL_TYPES, DataType, FLOAT_TYPES } from '../ir/dtype.js';
import { OpError } from '../ir/errors.js';
import { Attr } from '../ir/attribute.js';
import { attr, type AttrSpec } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { floatData } from './shared/float.js';
import { castValues, cubicWeights, valuesOf } from './shared/interpolation.js';

/** The opset that renamed the modes and allowed any spatial rank. */
const ND_SINCE = 20;
/** Mode names by opset: 16–19 and 20+, same meaning in the same order. */
const MODES_16 = ['bilinear', 'nearest', 'bicubic'] as const;
const MODES_20 = ['linear', 'nearest', 'cubic'] as const;
type Mode = (typeof MODES_16)[number] | (typeof MODES_20)[number];
type Padding = 'zeros' | 'border' | 'reflection';

/** The kernel's name for a mode of either spelling (same meaning in the same order). */
function kernelMode(mode: Mode): (typeof MODES_20)[number] {
  const index = Math.max((MODES_20 as readonly string[]).indexOf(mode), (MODES_16 as readonly string[]).indexOf(mode));
  return MODES_20[index] ?? 'linear';
}

/**
 * The mode attribute, whose names depend on the opset: absent, it is the opset's linear mode; present, it must be
 * one of that opset's names (GridSample-16: bilinear, nearest, bicubic; 20 and later: linear, nearest, cubic).
 * The linear mode is the default of both, so it is left out when serialised.
 */
const modeAttribute: AttrSpec<Mode, false> = {
  onnxName: 'mode',
  required: false,
  parse(attribute, context) {
    const names: readonly Mode[] = context.opset >= ND_SINCE ? MODES_20 : MODES_16;
    if (attribute === undefined) return names[0] ?? 'linear';
    const fail = (detail: string): never => {
      throw new OpError(context.node, `attribute 'mode' ${detail}`, 'E_ATTR');
    };
    if (attribute.kind !== 'string') return fail(`must be a string, got ${attribute.kind}`);
    return (
      names.find((name) => name === attribute.value) ??
      fail(
        `${JSON.stringify(attribute.value)} is not valid at opset ${context.opset}: GridSample-16 names the modes ` +
          `${MODES_16.join(', ')}, GridSample-20 and later ${MODES_20.join(', ')}`,
      )
    );
  },
  serialize: (value) => (kernelMode(value) === 'linear' ? undefined : Attr.string(value)),
};

/** Reflects x at lo and hi until it lies in [lo, hi] (an empty range maps everything to lo). */
function reflect(x: number, lo: number, hi: number): number {
  const range = hi - lo;
  if (range <= 0) return lo;
  if (x >= lo && x <= hi) return x;
  const beyond = x < lo ? lo - x : x - hi;
  const flips = Math.trunc(beyond / range);
  const rest = beyond - flips * range;
  // An even number of whole flips leaves x next to the border it crossed, an odd number next to the other one.
  return x < lo === (flips % 2 === 0) ? lo + rest : hi - rest;
}

/** Rounds half to even (what the spec asks of nearest mode). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** One axis of a sampling point: tap indices (already padded: -1 reads 0) and their weights. */
interface AxisTaps {
  readonly indices: number[];
  readonly weights: number[];
}

/** The taps of one axis of size `size` for normalised value `v`. */
function axisTaps(
  v: number,
  size: number,
  mode: 'linear' | 'nearest' | 'cubic',
  padding: Padding,
  align: boolean,
): AxisTaps {
  const [lo, hi] = align ? [0, size - 1] : [-0.5, size - 0.5];
  let x = align ? ((v + 1) / 2) * (size - 1) : ((v + 1) * size - 1) / 2;
  // A NaN coordinate samples NaN in every mode (integer outputs then cast it to 0).
  if (Number.isNaN(x)) return { indices: [0], weights: [Number.NaN] };
  if (mode === 'nearest') x = roundHalfEven(x);
  // Cubic mode pads each tap on its own and leaves the coordinate where it is (see the module comment).
  if (mode !== 'cubic' && (x < lo || x > hi)) {
    if (padding === 'border') x = Math.min(Math.max(x, 0), size - 1);
    else if (padding === 'reflection') x = reflect(x, lo, hi);
  }
  const pad = (i: number): number => {
    if (i >= 0 && i < size) return i;
    if (padding === 'zeros') return -1;
    if (padding === 'border') return Math.min(Math.max(i, 0), size - 1);
    return Math.trunc(reflect(i, lo, hi));
  };
  if (mode === 'nearest') return { indices: [pad(Math.trunc(x))], weights: [1] };
  const base = Math.floor(x);
  const t = x - base;
  if (mode === 'linear') return { indices: [pad(base), pad(base + 1)], weights: [1 - t, t] };
  return { indices: [-1, 0, 1, 2].map((k) => pad(base + k)), weights: cubicWeights(t) };
}

/** Checks X and grid against each other (known dims only) and returns the output shape's spatial part. */
function checkShapes<D extends Dim>(
  x: readonly D[],
  grid: readonly D[],
  opset: number,
  fail: (detail: string) => never,
): readonly D[] {
  const describe = `X ${formatShape(x)}, grid ${formatShape(grid)}`;
  const rank = x.length - 2;
  if (opset < ND_SINCE && x.length !== 4) fail(`X must be 4-D [N, C, H, W] before opset ${ND_SINCE}; ${describe}`);
  if (rank < 1) fail(`X must have rank >= 3 (N, C, spatial...); ${describe}`);
  if (grid.length !== x.length) fail(`grid must have the rank of X ([N, D1_out..Dr_out, r]); ${describe}`);
  const last = grid[grid.length - 1];
  if (typeof last === 'number' && last !== rank)
    fail(`the last dim of grid must be ${rank}, the spatial rank of X; ${describe}`);
  const [n, m] = [x[0], grid[0]];
  if (typeof n === 'number' && typeof m === 'number' && n !== m) fail(`X and grid must have the same N; ${describe}`);
  return grid.slice(1, -1);
}

export const GridSample = defineOp({
  opType: 'GridSample',
  domain: '',
  versions: [16, ND_SINCE, 22],
  inputs: [
    { name: 'X', type: 'T1' },
    { name: 'grid', type: 'T2' },
  ],
  outputs: [{ name: 'Y', type: 'T1' }],
  attributes: {
    alignCorners: attr.int('align_corners', 0, {
      check: (v) => (v === 0 || v === 1 ? undefined : `must be 0 or 1, got ${v}`),
    }),
    mode: modeAttribute,
    paddingMode: attr.enum('padding_mode', ['zeros', 'border', 'reflection'] as const, 'zeros'),
  },
  types: {
    T1: { types: ALL_TYPES, unimplemented: [DataType.STRING] },
    T2: { types: FLOAT_TYPES, since: addedAt({ 22: [DataType.BFLOAT16] }) },
  },
  infer(ctx) {
    const x = requireType(ctx, 0);
    const grid = requireType(ctx, 1).shape;
    if (x.shape === null || grid === null) return [{ dtype: x.dtype, shape: null }];
    const spatial = checkShapes(x.shape, grid, ctx.opset, ctx.fail);
    return [{ dtype: x.dtype, shape: [x.shape[0] ?? 0, x.shape[1] ?? 0, ...spatial] }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const grid = requireInput(ctx, 1);
    const mode = kernelMode(ctx.attrs.mode);
    const outSpatial = checkShapes(x.dims, grid.dims, ctx.opset, ctx.fail);
    const [batch = 0, channels = 0, ...inSpatial] = x.dims;
    const rank = inSpatial.length;
    const inPlane = inSpatial.reduce((size, dim) => size * dim, 1);
    const outPlane = outSpatial.reduce((size, dim) => size * dim, 1);
    const input = valuesOf(x, ctx.fail);
    const points = floatData(grid, ctx.fail);
    const out = new Float64Array(batch * channels * outPlane);
    const align = ctx.attrs.alignCorners === 1;
    for (let n = 0; n < batch; n += 1) {
      for (let o = 0; o < outPlane; o += 1) {
        const at = (n * outPlane + o) * rank;
        // Coordinate k of the point addresses spatial axis rank-1-k.
        const taps = inSpatial.map((size, axis) =>
          axisTaps(points[at + rank - 1 - axis] ?? 0, size, mode, ctx.attrs.paddingMode, align),
        );
        for (let c = 0; c < channels; c += 1) {
          const plane = (n * channels + c) * inPlane;
          out[(n * channels + c) * outPlane + o] = tensorProduct(
            taps,
            inSpatial,
            (offset) => input[plane + offset] ?? 0,
          );
        }
      }
    }
    return [castValues(x.dtype, [batch, channels, ...outSpatial], out)];
  },
});

/** Σ over every combination of per-axis taps of Π weights · value(offset); a -1 index on any axis reads 0. */
function tensorProduct(taps: readonly AxisTaps[], sizes: readonly number[], value: (offset: number) => number): number {
  let total = 0;
  const visit = (axis: number, offset: number, weight: number, outside: boolean): void => {
    const axisTaps = taps[axis];
    if (axisTaps === undefined) {
      total += weight * (outside ? 0 : value(offset));
      return;
    }
    const size = sizes[axis] ?? 1;
    axisTaps.indices.forEach((index, k) => {
      visit(axis + 1, offset * size + Math.max(index, 0), weight * (axisTaps.weights[k] ?? 0), outside || index < 0);
    });
  };
  visit(0, 0, 1, false);
  return total;
}
