/**
 * Tile (opsets 1, 6, 13): repeats `input` along every axis, like numpy's `tile` without broadcasting:
 * `output_dim[i] = input_dim[i] * repeats[i]` and `output[c_0, ..., c_n] = input[c_0 mod d_0, ..., c_n mod d_n]`.
 * From 6, `repeats` is a 1-D int64 input with one entry per input axis (each >= 0). Opset 1 instead took two
 * scalar inputs of the input's (float) type, `tiles` and `axis`: repeat `tiles` times along `axis` only. Types:
 * floats only at 1, every type from 6, bfloat16 from 13.
 * Spec: https://onnx.ai/onnx/operators/onnx__Tile.html
 */
import { formatShape, mulDims, SymDim, type Dim } from '../ir/dim.js';
import { ALL_TYPES, DataType, FLOAT_TYPES } from '../ir/dtype.js';
import { stridesOf, type Tensor } from '../ir/tensor.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { normalizeAxis } from './shared/broadcast.js';
import { gatherElements, intsOf } from './shared/elementwise.js';

/** Opset 1's `tiles` and `axis` scalars as a repeats vector for an input of rank `rank`. */
function legacyRepeats(tiles: Tensor, axis: Tensor, rank: number, fail: (detail: string) => never): number[] {
  const [count] = tiles.toNumbers();
  const [along] = axis.toNumbers();
  if (tiles.size !== 1 || axis.size !== 1 || count === undefined || along === undefined)
    return fail(`tiles and axis must be scalars, got ${tiles.describe()} and ${axis.describe()}`);
  const normal = normalizeAxis(along, rank, 'axis', fail);
  return Array.from({ length: rank }, (_, i) => (i === normal ? count : 1));
}

/** Checks a repeats vector against the input shape: one integer >= 0 per axis. */
function checkRepeats(repeats: readonly number[], shape: readonly Dim[], fail: (detail: string) => never): void {
  if (repeats.length !== shape.length)
    fail(`repeats [${repeats.join(', ')}] must have one entry per axis of input ${formatShape(shape)}`);
  if (repeats.some((r) => !Number.isInteger(r) || r < 0))
    fail(`repeats [${repeats.join(', ')}] must be integers >= 0 (input ${formatShape(shape)})`);
}

/** For every output element (row-major), the flat index of the input element it copies. */
function tileIndexMap(inDims: readonly number[], outDims: readonly number[]): Int32Array {
  const size = outDims.reduce((total, dim) => total * dim, 1);
  const inStrides = stridesOf(inDims);
  const map = new Int32Array(size);
  const counter = new Array<number>(outDims.length).fill(0);
  for (let i = 0; i < size; i += 1) {
    let source = 0;
    counter.forEach((c, axis) => (source += (c % (inDims[axis] ?? 1)) * (inStrides[axis] ?? 0)));
    map[i] = source;
    for (let axis = outDims.length - 1; axis >= 0; axis -= 1) {
      const next = (counter[axis] ?? 0) + 1;
      if (next < (outDims[axis] ?? 1)) {
        counter[axis] = next;
        break;
      }
      counter[axis] = 0;
    }
  }
  return map;
}

export const Tile = defineOp({
  opType: 'Tile',
  domain: '',
  versions: [1, 6, 13],
  inputs: [
    { name: 'input', type: 'T' },
    { name: 'repeats', type: 'T1', since: 6 },
    { name: 'tiles', type: 'T', until: 5 },
    { name: 'axis', type: 'T', until: 5 },
  ],
  outputs: [{ name: 'output', type: 'T' }],
  attributes: {},
  types: {
    T: {
      types: ALL_TYPES,
      since: addedAt({
        6: ALL_TYPES.filter((dtype) => !FLOAT_TYPES.includes(dtype)),
        13: [DataType.BFLOAT16],
      }),
    },
    T1: { types: [DataType.INT64] },
  },
  infer(ctx) {
    const x = requireType(ctx, 0);
    if (x.shape === null) return [{ dtype: x.dtype, shape: null }];
    const shape = x.shape;
    if (ctx.opset < 6) {
      const tiles = ctx.constant(1);
      const axis = ctx.constant(2);
      if (tiles === undefined || axis === undefined)
        return [{ dtype: x.dtype, shape: shape.map(() => SymDim.unknown()) }];
      const repeats = legacyRepeats(tiles, axis, shape.length, ctx.fail);
      checkRepeats(repeats, shape, ctx.fail);
      return [{ dtype: x.dtype, shape: shape.map((dim, i) => mulDims(dim, repeats[i] ?? 1) ?? SymDim.unknown()) }];
    }
    const repeatsType = requireType(ctx, 1);
    if (repeatsType.shape !== null && repeatsType.shape.length !== 1)
      ctx.fail(`repeats must be 1-D, got shape ${formatShape(repeatsType.shape)}`);
    const constant = ctx.constant(1);
    const repeats: readonly Dim[] | undefined = constant === undefined ? ctx.shapeValue(1) : intsOf(constant, ctx.fail);
    if (repeats === undefined) {
      const length = repeatsType.shape?.[0];
      if (typeof length === 'number' && length !== shape.length)
        ctx.fail(`repeats has ${length} entries but input ${formatShape(shape)} has rank ${shape.length}`);
      return [{ dtype: x.dtype, shape: shape.map((dim) => (dim === 0 ? 0 : SymDim.unknown())) }];
    }
    checkRepeats(
      repeats.map((r) => (typeof r === 'number' ? r : 0)),
      shape,
      ctx.fail,
    );
    // output_dim[i] = input_dim[i] * repeats[i], symbolic where one side is known.
    return [{ dtype: x.dtype, shape: shape.map((dim, i) => mulDims(dim, repeats[i] ?? 1) ?? SymDim.unknown()) }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    let repeats: number[];
    if (ctx.opset < 6) {
      repeats = legacyRepeats(requireInput(ctx, 1), requireInput(ctx, 2), x.dims.length, ctx.fail);
    } else {
      const repeatsTensor = requireInput(ctx, 1);
      if (repeatsTensor.dims.length !== 1) ctx.fail(`repeats must be 1-D, got ${repeatsTensor.describe()}`);
      repeats = intsOf(repeatsTensor, ctx.fail);
    }
    checkRepeats(repeats, x.dims, ctx.fail);
    const dims = x.dims.map((dim, i) => dim * (repeats[i] ?? 1));
    return [gatherElements(x, tileIndexMap(x.dims, dims), dims)];
  },
});
