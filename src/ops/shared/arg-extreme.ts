/**
 * ArgMax and ArgMin (opsets 1, 11, 12, 13): the int64 index of the largest (smallest) element along `axis`
 * (default 0; negative counts from the back from 11). With `keepdims` (default 1) the axis stays as size 1,
 * otherwise it is removed. Ties give the first index, or the last one with `select_last_index = 1` (from 12).
 * NaN counts as the extreme value for both ops (numpy's argmax/argmin, the spec's reference): the first NaN wins.
 * Types: every numeric type, bfloat16 from 13. int64/uint64 compare exactly as BigInt.
 */
import { formatShape, type Dim } from '../../ir/dim.js';
import { DataType, NUMERIC_TYPES } from '../../ir/dtype.js';
import { Tensor } from '../../ir/tensor.js';
import { attr } from '../core/attributes.js';
import { defineOp, requireInput, requireType, type OpDef } from '../core/op.js';
import { addedAt } from '../core/types.js';
import { normalizeAxis } from './broadcast.js';
import { bigintsOf, isBigIntData, numbersOf } from './elementwise.js';

/** The attributes of ArgMax and ArgMin. */
const argAttributes = {
  axis: attr.int('axis', 0),
  keepdims: attr.int('keepdims', 1),
  selectLastIndex: attr.int('select_last_index', 0, { since: 12 }),
} as const;

/** True when `value` should replace `best` (`value` comes later along the axis). */
function beats<V extends number | bigint>(value: V, best: V, largest: boolean, lastOnTie: boolean): boolean {
  if (typeof best === 'number' && Number.isNaN(best)) return false; // the first NaN stays
  if (typeof value === 'number' && Number.isNaN(value)) return true;
  if (value === best) return lastOnTie;
  return largest ? value > best : value < best;
}

/** The index of the extreme element of every row `(outer, inner)` along an axis of `count` elements. */
function argExtreme<V extends number | bigint>(
  values: ArrayLike<V>,
  outer: number,
  count: number,
  inner: number,
  largest: boolean,
  lastOnTie: boolean,
): BigInt64Array {
  const out = new BigInt64Array(outer * inner);
  for (let o = 0; o < outer; o += 1) {
    for (let j = 0; j < inner; j += 1) {
      const base = o * count * inner + j;
      let bestIndex = 0;
      let best = values[base];
      for (let k = 1; k < count; k += 1) {
        const value = values[base + k * inner];
        if (value !== undefined && best !== undefined && beats(value, best, largest, lastOnTie)) {
          best = value;
          bestIndex = k;
        }
      }
      out[o * inner + j] = BigInt(bestIndex);
    }
  }
  return out;
}

/** Defines ArgMax (`largest`) or ArgMin. */
export function defineArgOp(opType: string, largest: boolean): OpDef<typeof argAttributes> {
  return defineOp({
    opType,
    domain: '',
    versions: [1, 11, 12, 13],
    inputs: [{ name: 'data', type: 'T' }],
    outputs: [{ name: 'reduced', type: 'I' }],
    attributes: argAttributes,
    types: {
      T: { types: NUMERIC_TYPES, since: addedAt({ 13: [DataType.BFLOAT16] }) },
      I: { types: [DataType.INT64] },
    },
    infer(ctx) {
      const data = requireType(ctx, 0);
      if (data.shape === null) return [{ dtype: DataType.INT64, shape: null }];
      if (data.shape.length === 0) ctx.fail(`data must have rank >= 1, got ${formatShape(data.shape)}`);
      const axis = normalizeAxis(ctx.attrs.axis, data.shape.length, 'axis', ctx.fail);
      if (data.shape[axis] === 0) ctx.fail(`axis ${axis} of data ${formatShape(data.shape)} is empty`);
      const shape: Dim[] =
        ctx.attrs.keepdims !== 0
          ? data.shape.map((dim, i) => (i === axis ? 1 : dim))
          : data.shape.filter((_, i) => i !== axis);
      return [{ dtype: DataType.INT64, shape }];
    },
    run(ctx) {
      const data = requireInput(ctx, 0);
      if (data.dims.length === 0) ctx.fail(`data must have rank >= 1, got ${data.describe()}`);
      const axis = normalizeAxis(ctx.attrs.axis, data.dims.length, 'axis', ctx.fail);
      const count = data.dims[axis] ?? 0;
      if (count === 0) ctx.fail(`axis ${axis} of data ${data.describe()} is empty: there is no ${opType} to take`);
      const outer = data.dims.slice(0, axis).reduce((total, dim) => total * dim, 1);
      const inner = data.dims.slice(axis + 1).reduce((total, dim) => total * dim, 1);
      const last = ctx.attrs.selectLastIndex !== 0;
      const out = isBigIntData(data.data)
        ? argExtreme(bigintsOf(data, ctx.fail), outer, count, inner, largest, last)
        : argExtreme(numbersOf(data, ctx.fail), outer, count, inner, largest, last);
      const dims =
        ctx.attrs.keepdims !== 0
          ? data.dims.map((dim, i) => (i === axis ? 1 : dim))
          : data.dims.filter((_, i) => i !== axis);
      return [new Tensor(DataType.INT64, dims, out)];
    },
  });
}
