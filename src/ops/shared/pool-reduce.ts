/**
 * Separable window reduction: a k1×k2×… window max or mean is a 1-D window reduction along each spatial axis in
 * turn (max and sum over a product of index sets factor per axis; a mean's divisor is the product of per-axis
 * counts, so each axis divides by its own count). This costs Σk instead of Πk reads per output. Undilated max
 * windows take the faster path in sliding-max.ts.
 */
import { axisTaps, type AxisGeometry, type AxisTaps } from './pool-geometry.js';
import { hasSlidingMax, LOWEST_FLOAT32, slidingMax, slidingMaxPool2d } from './sliding-max.js';
import { wasmMaxPool2d } from './wasm-max-pool.js';

/** Float storage the pooling kernels work on. */
export type FloatArray = Float32Array | Float64Array;

/** How one axis reduces its window. */
export type AxisReduction =
  | { readonly kind: 'max' }
  /** Sum, then divide by `divisors[o]` (omit for a plain sum). */
  | { readonly kind: 'sum'; readonly divisors?: Int32Array };

/** The geometry of one `reduceWindows` call: `outer` blocks of `inSize × inner` elements each. */
interface Layout {
  readonly outer: number;
  readonly inSize: number;
  readonly inner: number;
  readonly outSize: number;
}

/**
 * Max along an axis whose elements are contiguous (`inner === 1`). A NaN tap makes the window NaN, as in
 * onnxruntime; an empty window (all padding) gives the lowest finite float32.
 */
function maxContiguous(data: FloatArray, out: FloatArray, layout: Layout, taps: AxisTaps): void {
  const { offsets, indices } = taps;
  for (let block = 0; block < layout.outer; block += 1) {
    const inBase = block * layout.inSize;
    const outBase = block * layout.outSize;
    for (let o = 0; o < layout.outSize; o += 1) {
      const first = offsets[o] ?? 0;
      const last = offsets[o + 1] ?? 0;
      let best = first === last ? LOWEST_FLOAT32 : (data[inBase + (indices[first] ?? 0)] ?? 0);
      for (let t = first + 1; t < last; t += 1) {
        const value = data[inBase + (indices[t] ?? 0)] ?? 0;
        if (value > best || value !== value) best = value;
      }
      out[outBase + o] = best;
    }
  }
}

/** Sum along a contiguous axis, divided by `divisors[o]` when given (an empty window sums to 0). */
function sumContiguous(
  data: FloatArray,
  out: FloatArray,
  layout: Layout,
  taps: AxisTaps,
  divisors: Int32Array | undefined,
): void {
  const { offsets, indices } = taps;
  for (let block = 0; block < layout.outer; block += 1) {
    const inBase = block * layout.inSize;
    const outBase = block * layout.outSize;
    for (let o = 0; o < layout.outSize; o += 1) {
      const last = offsets[o + 1] ?? 0;
      let total = 0;
      for (let t = offsets[o] ?? 0; t < last; t += 1) total += data[inBase + (indices[t] ?? 0)] ?? 0;
      const divisor = divisors?.[o] ?? 1;
      out[outBase + o] = divisor === 0 ? total : total / divisor;
    }
  }
}

/** Max or sum along an axis with `inner > 1` trailing elements: whole rows of `inner` at a time. */
function reduceRows(data: FloatArray, out: FloatArray, layout: Layout, taps: AxisTaps, reduction: AxisReduction): void {
  const { offsets, indices } = taps;
  const { inner } = layout;
  const isMax = reduction.kind === 'max';
  for (let block = 0; block < layout.outer; block += 1) {
    const inBase = block * layout.inSize * inner;
    const outBase = block * layout.outSize * inner;
    for (let o = 0; o < layout.outSize; o += 1) {
      const first = offsets[o] ?? 0;
      const last = offsets[o + 1] ?? 0;
      const dst = outBase + o * inner;
      if (first === last) {
        out.fill(isMax ? LOWEST_FLOAT32 : 0, dst, dst + inner);
        continue;
      }
      const src0 = inBase + (indices[first] ?? 0) * inner;
      out.set(data.subarray(src0, src0 + inner), dst);
      for (let t = first + 1; t < last; t += 1) {
        const src = inBase + (indices[t] ?? 0) * inner;
        if (isMax) {
          for (let i = 0; i < inner; i += 1) {
            const value = data[src + i] ?? 0;
            const current = out[dst + i] ?? 0;
            if (value > current || value !== value) out[dst + i] = value;
          }
        } else {
          for (let i = 0; i < inner; i += 1) out[dst + i] = (out[dst + i] ?? 0) + (data[src + i] ?? 0);
        }
      }
      const divisor = reduction.kind === 'sum' ? (reduction.divisors?.[o] ?? 1) : 1;
      if (divisor !== 1 && divisor !== 0)
        for (let i = 0; i < inner; i += 1) out[dst + i] = (out[dst + i] ?? 0) / divisor;
    }
  }
}

/**
 * Reduces `data` (row-major, shape `dims`) along `axis` with the given windows; returns the new data and dims.
 * The result has the same array type as the input. NaN propagates through a max.
 */
export function reduceWindows(
  data: FloatArray,
  dims: readonly number[],
  axis: number,
  taps: AxisTaps,
  reduction: AxisReduction,
): { data: FloatArray; dims: number[] } {
  let outer = 1;
  for (let i = 0; i < axis; i += 1) outer *= dims[i] ?? 1;
  let inner = 1;
  for (let i = axis + 1; i < dims.length; i += 1) inner *= dims[i] ?? 1;
  const layout: Layout = { outer, inSize: dims[axis] ?? 1, inner, outSize: taps.offsets.length - 1 };
  const length = outer * layout.outSize * inner;
  const out = data instanceof Float32Array ? new Float32Array(length) : new Float64Array(length);
  if (inner !== 1) reduceRows(data, out, layout, taps, reduction);
  else if (reduction.kind === 'max') maxContiguous(data, out, layout, taps);
  else sumContiguous(data, out, layout, taps, reduction.divisors);
  const outDims = [...dims];
  outDims[axis] = layout.outSize;
  return { data: out, dims: outDims };
}

/**
 * How a whole pooling window reduces: `max` (padding never wins), `sum`, or a mean whose divisor counts either
 * the taps inside the padded extent (`mean-include-pad`, ONNX count_include_pad=1; the ceil-mode overhang past
 * the end padding is not counted) or only the real input taps (`mean-exclude-pad`).
 */
export type PoolReduction = 'max' | 'sum' | 'mean-include-pad' | 'mean-exclude-pad';

/** Per-window divisors of one axis: the count of real taps, or of taps inside the padded extent. */
function axisDivisors(taps: AxisTaps, reduction: PoolReduction): Int32Array | undefined {
  if (reduction === 'mean-include-pad') return taps.paddedCounts;
  if (reduction !== 'mean-exclude-pad') return undefined;
  const counts = new Int32Array(taps.offsets.length - 1);
  for (let o = 0; o < counts.length; o += 1) counts[o] = (taps.offsets[o + 1] ?? 0) - (taps.offsets[o] ?? 0);
  return counts;
}

/**
 * Pools `data` (row-major `[N, C, ...spatial]`) over the windows `axes` (one per spatial axis), one axis at a
 * time. A max stays in the input's float type (it is exact); sums and means accumulate in float64, so a float32
 * input is rounded once, by the caller. A mean window with no taps at all (only possible with
 * count_include_pad=0 and a window entirely in the padding) gives 0.
 */
export function poolWindows(
  data: FloatArray,
  dims: readonly number[],
  axes: readonly AxisGeometry[],
  reduction: PoolReduction,
): { data: FloatArray; dims: number[] } {
  let current: { data: FloatArray; dims: number[] } = {
    data: reduction === 'max' || data instanceof Float64Array ? data : Float64Array.from(data),
    dims: [...dims],
  };
  const simd =
    reduction === 'max' && current.data instanceof Float32Array
      ? wasmMaxPool2d(current.data, current.dims, axes)
      : undefined;
  if (simd !== undefined) return simd;
  const planar = reduction === 'max' ? slidingMaxPool2d(current.data, current.dims, axes) : undefined;
  if (planar !== undefined) return planar;
  axes.forEach((axis, i) => {
    if (reduction === 'max' && hasSlidingMax(axis)) {
      current = slidingMax(current.data, current.dims, i + 2, axis);
      return;
    }
    const taps = axisTaps(axis);
    const divisors = axisDivisors(taps, reduction);
    const step: AxisReduction =
      reduction === 'max' ? { kind: 'max' } : divisors === undefined ? { kind: 'sum' } : { kind: 'sum', divisors };
    current = reduceWindows(current.data, current.dims, i + 2, taps, step);
  });
  return current;
}
