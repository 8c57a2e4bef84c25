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
import { addDims, divDim, type Dim } from '../graph/dim.js';

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
export function windowParams(attrs: WindowAttrs, spatialRank: number, fail: (detail: string) => never): {
  kernel: readonly number[];
  strides: readonly number[];
  dilations: readonly number[];
  pads: readonly number[];
} {
  const kernel = attrs.kernelShape;
  if (kernel.length !== spatialRank) {
    fail(`kernel_shape ${JSON.stringify(kernel)} has ${kernel.length} dims but the input has ${spatialRank} spatial dims`);
  }
  const strides = attrs.strides ?? kernel.map(() => 1);
  const dilations = attrs.dilations ?? kernel.map(() => 1);
  const pads = attrs.pads ?? kernel.flatMap(() => [0, 0]);
  if (strides.length !== spatialRank) fail(`strides ${JSON.stringify(strides)} must have ${spatialRank} values`);
  if (dilations.length !== spatialRank) fail(`dilations ${JSON.stringify(dilations)} must have ${spatialRank} values`);
  if (pads.length !== 2 * spatialRank) fail(`pads ${JSON.stringify(pads)} must have ${2 * spatialRank} values (begins then ends)`);
  if (kernel.some((k) => !Number.isInteger(k) || k < 1)) fail(`kernel_shape ${JSON.stringify(kernel)} must be positive integers`);
  if (strides.some((s) => !Number.isInteger(s) || s < 1)) fail(`strides ${JSON.stringify(strides)} must be positive integers`);
  if (dilations.some((d) => !Number.isInteger(d) || d < 1)) fail(`dilations ${JSON.stringify(dilations)} must be positive integers`);
  if (pads.some((p) => !Number.isInteger(p) || p < 0)) fail(`pads ${JSON.stringify(pads)} must be non-negative integers`);
  if (attrs.autoPad !== 'NOTSET' && attrs.pads !== undefined && attrs.pads.some((p) => p !== 0)) {
    fail(`auto_pad ${attrs.autoPad} cannot be combined with explicit pads ${JSON.stringify(attrs.pads)}`);
  }
  return { kernel, strides, dilations, pads };
}

/** Resolves the geometry of every spatial axis for concrete input sizes. */
export function resolveWindows(spatial: readonly number[], attrs: WindowAttrs, fail: (detail: string) => never): AxisGeometry[] {
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
      fail(`window of span ${span} (kernel ${k}, dilation ${d}) does not fit input size ${inSize} with pads ${padBegin}+${padEnd} on spatial axis ${axis} (output size would be ${outSize})`);
    }
    return { inSize, kernel: k, stride: s, dilation: d, padBegin, padEnd, outSize };
  });
}

/** Output spatial dims for possibly symbolic input dims (a same-padded stride-1 window keeps `H` as `H`). */
export function windowOutputDims(spatial: readonly Dim[], attrs: WindowAttrs, fail: (detail: string) => never): Dim[] {
  if (spatial.every((dim): dim is number => typeof dim === 'number')) {
    return resolveWindows(spatial, attrs, fail).map((axis) => axis.outSize);
  }
  const { kernel, strides, dilations, pads } = windowParams(attrs, spatial.length, fail);
  return spatial.map((inSize, axis) => {
    const k = kernel[axis] ?? 1;
    const s = strides[axis] ?? 1;
    const span = (dilations[axis] ?? 1) * (k - 1) + 1;
    if (typeof inSize === 'number') return resolveWindows([inSize], { ...attrs, kernelShape: [k], strides: [s], dilations: [dilations[axis] ?? 1], pads: [pads[axis] ?? 0, pads[axis + spatial.length] ?? 0] }, fail)[0]?.outSize ?? 0;
    if (attrs.autoPad === 'SAME_UPPER' || attrs.autoPad === 'SAME_LOWER') return divDim(inSize, s, 'ceil');
    const padTotal = attrs.autoPad === 'VALID' ? 0 : (pads[axis] ?? 0) + (pads[axis + spatial.length] ?? 0);
    const room = addDims(inSize, padTotal - span);
    // Ceil mode equals floor mode when s = 1; otherwise the last-window rule needs the concrete size.
    const rounding = attrs.ceilMode !== 0 && attrs.autoPad === 'NOTSET' && s !== 1 ? 'ceil' : 'floor';
    return addDims(divDim(room, s, rounding), 1);
  });
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

/** Lists the taps of every window of one axis. */
export function axisTaps(axis: AxisGeometry): AxisTaps {
  const offsets = new Int32Array(axis.outSize + 1);
  const paddedCounts = new Int32Array(axis.outSize);
  const indices: number[] = [];
  for (let o = 0; o < axis.outSize; o += 1) {
    offsets[o] = indices.length;
    const start = o * axis.stride - axis.padBegin;
    let padded = 0;
    for (let j = 0; j < axis.kernel; j += 1) {
      const position = start + j * axis.dilation;
      if (position >= -axis.padBegin && position < axis.inSize + axis.padEnd) padded += 1;
      if (position >= 0 && position < axis.inSize) indices.push(position);
    }
    paddedCounts[o] = padded;
  }
  offsets[axis.outSize] = indices.length;
  return { offsets, indices: Int32Array.from(indices), paddedCounts };
}
