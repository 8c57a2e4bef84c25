/**
 * Slice (opsets 1, 10, 11, 13): takes `[start, end)` with `step` along each listed axis. Opset 1 reads
 * `starts`/`ends`/`axes` attributes (step 1); from 10 they are inputs, with optional `axes` and `steps`.
 * The clamping rules are in shared/slice.ts.
 * Spec: https://onnx.ai/onnx/operators/onnx__Slice.html
 */
import { formatShape, SymDim } from '../ir/dim.js';
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { normalizeAxis } from './shared/broadcast.js';
import { intsOf } from './shared/elementwise.js';
import { sliceShape, sliceTensor, type SliceSpec } from './shared/slice.js';

export const Slice = defineOp({
  opType: 'Slice',
  domain: '',
  versions: [1, 10, 11, 13],
  inputs: [
    { name: 'data', type: 'T' },
    { name: 'starts', type: 'Tind', since: 10, fromAttribute: 'starts' },
    { name: 'ends', type: 'Tind', since: 10, fromAttribute: 'ends' },
    { name: 'axes', type: 'Tind', optional: true, since: 10, fromAttribute: 'axes' },
    { name: 'steps', type: 'Tind', optional: true, since: 10 },
  ],
  outputs: [{ name: 'output', type: 'T' }],
  attributes: {
    starts: attr.optionalInts('starts', { until: 9 }),
    ends: attr.optionalInts('ends', { until: 9 }),
    axes: attr.optionalInts('axes', { until: 9 }),
  },
  types: { T: { types: ALL_TYPES }, Tind: { types: [DataType.INT32, DataType.INT64] } },
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
        if (typeof count === 'number' && count > rank)
          ctx.fail(`starts has ${count} elements for input of shape ${formatShape(x.shape)}`);
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
