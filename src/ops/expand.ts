/**
 * Expand (opsets 8, 13): broadcasts `input` to `shape` by the numpy rule in both directions — a 1 in `shape`
 * keeps the input's dim, so the output shape is `broadcast(input.shape, shape)` and may be larger than `shape`.
 * `shape` is a 1-D int64 tensor. 13 added bfloat16.
 * Spec: https://onnx.ai/onnx/operators/onnx__Expand.html
 */
import { formatShape, SymDim, type Dim } from '../ir/dim.js';
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { broadcastConcrete, broadcastIndexMap, broadcastShapes } from './shared/broadcast.js';
import { gatherElements, intsOf } from './shared/elementwise.js';
import { checkRankOf, defineOp, requireInput, requireType } from './core/op.js';

/** Fails unless every requested dim is >= 0 (a negative dim is never valid for Expand). */
function checkRequested(requested: readonly number[], input: string, fail: (detail: string) => never): void {
  if (requested.some((v) => !Number.isInteger(v) || v < 0))
    fail(`shape [${requested.join(', ')}] must hold dims >= 0 (expanding input ${input})`);
}

export const Expand = defineOp({
  opType: 'Expand',
  domain: '',
  versions: [8, 13],
  inputs: [
    { name: 'input', type: 'T' },
    { name: 'shape', type: 'I' },
  ],
  outputs: [{ name: 'output', type: 'T' }],
  attributes: {},
  types: { T: { types: ALL_TYPES }, I: { types: [DataType.INT64] } },
  infer(ctx) {
    const x = requireType(ctx, 0);
    const shapeType = requireType(ctx, 1);
    if (shapeType.shape !== null && shapeType.shape.length !== 1)
      ctx.fail(`shape must be 1-D, got ${formatShape(shapeType.shape)}`);
    const constant = ctx.constant(1);
    if (constant !== undefined) {
      const requested = intsOf(constant, ctx.fail);
      checkRequested(requested, formatShape(x.shape), ctx.fail);
      return [
        {
          dtype: x.dtype,
          shape: broadcastShapes([x.shape, requested], (detail) => ctx.fail(`cannot expand: ${detail}`)),
        },
      ];
    }
    // A shape computed in the graph (`Shape` plus int64 arithmetic) may still be known as dims.
    const computed = ctx.shapeValue(1);
    if (computed !== undefined) {
      checkRequested(
        computed.filter((dim) => typeof dim === 'number'),
        formatShape(x.shape),
        ctx.fail,
      );
      return [
        {
          dtype: x.dtype,
          shape: broadcastShapes([x.shape, computed], (detail) => ctx.fail(`cannot expand: ${detail}`)),
        },
      ];
    }
    const length = shapeType.shape?.[0];
    if (x.shape === null || typeof length !== 'number') return [{ dtype: x.dtype, shape: null }];
    // Unknown requested dims: an input dim > 1 survives (the request must be 1 or equal), others are unknown.
    const rank = Math.max(x.shape.length, length);
    checkRankOf(ctx, rank, `output rank (the length of input 'shape', ${formatShape(shapeType.shape)})`);
    const offset = rank - x.shape.length;
    const shape: Dim[] = Array.from({ length: rank }, (_, axis) => {
      const own = x.shape?.[axis - offset];
      return typeof own === 'number' && own !== 1 ? own : SymDim.unknown();
    });
    return [{ dtype: x.dtype, shape }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const shape = requireInput(ctx, 1);
    if (shape.dims.length !== 1) ctx.fail(`shape must be a 1-D int64 tensor, got ${shape.describe()}`);
    const requested = intsOf(shape, ctx.fail);
    checkRequested(requested, x.describe(), ctx.fail);
    const dims = broadcastConcrete([x.dims, requested], (detail) => ctx.fail(`cannot expand: ${detail}`));
    return [gatherElements(x, broadcastIndexMap(x.dims, dims), dims)];
  },
});
