/**
 * Convolution (cross-correlation, any spatial rank, groups, strides, dilations, pads) on the float64 kernels of
 * gemm-kernels.ts. Per image, the input is copied once into scratch as float64 with its padding made of real zeros
 * (so a padding tap multiplies its weight by 0, exactly as the gather-with-zeros kernel before it did). Then per
 * group:
 * - `Mg = M/group > 1` output channels: im2col into 4-column panels of B (`depth = C/group · Π k` rows) and
 *   `Y_g = W_g · B + bias` with the 4×4-tile GEMM, chunked by gemm-driver.ts;
 * - one output channel (depthwise convolutions): the `direct` kernel, with no packing.
 * Either way each output is `(+0 + Σ_k W[m,k]·X[k,o]) + bias[m]`, k = c·Π k + tap in row-major tap order, in
 * float64: the same sums, in the same order, as the kernel this replaced, hence the same bits.
 *
 * Geometry. Along an axis with input size `a`, window `o` reads `o·stride - padBegin + j·dilation` for tap j. The
 * padded copy spans positions `lo = min(0, -padBegin)` to `hi = max(a - 1, (out - 1)·stride - padBegin +
 * (k - 1)·dilation)`, so every tap of every window lands inside it, and the byte offset of (tap, window) is the sum
 * of a per-tap and a per-window part: `8·Σ_axis (o·stride - padBegin - lo + j·dilation)·paddedStride`.
 */
import { aligned, planGemm, runGemm } from './gemm-driver.js';
import { packRows, type GemmKernels } from './gemm-kernels.js';
import type { AxisGeometry } from './pool-geometry.js';

/** Scratch beyond this cannot be addressed with the kernels' int32 byte offsets. */
const MAX_SCRATCH_BYTES = 2 ** 31 - 1;

/** One convolution, as conv.ts has validated it. */
export interface ConvProblem {
  readonly x: Float32Array | Float64Array;
  readonly w: Float32Array | Float64Array;
  readonly bias: Float32Array | Float64Array | null;
  readonly batch: number;
  readonly channels: number;
  readonly outChannels: number;
  readonly group: number;
  /** Per spatial axis: input size, kernel, stride, dilation, pads and output size. */
  readonly axes: readonly AxisGeometry[];
}

/** The padded input box and the offsets of taps and windows inside it. */
interface PaddedGeometry {
  /** Padded size per axis and where the input starts in it. */
  readonly sizes: readonly number[];
  readonly starts: readonly number[];
  readonly plane: number;
  /** Byte offset of each kernel tap (row-major over the kernel) relative to its window's origin. */
  readonly taps: Int32Array;
  /** Byte offset of each output window's origin, padded to a multiple of 4 windows with 0. */
  readonly windows: Int32Array;
}

function paddedGeometry(axes: readonly AxisGeometry[]): PaddedGeometry {
  const sizes: number[] = [];
  const starts: number[] = [];
  for (const axis of axes) {
    const lo = Math.min(0, -axis.padBegin);
    const last = (axis.outSize - 1) * axis.stride - axis.padBegin + (axis.kernel - 1) * axis.dilation;
    const hi = Math.max(axis.inSize - 1, last);
    sizes.push(hi - lo + 1);
    starts.push(-lo);
  }
  const strides = sizes.map((_, i) => sizes.slice(i + 1).reduce((p, s) => p * s, 1));
  const plane = sizes.reduce((p, s) => p * s, 1);
  // Tap j along an axis moves j·dilation positions; window o starts at o·stride - padBegin, i.e. at
  // o·stride - padBegin + start in the padded box.
  const taps = offsetGrid(
    axes.map((axis) => axis.kernel),
    axes.map((axis, i) => axis.dilation * (strides[i] ?? 1) * 8),
    0,
    1,
  );
  const origin = axes.reduce((sum, axis, i) => sum + ((starts[i] ?? 0) - axis.padBegin) * (strides[i] ?? 1) * 8, 0);
  const windows = offsetGrid(
    axes.map((axis) => axis.outSize),
    axes.map((axis, i) => axis.stride * (strides[i] ?? 1) * 8),
    origin,
    4,
  );
  return { sizes, starts, plane, taps, windows };
}

/**
 * `origin + Σ_axis index[axis]·steps[axis]` for every index of `counts` in row-major order, in an array whose length
 * is rounded up to a multiple of `multiple` (the extra entries are 0).
 */
function offsetGrid(counts: readonly number[], steps: readonly number[], origin: number, multiple: number): Int32Array {
  const size = counts.reduce((p, c) => p * c, 1);
  const out = new Int32Array(Math.ceil(size / multiple) * multiple);
  const index = counts.map(() => 0);
  const rank = counts.length;
  let value = origin;
  for (let i = 0; i < size; i += 1) {
    out[i] = value;
    for (let axis = rank - 1; axis >= 0; axis -= 1) {
      const step = steps[axis] ?? 0;
      if ((index[axis] ?? 0) + 1 < (counts[axis] ?? 1)) {
        index[axis] = (index[axis] ?? 0) + 1;
        value += step;
        break;
      }
      value -= step * (index[axis] ?? 0);
      index[axis] = 0;
    }
  }
  return out;
}

/**
 * Copies image `n` (all channels, starting at element `from` of `x`) into scratch at byte `xAt` as float64, inside
 * the zero-padded box. float32 input goes through a raw copy at byte `rawAt` and the `widen` kernel.
 */
function copyPadded(
  kernels: GemmKernels,
  buffer: ArrayBuffer,
  at: { readonly x: number; readonly raw: number },
  x: Float32Array | Float64Array,
  from: number,
  channels: number,
  axes: readonly AxisGeometry[],
  box: PaddedGeometry,
): void {
  const f64 = new Float64Array(buffer);
  const inPlane = axes.reduce((p, axis) => p * axis.inSize, 1);
  const count = channels * inPlane;
  const padded = box.plane !== inPlane;
  if (padded) f64.fill(0, at.x >> 3, (at.x >> 3) + channels * box.plane);
  else if (x instanceof Float64Array) {
    f64.set(x.subarray(from, from + count), at.x >> 3);
    return;
  }
  if (x instanceof Float32Array) new Float32Array(buffer, at.raw, count).set(x.subarray(from, from + count));
  if (!padded) {
    kernels.widen({ src: at.raw, dst: at.x, rows: 1, inner: count, srcStride: 0, dstStride: 0 });
    return;
  }
  // Rows of the last axis, in slabs of `rows` rows (the second-to-last axis); slabs over the leading axes.
  const rank = axes.length;
  const inner = axes[rank - 1]?.inSize ?? 1;
  const rows = rank >= 2 ? (axes[rank - 2]?.inSize ?? 1) : 1;
  const slabs = inPlane / Math.max(1, inner * rows);
  const paddedInner = box.sizes[rank - 1] ?? 1;
  const paddedRows = rank >= 2 ? (box.sizes[rank - 2] ?? 1) : 1;
  for (let slab = 0; slab < slabs; slab += 1) {
    // The slab's first element in the padded box: leading indices (row-major over axes 0..rank-3) plus the starts.
    let offset = 0;
    let rest = slab;
    let scale = paddedRows * paddedInner;
    for (let axis = rank - 3; axis >= 0; axis -= 1) {
      const size = axes[axis]?.inSize ?? 1;
      offset += ((rest % size) + (box.starts[axis] ?? 0)) * scale;
      rest = Math.floor(rest / size);
      scale *= box.sizes[axis] ?? 1;
    }
    if (rank >= 2) offset += (box.starts[rank - 2] ?? 0) * paddedInner;
    offset += box.starts[rank - 1] ?? 0;
    for (let c = 0; c < channels; c += 1) {
      const src = c * inPlane + slab * rows * inner;
      const dst = c * box.plane + offset;
      if (x instanceof Float64Array) {
        for (let r = 0; r < rows; r += 1) {
          const first = from + src + r * inner;
          f64.set(x.subarray(first, first + inner), (at.x >> 3) + dst + r * paddedInner);
        }
        continue;
      }
      kernels.widen({
        src: at.raw + src * 4,
        dst: at.x + dst * 8,
        rows,
        inner,
        srcStride: inner * 4,
        dstStride: paddedInner * 8,
      });
    }
  }
}

/** The scratch, grown to `bytes`; a failed allocation becomes the op's error. */
function reserve(kernels: GemmKernels, bytes: number, fail: (detail: string) => never): ArrayBuffer {
  try {
    return kernels.reserve(bytes);
  } catch (error) {
    return fail(`cannot allocate ${bytes} bytes of scratch: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** `count` results at byte `at` of the scratch: float32 or float64. */
function results(buffer: ArrayBuffer, f32: boolean, at: number, count: number): Float32Array | Float64Array {
  return f32 ? new Float32Array(buffer, at, count) : new Float64Array(buffer, at, count);
}

/**
 * Computes the convolution into `out` (`[N, M, O1..Or]`, float32 or float64: each float64 result is stored once, so
 * a float32 output is rounded once).
 */
export function convolve(
  kernels: GemmKernels,
  problem: ConvProblem,
  out: Float32Array | Float64Array,
  fail: (detail: string) => never,
): void {
  const { batch, channels, outChannels, group, axes } = problem;
  const perGroup = channels / group;
  const outPerGroup = outChannels / group;
  const kernelSize = axes.reduce((p, axis) => p * axis.kernel, 1);
  const outPlane = axes.reduce((p, axis) => p * axis.outSize, 1);
  const depth = perGroup * kernelSize;
  if (outPlane === 0 || outChannels === 0) return;
  const box = paddedGeometry(axes);
  const direct = outPerGroup === 1;
  // Scratch: raw float32 image | padded float64 image | weights (each group's rows padded to 4) | bias |
  // tap offsets | window offsets | GEMM (or the direct kernel's output row).
  const rowsPerGroup = direct ? 1 : Math.ceil(outPerGroup / 4) * 4;
  const inImage = channels * axes.reduce((p, axis) => p * axis.inSize, 1);
  const rawAt = 0;
  const xAt = aligned(problem.x instanceof Float32Array ? inImage * 4 : 0);
  const wAt = aligned(xAt + channels * box.plane * 8);
  const biasAt = aligned(wAt + group * rowsPerGroup * depth * 8);
  const offsetsAt = aligned(biasAt + group * rowsPerGroup * 8);
  const windowsAt = aligned(offsetsAt + depth * 4);
  const gemmAt = aligned(windowsAt + box.windows.length * 4);
  const f32 = out instanceof Float32Array;
  const plans = direct
    ? null
    : Array.from({ length: group }, (_, g) =>
        planGemm(
          outPerGroup,
          depth,
          outPlane,
          gemmAt,
          { a: wAt + g * rowsPerGroup * depth * 8, bias: biasAt + g * rowsPerGroup * 8 },
          f32,
        ),
      );
  const end = plans?.[0]?.end ?? aligned(gemmAt + box.windows.length * 8);
  if (end > MAX_SCRATCH_BYTES)
    return fail(`needs ${end} bytes of float64 scratch, more than the ${MAX_SCRATCH_BYTES} the kernels address`);
  const buffer = reserve(kernels, end, fail);
  const f64 = new Float64Array(buffer);
  const i32 = new Int32Array(buffer);

  f64.fill(0, biasAt >> 3, offsetsAt >> 3);
  for (let g = 0; g < group; g += 1) {
    const rows = problem.w.subarray(g * outPerGroup * depth, (g + 1) * outPerGroup * depth);
    // The GEMM's A: this group's filters in 4-row blocks; the direct kernel reads its one filter as is.
    if (direct) f64.set(rows, (wAt >> 3) + g * depth);
    else packRows(f64, (wAt >> 3) + g * rowsPerGroup * depth, rows, 0, outPerGroup, depth);
    if (problem.bias !== null)
      f64.set(problem.bias.subarray(g * outPerGroup, (g + 1) * outPerGroup), (biasAt >> 3) + g * rowsPerGroup);
  }
  // offsets[k] for k = c·taps + t: channel c's padded plane plus tap t.
  for (let c = 0; c < perGroup; c += 1) {
    for (let t = 0; t < kernelSize; t += 1)
      i32[(offsetsAt >> 2) + c * kernelSize + t] = c * box.plane * 8 + (box.taps[t] ?? 0);
  }
  i32.set(box.windows, windowsAt >> 2);

  for (let n = 0; n < batch; n += 1) {
    copyPadded(kernels, buffer, { x: xAt, raw: rawAt }, problem.x, n * inImage, channels, axes, box);
    for (let g = 0; g < group; g += 1) {
      const x = xAt + g * perGroup * box.plane * 8;
      const firstRow = (n * outChannels + g * outPerGroup) * outPlane;
      const plan = plans?.[g];
      if (plan === undefined) {
        kernels.direct({
          x,
          w: wAt + g * depth * 8,
          offsets: offsetsAt,
          outOff: windowsAt,
          dst: gemmAt,
          bias: f64[(biasAt >> 3) + g] ?? 0,
          depth,
          panels: box.windows.length / 4,
          f32,
        });
        out.set(results(buffer, f32, gemmAt, outPlane), firstRow);
        continue;
      }
      runGemm(
        kernels,
        plan,
        (dst, panel, count) =>
          kernels.pack({ x, offsets: offsetsAt, outOff: windowsAt + panel * 16, dst, depth, panels: count }),
        (c, ldc, column, columns) => {
          const elementBytes = f32 ? 4 : 8;
          if (column === 0 && columns === outPlane && ldc === outPlane * elementBytes) {
            out.set(results(buffer, f32, c, outPerGroup * outPlane), firstRow);
            return;
          }
          for (let m = 0; m < outPerGroup; m += 1)
            out.set(results(buffer, f32, c + m * ldc, columns), firstRow + m * outPlane + column);
        },
      );
    }
  }
}
