/**
 * Rank-generic pooling geometry, shared by every pooling op, the SPP planner and the builder's checks.
 *
 * Per spatial axis with input size `a`, kernel `k`, stride `s`, dilation `d` and pads `pb`/`pe`:
 *   span = d * (k - 1) + 1                              (extent of one dilated window)
 *   floor mode:  out = floor((a + pb + pe - span) / s) + 1
 *   ceil mode:   out = ceil((a + pb + pe - span) / s) + 1, minus 1 when the last window would start at or
 *                past `a + pb` (it must start inside the input or the begin padding)
 *   SAME_UPPER/SAME_LOWER: out = ceil(a / s); total pad = max(0, (out - 1) * s + span - a), the odd one at the
 *                end (UPPER) or the beginning (LOWER)
 *   VALID:       out = floor((a - span) / s) + 1, no padding
 * Window `o` covers taps `o*s - pb + j*d` for j in [0, k); taps outside [0, a) are padding.
 */
import { addDims, divDim, formatShape, SymDim, type Dim } from '../../ir/dim.js';

/** The pooling attributes every windowed op shares (already parsed to camelCase). */
export interface WindowAttrs {
  readonly autoPad: 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';
  readonly kernelShape: readonly number[];
  readonly strides: readonly number[] | undefined;
  readonly pads: readonly number[] | undefined;
  readonly dilations: readonly number[] | undefined;
  readonly ceilMode: number;
}

/** The resolved geometry of one spatial axis. */
export interface AxisGeometry {
  readonly inSize: number;
  readonly kernel: number;
  readonly stride: number;
  readonly dilation: number;
  readonly padBegin: number;
  readonly padEnd: number;
  readonly outSize: number;
}

/** Kernel/stride/dilation/pads per axis after defaults, validated; `fail` receives a message naming the values. */
export function windowParams(
  attrs: WindowAttrs,
  spatialRank: number,
  fail: (detail: string) => never,
): {
  kernel: readonly number[];
  strides: readonly number[];
  dilations: readonly number[];
  pads: readonly number[];
} {
  const kernel = attrs.kernelShape;
  if (kernel.length !== spatialRank) {
    fail(
      `kernel_shape ${JSON.stringify(kernel)} has ${kernel.length} dims but the input has ${spatialRank} spatial dims`,
    );
  }
  const strides = attrs.strides ?? kernel.map(() => 1);
  const dilations = attrs.dilations ?? kernel.map(() => 1);
  const pads = attrs.pads ?? kernel.flatMap(() => [0, 0]);
  if (strides.length !== spatialRank) fail(`strides ${JSON.stringify(strides)} must have ${spatialRank} values`);
  if (dilations.length !== spatialRank) fail(`dilations ${JSON.stringify(dilations)} must have ${spatialRank} values`);
  if (pads.length !== 2 * spatialRank)
    fail(`pads ${JSON.stringify(pads)} must have ${2 * spatialRank} values (begins then ends)`);
  if (kernel.some((k) => !Number.isInteger(k) || k < 1))
    fail(`kernel_shape ${JSON.stringify(kernel)} must be positive integers`);
  if (strides.some((s) => !Number.isInteger(s) || s < 1))
    fail(`strides ${JSON.stringify(strides)} must be positive integers`);
  if (dilations.some((d) => !Number.isInteger(d) || d < 1))
    fail(`dilations ${JSON.stringify(dilations)} must be positive integers`);
  if (pads.some((p) => !Number.isInteger(p) || p < 0))
    fail(`pads ${JSON.stringify(pads)} must be non-negative integers`);
  if (attrs.autoPad !== 'NOTSET' && attrs.pads !== undefined && attrs.pads.some((p) => p !== 0)) {
    fail(`auto_pad ${attrs.autoPad} cannot be combined with explicit pads ${JSON.stringify(attrs.pads)}`);
  }
  return { kernel, strides, dilations, pads };
}

/** Resolves the geometry of every spatial axis for concrete input sizes. */
export function resolveWindows(
  spatial: readonly number[],
  attrs: WindowAttrs,
  fail: (detail: string) => never,
): AxisGeometry[] {
  const { kernel, strides, dilations, pads } = windowParams(attrs, spatial.length, fail);
  return spatial.map((inSize, axis) => {
    const k = kernel[axis] ?? 1;
    const s = strides[axis] ?? 1;
    const d = dilations[axis] ?? 1;
    const span = d * (k - 1) + 1;
    let padBegin = pads[axis] ?? 0;
    let padEnd = pads[axis + spatial.length] ?? 0;
    let outSize: number;
    if (attrs.autoPad === 'SAME_UPPER' || attrs.autoPad === 'SAME_LOWER') {
      outSize = Math.ceil(inSize / s);
      const total = Math.max(0, (outSize - 1) * s + span - inSize);
      const small = Math.floor(total / 2);
      padBegin = attrs.autoPad === 'SAME_UPPER' ? small : total - small;
      padEnd = total - padBegin;
    } else if (attrs.autoPad === 'VALID') {
      padBegin = 0;
      padEnd = 0;
      outSize = Math.floor((inSize - span) / s) + 1;
    } else {
      const room = inSize + padBegin + padEnd - span;
      if (attrs.ceilMode !== 0) {
        outSize = Math.ceil(room / s) + 1;
        if ((outSize - 1) * s >= inSize + padBegin) outSize -= 1;
      } else {
        outSize = Math.floor(room / s) + 1;
      }
    }
    if (!(outSize >= 1)) {
      fail(
        `window of span ${span} (kernel ${k}, dilation ${d}) does not fit input size ${inSize} ` +
          `with pads ${padBegin}+${padEnd} on spatial axis ${axis} (output size would be ${outSize})`,
      );
    }
    return { inSize, kernel: k, stride: s, dilation: d, padBegin, padEnd, outSize };
  });
}

/**
 * Output size of one axis with a symbolic input size `a`. Ceil mode's last-window rule (drop the last window when
 * it starts at or past `a + pb`) is decided without knowing `a`: the ceil-mode count is `ceil(room/s) + 1` and the
 * rule's bound is `floor((a + pb - 1)/s) + 1`; the first is never larger when `pe + s <= span` (then ceil mode
 * stands), the second is never larger when `pe >= span` (then the bound stands); in between the answer depends on
 * `a mod s`, and the dim is left unknown.
 */
function symbolicOutDim(inSize: Dim, axis: AxisGeometryParams, attrs: WindowAttrs): Dim {
  const { kernel, stride, dilation, padBegin, padEnd } = axis;
  const span = dilation * (kernel - 1) + 1;
  if (attrs.autoPad === 'SAME_UPPER' || attrs.autoPad === 'SAME_LOWER') return divDim(inSize, stride, 'ceil');
  const pads = attrs.autoPad === 'VALID' ? { begin: 0, end: 0 } : { begin: padBegin, end: padEnd };
  const room = addDims(inSize, pads.begin + pads.end - span);
  if (attrs.ceilMode === 0 || attrs.autoPad !== 'NOTSET' || stride === 1)
    return addDims(divDim(room, stride, 'floor'), 1);
  if (pads.end + stride <= span) return addDims(divDim(room, stride, 'ceil'), 1);
  if (pads.end >= span) return addDims(divDim(addDims(inSize, pads.begin - 1), stride, 'floor'), 1);
  return SymDim.unknown();
}

/** Per-axis window parameters before the input size is known. */
interface AxisGeometryParams {
  readonly kernel: number;
  readonly stride: number;
  readonly dilation: number;
  readonly padBegin: number;
  readonly padEnd: number;
}

/** Output spatial dims for possibly symbolic input dims (a same-padded stride-1 window keeps `H` as `H`). */
export function windowOutputDims(spatial: readonly Dim[], attrs: WindowAttrs, fail: (detail: string) => never): Dim[] {
  const { kernel, strides, dilations, pads } = windowParams(attrs, spatial.length, fail);
  return spatial.map((inSize, axis) => {
    const params: AxisGeometryParams = {
      kernel: kernel[axis] ?? 1,
      stride: strides[axis] ?? 1,
      dilation: dilations[axis] ?? 1,
      padBegin: pads[axis] ?? 0,
      padEnd: pads[axis + spatial.length] ?? 0,
    };
    if (typeof inSize !== 'number') return symbolicOutDim(inSize, params, attrs);
    const single = {
      ...attrs,
      kernelShape: [params.kernel],
      strides: [params.stride],
      dilations: [params.dilation],
      pads: [params.padBegin, params.padEnd],
    };
    return (
      resolveWindows([inSize], single, (detail) => fail(detail.replace('spatial axis 0', `spatial axis ${axis}`)))[0]
        ?.outSize ?? 0
    );
  });
}

/**
 * The output shape of a pooling-style op: `[N, C, ...pooled spatial dims]`. Refuses ranks below 3, naming the
 * shape.
 */
export function pooledShape(shape: readonly Dim[], attrs: WindowAttrs, fail: (detail: string) => never): Dim[] {
  if (shape.length < 3) fail(`input X must have rank >= 3 (N, C, spatial...), got shape ${formatShape(shape)}`);
  const [batch = 0, channels = 0, ...spatial] = shape;
  return [batch, channels, ...windowOutputDims(spatial, attrs, fail)];
}

/** The output shape of a global pool: `[N, C, 1, ...]`; refuses ranks below 3. */
export function globalPooledShape(shape: readonly Dim[], fail: (detail: string) => never): Dim[] {
  if (shape.length < 3) fail(`input X must have rank >= 3 (N, C, spatial...), got shape ${formatShape(shape)}`);
  return shape.map((dim, axis) => (axis < 2 ? dim : 1));
}

/** The geometry of a global pool: one window covering each whole spatial axis. */
export function globalWindows(spatial: readonly number[]): AxisGeometry[] {
  return spatial.map((inSize) => ({
    inSize,
    kernel: inSize,
    stride: 1,
    dilation: 1,
    padBegin: 0,
    padEnd: 0,
    outSize: 1,
  }));
}

/**
 * The taps of every window along one axis, as flat lists: window `o` reads input indices
 * `indices[offsets[o] .. offsets[o+1])` (only taps inside the input). `paddedCounts[o]` counts taps inside the
 * padded extent `[-padBegin, inSize + padEnd)`, the divisor of count_include_pad averaging.
 */
export interface AxisTaps {
  readonly offsets: Int32Array;
  readonly indices: Int32Array;
  readonly paddedCounts: Int32Array;
}

/**
 * The taps `j` in `[0, kernel)` of window `o` whose position `o*s - pb + j*d` lies in `[low, high)`, found without
 * walking the kernel (a 2^31 kernel must not loop): `position >= low` ⇔ `j >= (low - start)/d`, and
 * `position < high` ⇔ `j <= (high - 1 - start)/d`, with `start = o*s - pb`.
 */
function tapRange(axis: AxisGeometry, o: number, low: number, high: number): { first: number; count: number } {
  const start = o * axis.stride - axis.padBegin;
  const first = Math.max(0, Math.ceil((low - start) / axis.dilation));
  const last = Math.min(axis.kernel - 1, Math.floor((high - 1 - start) / axis.dilation));
  return { first, count: Math.max(0, last - first + 1) };
}

/** The number of taps inside the input over every window of one axis (the length of `axisTaps`' index list). */
export function tapCount(axis: AxisGeometry): number {
  let total = 0;
  for (let o = 0; o < axis.outSize; o += 1) total += tapRange(axis, o, 0, axis.inSize).count;
  return total;
}

/**
 * Upper bound of the element reads of pooling `[N, C, ...spatial]` separably, one axis after the other (what
 * `poolWindows` does): pass `i` reads every tap of axis `i` once per element of the other axes, which are pooled
 * already before `i` and not yet after it.
 */
export function separablePoolWork(dims: readonly number[], axes: readonly AxisGeometry[]): number {
  const planes = (dims[0] ?? 1) * (dims[1] ?? 1);
  return axes.reduce((work, axis, i) => {
    const others = axes.reduce((size, other, j) => size * (j < i ? other.outSize : j > i ? other.inSize : 1), 1);
    return work + planes * others * tapCount(axis);
  }, 0);
}

/** Element reads of pooling every window directly (the product of the axes' taps per plane; MaxPool's Indices). */
export function directPoolWork(dims: readonly number[], axes: readonly AxisGeometry[]): number {
  return axes.reduce((work, axis) => work * tapCount(axis), (dims[0] ?? 1) * (dims[1] ?? 1));
}

/** Lists the taps of every window of one axis, in time linear in the windows and their taps inside the input. */
export function axisTaps(axis: AxisGeometry): AxisTaps {
  const offsets = new Int32Array(axis.outSize + 1);
  const paddedCounts = new Int32Array(axis.outSize);
  const indices = new Int32Array(tapCount(axis));
  let next = 0;
  for (let o = 0; o < axis.outSize; o += 1) {
    offsets[o] = next;
    const start = o * axis.stride - axis.padBegin;
    const inside = tapRange(axis, o, 0, axis.inSize);
    for (let j = inside.first; j < inside.first + inside.count; j += 1) {
      indices[next] = start + j * axis.dilation;
      next += 1;
    }
    paddedCounts[o] = tapRange(axis, o, -axis.padBegin, axis.inSize + axis.padEnd).count;
  }
  offsets[axis.outSize] = next;
  return { offsets, indices, paddedCounts };
}
