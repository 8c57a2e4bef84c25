/**
 * TopK (opsets 1, 10, 11, 24): the `k` largest (or, with `largest = 0`, smallest) elements of `X` along `axis`
 * (default -1) and their int64 indices; both outputs have `X`'s shape with `k` at the axis. `k` was an attribute
 * until 9 and is a one-element int64 input `K` from 10; `largest` and `sorted` (default 1) exist from 11. Equal
 * values keep their order along the axis (the lower index first), as the spec requires. With `sorted = 0` the
 * order is unspecified; this kernel still returns the sorted order. NaN counts as larger than every number (first
 * for largest, last for smallest), like numpy's sort. Types: float16/float/double, every integer type from 11,
 * bfloat16 from 24; int64/uint64 compare exactly.
 * Spec: https://onnx.ai/onnx/operators/onnx__TopK.html
 */
import { formatShape, SymDim, type Dim } from '../ir/dim.js';
import { DataType, NUMERIC_TYPES, SIGNED_INT_TYPES, UNSIGNED_INT_TYPES } from '../ir/dtype.js';
import { Tensor } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { normalizeAxis } from './shared/broadcast.js';
import { bigintsOf, gatherElements, intsOf, isBigIntData, numbersOf } from './shared/elementwise.js';

/** Orders two elements `a`, `b` (with their positions) for TopK: negative when `a` comes first. */
function compareFor<V extends number | bigint>(largest: boolean): (a: V, b: V, ia: number, ib: number) => number {
  return (a, b, ia, ib) => {
    const nanA = typeof a === 'number' && Number.isNaN(a);
    const nanB = typeof b === 'number' && Number.isNaN(b);
    // NaN is the largest value: first when taking the largest, last when taking the smallest.
    if (nanA || nanB) return nanA && nanB ? ia - ib : (nanA ? -1 : 1) * (largest ? 1 : -1);
    if (a === b) return ia - ib;
    return (a > b ? -1 : 1) * (largest ? 1 : -1);
  };
}

/** The positions along each line of the `k` selected elements, in output order. */
function selectTopK<V extends number | bigint>(
  values: ArrayLike<V>,
  line: { readonly outer: number; readonly count: number; readonly inner: number },
  k: number,
  largest: boolean,
): { map: Int32Array; indices: BigInt64Array } {
  const { outer, count, inner } = line;
  const compare = compareFor<V>(largest);
  const map = new Int32Array(outer * k * inner);
  const indices = new BigInt64Array(outer * k * inner);
  for (let o = 0; o < outer; o += 1) {
    for (let j = 0; j < inner; j += 1) {
      const at = (position: number): number => (o * count + position) * inner + j;
      const entries: { value: V; position: number }[] = [];
      for (let position = 0; position < count; position += 1) {
        const value = values[at(position)];
        if (value !== undefined) entries.push({ value, position });
      }
      entries.sort((a, b) => compare(a.value, b.value, a.position, b.position));
      for (let r = 0; r < k; r += 1) {
        const position = entries[r]?.position ?? 0;
        const target = (o * k + r) * inner + j;
        map[target] = at(position);
        indices[target] = BigInt(position);
      }
    }
  }
  return { map, indices };
}

/** The value of `K` (opset >= 10) as a number, failing unless it holds exactly one value. */
function kValue(k: Tensor, fail: (detail: string) => never): number {
  const [value] = intsOf(k, fail);
  if (k.size !== 1 || k.dims.length > 1 || value === undefined)
    return fail(`K must be a 1-D tensor holding one value, got ${k.describe()}`);
  return value;
}

/** Fails unless `0 <= k <= size` of the axis. */
function checkK(k: number, size: Dim, axis: number, shape: string, fail: (detail: string) => never): void {
  if (k < 0 || (typeof size === 'number' && k > size))
    fail(`k = ${k} must be between 0 and ${String(size)}, the size of axis ${axis} of X ${shape}`);
}

export const TopK = defineOp({
  opType: 'TopK',
  domain: '',
  versions: [1, 10, 11, 24],
  inputs: [
    { name: 'X', type: 'T' },
    { name: 'K', type: 'I', since: 10, fromAttribute: 'k' },
  ],
  outputs: [
    { name: 'Values', type: 'T' },
    { name: 'Indices', type: 'I' },
  ],
  attributes: {
    axis: attr.int('axis', -1),
    k: attr.optionalInt('k', { until: 9 }),
    largest: attr.int('largest', 1, { since: 11 }),
    sorted: attr.int('sorted', 1, { since: 11 }),
  },
  types: {
    T: {
      types: NUMERIC_TYPES,
      since: addedAt({ 11: [...SIGNED_INT_TYPES, ...UNSIGNED_INT_TYPES], 24: [DataType.BFLOAT16] }),
    },
    I: { types: [DataType.INT64] },
  },
  infer(ctx) {
    const x = requireType(ctx, 0);
    const outputs = (shape: Dim[] | null): { dtype: DataType; shape: Dim[] | null }[] => [
      { dtype: x.dtype, shape },
      { dtype: DataType.INT64, shape },
    ];
    if (x.shape === null) return outputs(null);
    if (x.shape.length === 0) ctx.fail(`X must have rank >= 1, got ${formatShape(x.shape)}`);
    const axis = normalizeAxis(ctx.attrs.axis, x.shape.length, 'axis', ctx.fail);
    let k: Dim | undefined;
    if (ctx.opset < 10) k = ctx.attrs.k ?? ctx.fail(`attribute 'k' is required before opset 10`);
    else {
      const constant = ctx.constant(1);
      k = constant === undefined ? ctx.shapeValue(1)?.[0] : kValue(constant, ctx.fail);
    }
    if (typeof k === 'number') checkK(k, x.shape[axis] ?? 0, axis, formatShape(x.shape), ctx.fail);
    return outputs(x.shape.map((dim, i) => (i === axis ? (k ?? SymDim.unknown()) : dim)));
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    if (x.dims.length === 0) ctx.fail(`X must have rank >= 1, got ${x.describe()}`);
    const axis = normalizeAxis(ctx.attrs.axis, x.dims.length, 'axis', ctx.fail);
    const k =
      ctx.opset < 10
        ? (ctx.attrs.k ?? ctx.fail(`attribute 'k' is required before opset 10`))
        : kValue(requireInput(ctx, 1), ctx.fail);
    const count = x.dims[axis] ?? 0;
    checkK(k, count, axis, x.describe(), ctx.fail);
    const line = {
      outer: x.dims.slice(0, axis).reduce((total, dim) => total * dim, 1),
      count,
      inner: x.dims.slice(axis + 1).reduce((total, dim) => total * dim, 1),
    };
    const largest = ctx.attrs.largest !== 0;
    const { map, indices } = isBigIntData(x.data)
      ? selectTopK(bigintsOf(x, ctx.fail), line, k, largest)
      : selectTopK(numbersOf(x, ctx.fail), line, k, largest);
    const dims = x.dims.map((dim, i) => (i === axis ? k : dim));
    return [gatherElements(x, map, dims), new Tensor(DataType.INT64, dims, indices)];
  },
});
