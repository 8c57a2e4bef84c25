/**
 * Slice (opsets 1, 10, 11, 13): takes `[start, end)` with `step` along each listed axis. Opset 1 reads
 * `starts`/`ends`/`axes` attributes (step 1); from 10 they are inputs, with optional `axes` and `steps`.
 *
 * Per axis of size d (the spec's rules): a negative start or end gets d added; then for step > 0 both are
 * clamped to `[0, d]`, for step < 0 start is clamped to `[0, d-1]` and end to `[-1, d-1]`; the length is
 * `max(0, ceil((end - start) / step))`. Steps may not be 0; axes may not repeat.
 * Spec: https://onnx.ai/onnx/operators/onnx__Slice.html
 */
import { addDims, divDim, formatShape, subDims, SymDim, type Dim } from '../ir/dim.js';
import { stridesOf, type Tensor } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { normalizeAxis, stridedIndexMap } from './shared/broadcast.js';
import { gatherElements, intsOf } from './shared/elementwise.js';
import { defineOp, requireInput, requireType } from './core/op.js';

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
  const axes = spec.axes ?? Array.from({ length: count }, (_, i) => i);
  const steps = spec.steps ?? axes.map(() => 1);
  if (spec.ends.length !== count || axes.length !== count || steps.length !== count) {
    fail(
      `starts [${spec.starts.join(', ')}], ends [${spec.ends.join(', ')}], axes [${axes.join(', ')}] and steps [${steps.join(', ')}] must have the same length`,
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

export const Slice = defineOp({
  opType: 'Slice',
  domain: '',
  versions: [1, 10, 11, 13],
  inputs: [
    { name: 'data' },
    { name: 'starts', since: 10 },
    { name: 'ends', since: 10 },
    { name: 'axes', optional: true, since: 10 },
    { name: 'steps', optional: true, since: 10 },
  ],
  outputs: [{ name: 'output' }],
  attributes: {
    starts: attr.optionalInts('starts', { until: 9 }),
    ends: attr.optionalInts('ends', { until: 9 }),
    axes: attr.optionalInts('axes', { until: 9 }),
  },
  infer(ctx) {
    const x = requireType(ctx, 0);
    let spec: SliceSpec | undefined;
    if (ctx.opset < 10) spec = attributeSpec(ctx.attrs, ctx.fail);
    else {
      const read = (index: number): readonly number[] | undefined | null => {
        if (ctx.inputs[index] === null || ctx.inputs[index] === undefined) return undefined;
        const constant = ctx.constant(index);
        return constant === undefined ? null : intsOf(constant, ctx.fail);
      };
      const [starts, ends, axes, steps] = [read(1), read(2), read(3), read(4)];
      if (starts === undefined || ends === undefined) return ctx.fail('inputs starts and ends are required');
      if (starts !== null && ends !== null && axes !== null && steps !== null) spec = { starts, ends, axes, steps };
      else if (x.shape !== null) {
        // Bounds computed in the graph: only the sliced axes become unknown, when we know which they are.
        const rank = x.shape.length;
        const count = ctx.inputs[1]?.shape?.[0];
        const sliced =
          axes === null
            ? undefined
            : axes === undefined
              ? typeof count === 'number'
                ? Array.from({ length: count }, (_, i) => i)
                : undefined
              : axes;
        const touched = new Set(sliced?.map((axis) => normalizeAxis(axis, rank, 'axis', ctx.fail)));
        return [
          {
            dtype: x.dtype,
            shape: x.shape.map((dim, axis) => (sliced === undefined || touched.has(axis) ? SymDim.unknown() : dim)),
          },
        ];
      }
    }
    if (x.shape === null || spec === undefined) return [{ dtype: x.dtype, shape: null }];
    return [{ dtype: x.dtype, shape: sliceShape(x.shape, spec, ctx.fail) }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const optional = (index: number): readonly number[] | undefined => {
      const t = ctx.inputs[index];
      return t === null || t === undefined ? undefined : intsOf(t, ctx.fail);
    };
    const spec =
      ctx.opset < 10
        ? attributeSpec(ctx.attrs, ctx.fail)
        : {
            starts: intsOf(requireInput(ctx, 1), ctx.fail),
            ends: intsOf(requireInput(ctx, 2), ctx.fail),
            axes: optional(3),
            steps: optional(4),
          };
    if (spec.axes === undefined && spec.starts.length > x.dims.length) {
      ctx.fail(`${spec.starts.length} starts for input of shape ${formatShape(x.dims)}`);
    }
    return [sliceTensor(x, spec, ctx.fail)];
  },
});

/** The opset-1 spec from attributes. */
function attributeSpec(
  attrs: {
    readonly starts: readonly number[] | undefined;
    readonly ends: readonly number[] | undefined;
    readonly axes: readonly number[] | undefined;
  },
  fail: (detail: string) => never,
): SliceSpec {
  if (attrs.starts === undefined || attrs.ends === undefined)
    return fail("attributes 'starts' and 'ends' are required before opset 10");
  return { starts: attrs.starts, ends: attrs.ends, axes: attrs.axes, steps: undefined };
}
