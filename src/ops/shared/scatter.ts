/**
 * What ScatterElements and ScatterND share: the `reduction` attribute (`none` from 11, `add`/`mul` from 16,
 * `max`/`min` from 18), a writable copy of `data` that applies updates with that reduction, and an odometer over
 * the coordinates of a shape. With GatherElements, ScatterElements shares how `indices` address `data` along one
 * axis (`checkAxisOperands`, `forEachAxisIndex`).
 *
 * `none` overwrites (with duplicate indices the last update in row-major order wins; the spec leaves the order
 * undefined). The others combine `output[target] = f(output[target], update)`: floats in float64, stored at the
 * type's precision after each update like numpy (float16/bfloat16 kept in float64 and rounded once at the end; NaN
 * propagates through max/min); integers wrap at their width like C; bool uses or for add/max and and for mul/min;
 * strings only overwrite.
 */
import { formatShape, type Dim } from '../../ir/dim.js';
import { DataType, isFloatType } from '../../ir/dtype.js';
import { stridesOf, Tensor } from '../../ir/tensor.js';
import { attr } from '../core/attributes.js';
import { normalizeAxis } from './broadcast.js';
import {
  bigintsOf,
  copyElements,
  intMul,
  intsOf,
  isBigIntData,
  isNumberData,
  numberOutput,
  numbersOf,
} from './elementwise.js';

/** The reductions of ScatterElements and ScatterND. */
export type ScatterReduction = 'none' | 'add' | 'mul' | 'max' | 'min';

/** The `reduction` attribute (from opset 16; `max`/`min` from 18, see `checkReduction`). */
export const reductionAttribute = attr.enum<ScatterReduction>(
  'reduction',
  ['none', 'add', 'mul', 'max', 'min'],
  'none',
  { since: 16 },
);

/** Fails for `max`/`min` before opset 18, where the attribute only allowed none, add and mul. */
export function checkReduction(reduction: ScatterReduction, opset: number, fail: (detail: string) => never): void {
  if ((reduction === 'max' || reduction === 'min') && opset < 18)
    fail(`reduction '${reduction}' needs opset 18 or later (opset ${opset} allows none, add, mul)`);
}

/** Calls `visit` with every coordinate tuple of `dims` in row-major order and its flat index. */
export function forEachIndex(dims: readonly number[], visit: (coords: readonly number[], flat: number) => void): void {
  const size = dims.reduce((total, dim) => total * dim, 1);
  const coords = new Array<number>(dims.length).fill(0);
  for (let flat = 0; flat < size; flat += 1) {
    visit(coords, flat);
    for (let axis = dims.length - 1; axis >= 0; axis -= 1) {
      const next = (coords[axis] ?? 0) + 1;
      if (next < (dims[axis] ?? 1)) {
        coords[axis] = next;
        break;
      }
      coords[axis] = 0;
    }
  }
}

/**
 * Shape inference for GatherElements and ScatterElements: fails unless `data` (when its rank is known) has rank >= 1,
 * `axis` lies in it, and `indices` (when its rank is known) has the same rank.
 */
export function checkAxisOperandTypes(
  data: readonly Dim[] | null,
  indices: readonly Dim[] | null,
  axis: number,
  fail: (detail: string) => never,
): void {
  if (data === null) return;
  if (data.length === 0) fail(`data must have rank >= 1, got ${formatShape(data)}`);
  normalizeAxis(axis, data.length, 'axis', fail);
  if (indices !== null && indices.length !== data.length)
    fail(
      `indices ${formatShape(indices)} must have the rank of data ${formatShape(data)} ` +
        `(${indices.length} vs ${data.length})`,
    );
}

/**
 * The axis of GatherElements and ScatterElements, normalised: fails unless `data` has rank >= 1, `axis` lies in it
 * and `indices` has the rank of `data`.
 */
export function checkAxisOperands(
  data: Tensor,
  indices: Tensor,
  axis: number,
  fail: (detail: string) => never,
): number {
  const rank = data.dims.length;
  if (rank === 0) fail(`data must have rank >= 1, got ${data.describe()}`);
  const normalized = normalizeAxis(axis, rank, 'axis', fail);
  if (indices.dims.length !== rank) fail(`indices ${indices.describe()} must have the rank of data ${data.describe()}`);
  return normalized;
}

/**
 * Calls `visit` for every element `i` of `indices` (row-major) with the flat index into `data` of the element whose
 * coordinates are those of `i` except along `axis`, where `indices[i]` stands (negative counts from the back):
 * where GatherElements reads and ScatterElements writes. Fails on an index out of range, and on indices that reach
 * past `data` along another axis.
 */
export function forEachAxisIndex(
  data: Tensor,
  indices: Tensor,
  axis: number,
  fail: (detail: string) => never,
  visit: (position: number, i: number) => void,
): void {
  const size = data.dims[axis] ?? 0;
  const picks = intsOf(indices, fail);
  const strides = stridesOf(data.dims);
  forEachIndex(indices.dims, (coords, i) => {
    const pick = picks[i] ?? 0;
    if (pick < -size || pick >= size)
      fail(
        `index ${pick} at [${coords.join(', ')}] of indices ${indices.describe()} is out of range for axis ` +
          `${axis} of data ${data.describe()} (valid: ${-size}..${size - 1})`,
      );
    let position = 0;
    coords.forEach((c, a) => {
      if (a !== axis && c >= (data.dims[a] ?? 0))
        fail(`indices ${indices.describe()} exceed data ${data.describe()} along axis ${a}`);
      position += (a === axis ? (pick < 0 ? pick + size : pick) : c) * (strides[a] ?? 0);
    });
    visit(position, i);
  });
}

/** A copy of `data` that updates are applied to. */
export interface ScatterTarget {
  /** Combines update element `source` into output element `target`. */
  apply(target: number, source: number): void;
  /** The result (float16/bfloat16 rounded once). */
  finish(): Tensor;
}

function combineNumber(reduction: ScatterReduction, dtype: DataType): (a: number, b: number) => number {
  if (dtype === DataType.BOOL) {
    if (reduction === 'add' || reduction === 'max') return (a, b) => (a !== 0 || b !== 0 ? 1 : 0);
    if (reduction === 'mul' || reduction === 'min') return (a, b) => (a !== 0 && b !== 0 ? 1 : 0);
  }
  switch (reduction) {
    case 'none':
      return (_a, b) => b;
    case 'add':
      return (a, b) => a + b;
    case 'mul':
      return isFloatType(dtype) ? (a, b) => a * b : (a, b) => intMul(a, b, dtype);
    case 'max':
      return (a, b) => Math.max(a, b);
    case 'min':
      return (a, b) => Math.min(a, b);
  }
}

function combineBigint(reduction: ScatterReduction, dtype: DataType): (a: bigint, b: bigint) => bigint {
  const wrap = (v: bigint): bigint => (dtype === DataType.INT64 ? BigInt.asIntN(64, v) : BigInt.asUintN(64, v));
  switch (reduction) {
    case 'none':
      return (_a, b) => b;
    case 'add':
      return (a, b) => wrap(a + b);
    case 'mul':
      return (a, b) => wrap(a * b);
    case 'max':
      return (a, b) => (a > b ? a : b);
    case 'min':
      return (a, b) => (a < b ? a : b);
  }
}

/** A writable copy of `data` whose `apply` combines elements of `updates` (same dtype) with `reduction`. */
export function scatterTarget(
  data: Tensor,
  updates: Tensor,
  reduction: ScatterReduction,
  fail: (detail: string) => never,
): ScatterTarget {
  if (isBigIntData(data.data)) {
    const out = bigintsOf(data, fail).slice();
    const source = bigintsOf(updates, fail);
    const combine = combineBigint(reduction, data.dtype);
    return {
      apply: (target, index) => (out[target] = combine(out[target] ?? 0n, source[index] ?? 0n)),
      finish: () => new Tensor(data.dtype, data.dims, out),
    };
  }
  if (isNumberData(data.data)) {
    const out = numberOutput(data.dtype, data.size, fail);
    out.data.set(numbersOf(data, fail));
    const source = numbersOf(updates, fail);
    const combine = combineNumber(reduction, data.dtype);
    // Integer stores wrap at the type's width; float16/bfloat16 stay float64 until `finish` rounds them.
    return {
      apply: (target, index) => (out.data[target] = combine(out.data[target] ?? 0, source[index] ?? 0)),
      finish: () => out.finish(data.dims),
    };
  }
  if (reduction !== 'none') return fail(`reduction '${reduction}' is not defined for ${data.describe()}`);
  const out = [...data.data];
  const source = updates.data;
  return {
    apply: (target, index) => copyElements(out, target, source, index, 1),
    finish: () => new Tensor(data.dtype, data.dims, out),
  };
}
