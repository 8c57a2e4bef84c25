/**
 * Slicing geometry, shared by Slice and Split: `[start, end)` with `step` along each listed axis.
 *
 * Per axis of size d (the spec's rules): a negative start or end gets d added; then for step > 0 both are
 * clamped to `[0, d]`, for step < 0 start is clamped to `[0, d-1]` and end to `[-1, d-1]`; the length is
 * `max(0, ceil((end - start) / step))`. Steps may not be 0; axes may not repeat.
 */
import { addDims, divDim, subDims, SymDim, type Dim } from '../../ir/dim.js';
import { stridesOf, type Tensor } from '../../ir/tensor.js';
import { normalizeAxis, stridedIndexMap } from './broadcast.js';
import { gatherElements } from './elementwise.js';

/** Ends at or past this are read as "to the end of the axis" for symbolic dims (INT32_MAX, INT64_MAX, ...). */
const OPEN_END = 2 ** 31 - 1;

/** The slicing parameters, as lists parallel to `axes`. */
export interface SliceSpec {
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  readonly axes: readonly number[] | undefined;
  readonly steps: readonly number[] | undefined;
}

/** One sliced axis of a concrete shape: first index, step, and element count. */
interface AxisSlice {
  readonly start: number;
  readonly step: number;
  readonly length: number;
}

/** Validates a spec against a rank; returns, per data axis, its (start, end, step), or undefined when not sliced. */
function perAxis(
  spec: SliceSpec,
  rank: number,
  fail: (detail: string) => never,
): ({ start: number; end: number; step: number } | undefined)[] {
  const count = spec.starts.length;
  if (spec.axes === undefined && count > rank) fail(`${count} starts for an input of rank ${rank}`);
  const axes = spec.axes ?? Array.from({ length: count }, (_, i) => i);
  const steps = spec.steps ?? axes.map(() => 1);
  if (spec.ends.length !== count || axes.length !== count || steps.length !== count) {
    fail(
      `starts [${spec.starts.join(', ')}], ends [${spec.ends.join(', ')}], axes [${axes.join(', ')}] ` +
        `and steps [${steps.join(', ')}] must have the same length`,
    );
  }
  const result: ({ start: number; end: number; step: number } | undefined)[] = Array.from(
    { length: rank },
    () => undefined,
  );
  axes.forEach((rawAxis, i) => {
    const axis = normalizeAxis(rawAxis, rank, 'axis', fail);
    if (result[axis] !== undefined) fail(`axes [${axes.join(', ')}] repeat axis ${axis}`);
    const step = steps[i] ?? 1;
    if (step === 0) fail(`step for axis ${rawAxis} is 0; steps must be non-zero`);
    result[axis] = { start: spec.starts[i] ?? 0, end: spec.ends[i] ?? 0, step };
  });
  return result;
}

/** Applies the spec's clamping rules on one axis of known size. */
function clampAxis(start: number, end: number, step: number, dim: number): AxisSlice {
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), dim);
    e = Math.min(Math.max(e, 0), dim);
  } else {
    s = Math.min(Math.max(s, 0), dim - 1);
    e = Math.min(Math.max(e, -1), dim - 1);
  }
  return { start: s, step, length: Math.max(0, Math.ceil((e - s) / step)) };
}

/**
 * The sliced length of a symbolic axis, where it follows from the bounds alone (positive step, start and end
 * given relative to the same end of the axis, or an open end); unknown otherwise.
 */
function symbolicLength(start: number, end: number, step: number, dim: SymDim): Dim {
  if (step < 0) return SymDim.unknown();
  const from: Dim = start < 0 ? addDims(dim, start) : start;
  const to: Dim | undefined = end >= OPEN_END ? dim : end < 0 ? addDims(dim, end) : undefined;
  if (to === undefined) return SymDim.unknown();
  const span = subDims(to, from);
  if (typeof span === 'number') return Math.max(0, Math.ceil(span / step));
  return divDim(span, step, 'ceil');
}

/** The output shape of a slice (symbolic dims allowed). */
export function sliceShape(shape: readonly Dim[], spec: SliceSpec, fail: (detail: string) => never): Dim[] {
  const axes = perAxis(spec, shape.length, fail);
  return shape.map((dim, axis) => {
    const bounds = axes[axis];
    if (bounds === undefined) return dim;
    if (typeof dim === 'number') return clampAxis(bounds.start, bounds.end, bounds.step, dim).length;
    return symbolicLength(bounds.start, bounds.end, bounds.step, dim);
  });
}

/** Slices a concrete tensor. */
export function sliceTensor(x: Tensor, spec: SliceSpec, fail: (detail: string) => never): Tensor {
  const axes = perAxis(spec, x.dims.length, fail);
  const slices = x.dims.map((dim, axis) => {
    const bounds = axes[axis];
    return bounds === undefined
      ? { start: 0, step: 1, length: dim }
      : clampAxis(bounds.start, bounds.end, bounds.step, dim);
  });
  const inputStrides = stridesOf(x.dims);
  const offset = slices.reduce((total, s, axis) => total + (s.length > 0 ? s.start * (inputStrides[axis] ?? 0) : 0), 0);
  const strides = slices.map((s, axis) => s.step * (inputStrides[axis] ?? 0));
  const dims = slices.map((s) => s.length);
  return gatherElements(x, stridedIndexMap(dims, strides, offset), dims);
}
