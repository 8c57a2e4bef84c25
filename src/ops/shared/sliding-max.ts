/**
 * Fast window max along one axis for undilated windows (the MaxPool of every SPP/SPPF neck), used by
 * pool-reduce.ts in place of its generic tap-list loops.
 *
 * Window `o` covers the input cells `[o*stride - padBegin, o*stride - padBegin + kernel)` clipped to
 * `[0, inSize)`; padding never wins and an all-padding window gives the lowest finite float32.
 *
 * With stride 1 the van Herk / Gil-Werman scheme makes the cost independent of the kernel: cut the axis into
 * blocks of `kernel` cells, keep the running max from each block's start (`prefix`) and to each block's end
 * (`suffix`); a window of at most `kernel` cells spans at most two blocks, so its max is
 * `max(suffix[first], prefix[last])` — about 3 comparisons per output instead of `kernel`. Max is exact, so the
 * result equals the direct scan's (up to the sign of a zero when +0 and -0 tie). NaN wins every comparison, as
 * in onnxruntime, and that rule is associative, so the blocked order gives the same NaNs.
 */
import type { AxisGeometry } from './pool-geometry.js';

/** Float storage the pooling kernels work on. */
type FloatArray = Float32Array | Float64Array;

/** The value an all-padding max window yields: the lowest finite float, as onnxruntime does. */
export const LOWEST_FLOAT32 = -3.4028234663852886e38;

/**
 * Below this kernel size the direct scan is at least as fast as the blocked scheme (which reads each cell
 * about 6 times and writes 3: prefix, suffix, combine).
 */
const BLOCKED_MIN_KERNEL = 8;

/** True when `slidingMax` handles this axis (no dilation). */
export function hasSlidingMax(geometry: AxisGeometry): boolean {
  return geometry.dilation === 1;
}

/** The clipped window `[first, end)` of output `o`. */
function windowOf(o: number, geometry: AxisGeometry): { first: number; end: number } {
  const start = o * geometry.stride - geometry.padBegin;
  return { first: Math.max(start, 0), end: Math.min(start + geometry.kernel, geometry.inSize) };
}

/**
 * Max over windows along an axis with `inner === 1` (each row of `inSize` cells is contiguous), for `outer`
 * rows; `out` holds `outer × outSize` values.
 */
function maxAlongRows(data: FloatArray, out: FloatArray, outer: number, geometry: AxisGeometry): void {
  const n = geometry.inSize;
  const m = geometry.outSize;
  const kernel = geometry.kernel;
  const blocked = geometry.stride === 1 && kernel >= BLOCKED_MIN_KERNEL;
  const prefix = new Float64Array(blocked ? n : 0);
  const suffix = new Float64Array(blocked ? n : 0);
  const firsts = new Int32Array(m);
  const ends = new Int32Array(m);
  for (let o = 0; o < m; o += 1) {
    const { first, end } = windowOf(o, geometry);
    firsts[o] = first;
    ends[o] = end;
  }
  for (let row = 0; row < outer; row += 1) {
    const inBase = row * n;
    const outBase = row * m;
    if (blocked) {
      for (let start = 0; start < n; start += kernel) {
        const stop = Math.min(start + kernel, n);
        let running = data[inBase + start] ?? 0;
        prefix[start] = running;
        for (let i = start + 1; i < stop; i += 1) {
          const value = data[inBase + i] ?? 0;
          if (value > running || value !== value) running = value;
          prefix[i] = running;
        }
        running = data[inBase + stop - 1] ?? 0;
        suffix[stop - 1] = running;
        for (let i = stop - 2; i >= start; i -= 1) {
          const value = data[inBase + i] ?? 0;
          if (value > running || value !== value) running = value;
          suffix[i] = running;
        }
      }
    }
    for (let o = 0; o < m; o += 1) {
      const first = firsts[o] ?? 0;
      const end = ends[o] ?? 0;
      if (first >= end) {
        out[outBase + o] = LOWEST_FLOAT32;
        continue;
      }
      const last = end - 1;
      if (blocked) {
        const firstBlock = (first / kernel) | 0;
        const lastBlock = (last / kernel) | 0;
        if (firstBlock !== lastBlock) {
          const left = suffix[first] ?? 0;
          const right = prefix[last] ?? 0;
          out[outBase + o] = right > left || right !== right ? right : left;
          continue;
        }
        if (first % kernel === 0) {
          out[outBase + o] = prefix[last] ?? 0;
          continue;
        }
        if (last % kernel === kernel - 1 || last === n - 1) {
          out[outBase + o] = suffix[first] ?? 0;
          continue;
        }
      }
      let best = data[inBase + first] ?? 0;
      for (let t = inBase + first + 1; t < inBase + end; t += 1) {
        const value = data[t] ?? 0;
        if (value > best || value !== value) best = value;
      }
      out[outBase + o] = best;
    }
  }
}

/** `target[t..t+inner) = max(a[ia..], b[ib..])` elementwise (NaN wins). */
function maxRows(
  target: FloatArray,
  t: number,
  a: FloatArray,
  ia: number,
  b: FloatArray,
  ib: number,
  inner: number,
): void {
  for (let i = 0; i < inner; i += 1) {
    const left = a[ia + i] ?? 0;
    const right = b[ib + i] ?? 0;
    target[t + i] = right > left || right !== right ? right : left;
  }
}

/**
 * Max over windows along an axis followed by `inner > 1` elements: whole rows of `inner` at a time, for `outer`
 * blocks of `inSize × inner` inputs each.
 */
function maxAlongColumns(
  data: FloatArray,
  out: FloatArray,
  outer: number,
  inner: number,
  geometry: AxisGeometry,
): void {
  const n = geometry.inSize;
  const m = geometry.outSize;
  const kernel = geometry.kernel;
  const blocked = geometry.stride === 1 && kernel >= BLOCKED_MIN_KERNEL;
  const prefix = new Float64Array(blocked ? n * inner : 0);
  const suffix = new Float64Array(blocked ? n * inner : 0);
  for (let block = 0; block < outer; block += 1) {
    const inBase = block * n * inner;
    const outBase = block * m * inner;
    if (blocked) {
      for (let i = 0; i < n; i += 1) {
        if (i % kernel === 0) prefix.set(data.subarray(inBase + i * inner, inBase + (i + 1) * inner), i * inner);
        else maxRows(prefix, i * inner, prefix, (i - 1) * inner, data, inBase + i * inner, inner);
      }
      for (let i = n - 1; i >= 0; i -= 1) {
        if (i % kernel === kernel - 1 || i === n - 1)
          suffix.set(data.subarray(inBase + i * inner, inBase + (i + 1) * inner), i * inner);
        else maxRows(suffix, i * inner, suffix, (i + 1) * inner, data, inBase + i * inner, inner);
      }
    }
    for (let o = 0; o < m; o += 1) {
      const { first, end } = windowOf(o, geometry);
      const dst = outBase + o * inner;
      if (first >= end) {
        out.fill(LOWEST_FLOAT32, dst, dst + inner);
        continue;
      }
      const last = end - 1;
      if (blocked) {
        if (((first / kernel) | 0) !== ((last / kernel) | 0)) {
          maxRows(out, dst, suffix, first * inner, prefix, last * inner, inner);
          continue;
        }
        if (first % kernel === 0) {
          out.set(prefix.subarray(last * inner, (last + 1) * inner), dst);
          continue;
        }
        if (last % kernel === kernel - 1 || last === n - 1) {
          out.set(suffix.subarray(first * inner, (first + 1) * inner), dst);
          continue;
        }
      }
      // Each output cell's max kept in a register over the window's rows: one write per output.
      const top = inBase + first * inner;
      const bottom = inBase + end * inner;
      for (let i = 0; i < inner; i += 1) {
        let best = data[top + i] ?? 0;
        for (let src = top + inner + i; src < bottom; src += inner) {
          const value = data[src] ?? 0;
          if (value > best || value !== value) best = value;
        }
        out[dst + i] = best;
      }
    }
  }
}

/**
 * Max pooling of 2-D planes (`[N, C, H, W]`, both axes undilated), plane by plane so that each plane and its
 * row-pooled copy stay in the L1 cache: rows (W) first into a scratch plane, then columns (H).
 */
function maxPool2d(data: FloatArray, dims: readonly number[], rows: AxisGeometry, columns: AxisGeometry): FloatArray {
  const planes = (dims[0] ?? 1) * (dims[1] ?? 1);
  const height = columns.inSize;
  const width = rows.inSize;
  const outPlane = columns.outSize * rows.outSize;
  const out = data instanceof Float32Array ? new Float32Array(planes * outPlane) : new Float64Array(planes * outPlane);
  const scratch =
    data instanceof Float32Array ? new Float32Array(height * rows.outSize) : new Float64Array(height * rows.outSize);
  for (let plane = 0; plane < planes; plane += 1) {
    maxAlongRows(data.subarray(plane * height * width, (plane + 1) * height * width), scratch, height, rows);
    maxAlongColumns(scratch, out.subarray(plane * outPlane, (plane + 1) * outPlane), 1, rows.outSize, columns);
  }
  return out;
}

/** Max pooling over the last two axes of a rank-4 input when both are undilated; undefined otherwise. */
export function slidingMaxPool2d(
  data: FloatArray,
  dims: readonly number[],
  axes: readonly AxisGeometry[],
): { data: FloatArray; dims: number[] } | undefined {
  const [columns, rows] = axes;
  if (
    dims.length !== 4 ||
    axes.length !== 2 ||
    columns === undefined ||
    rows === undefined ||
    !hasSlidingMax(columns) ||
    !hasSlidingMax(rows)
  )
    return undefined;
  return {
    data: maxPool2d(data, dims, rows, columns),
    dims: [dims[0] ?? 1, dims[1] ?? 1, columns.outSize, rows.outSize],
  };
}

/**
 * Max over the windows of `geometry` along `axis` of `data` (row-major, shape `dims`), for an undilated axis
 * (`hasSlidingMax`). Returns data of the input's array type and the new dims.
 */
export function slidingMax(
  data: FloatArray,
  dims: readonly number[],
  axis: number,
  geometry: AxisGeometry,
): { data: FloatArray; dims: number[] } {
  let outer = 1;
  for (let i = 0; i < axis; i += 1) outer *= dims[i] ?? 1;
  let inner = 1;
  for (let i = axis + 1; i < dims.length; i += 1) inner *= dims[i] ?? 1;
  const length = outer * geometry.outSize * inner;
  const out = data instanceof Float32Array ? new Float32Array(length) : new Float64Array(length);
  if (inner === 1) maxAlongRows(data, out, outer, geometry);
  else maxAlongColumns(data, out, outer, inner, geometry);
  const outDims = [...dims];
  outDims[axis] = geometry.outSize;
  return { data: out, dims: outDims };
}
