/**
 * What ScatterElements and ScatterND share: the `reduction` attribute (`none` from 11, `add`/`mul` from 16,
 * `max`/`min` from 18), a writable copy of `data` that applies updates with that reduction, and an odometer over
 * the coordinates of a shape.
 *
 * `none` overwrites (with duplicate indices the last update in row-major order wins; the spec leaves the order
 * undefined). The others combine `output[target] = f(output[target], update)`: floats in float64, stored at the
 * type's precision after each update like numpy (float16/bfloat16 kept in float64 and rounded once at the end; NaN
 * propagates through max/min); integers wrap at their width like C; bool uses or for add/max and and for mul/min;
 * strings only overwrite.
 */
import { DataType, isFloatType } from '../../ir/dtype.js';
import { Tensor } from '../../ir/tensor.js';
import { attr } from '../core/attributes.js';
import { bigintsOf, copyElements, intMul, isBigIntData, isNumberData, numberOutput, numbersOf } from './elementwise.js';

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
