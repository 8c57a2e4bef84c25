/**
 * Numpy-style multidirectional broadcasting (ONNX "Broadcasting in ONNX", opset 7 and later), the legacy
 * unidirectional `broadcast`/`axis` attributes of opsets 1–6, and the index mapping the kernels use.
 *
 * Shapes are aligned at their trailing dims; along each axis the dims must be equal or one of them 1.
 * Spec: https://github.com/onnx/onnx/blob/main/docs/Broadcasting.md
 */
import { dimsEqual, formatShape, mulDims, SymDim, type Dim } from '../../ir/dim.js';
import { stridesOf } from '../../ir/tensor.js';

/** Broadcasts one axis of two dims; `undefined` when they provably cannot broadcast. */
function broadcastDim(a: Dim, b: Dim): Dim | undefined {
  if (a === 1) return b;
  if (b === 1) return a;
  if (dimsEqual(a, b)) return a;
  if (typeof a === 'number' && typeof b === 'number') return undefined;
  // One side is a known size > 1 (or 0): a symbolic partner must be 1 or equal to it, so the result is known.
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  // Two different symbolic dims: valid when one is 1 at run time, so the result cannot be named.
  return SymDim.unknown();
}

/**
 * The multidirectional broadcast of several shapes (symbolic dims allowed). `null` when any rank is unknown.
 * Calls `fail` with every shape when two known dims of an axis differ and neither is 1.
 */
export function broadcastShapes(
  shapes: readonly (readonly Dim[] | null)[],
  fail: (detail: string) => never,
): Dim[] | null {
  if (shapes.some((shape) => shape === null)) return null;
  const known = shapes.filter((shape): shape is readonly Dim[] => shape !== null);
  const rank = Math.max(0, ...known.map((shape) => shape.length));
  const result: Dim[] = [];
  for (let axis = 0; axis < rank; axis += 1) {
    let dim: Dim = 1;
    for (const shape of known) {
      const own = shape[shape.length - rank + axis] ?? 1;
      const merged = broadcastDim(dim, own);
      if (merged === undefined) {
        return fail(
          `shapes ${known.map(formatShape).join(' and ')} cannot be broadcast ` +
            `(axis ${axis} of the ${rank}-d result: ${String(dim)} vs ${String(own)})`,
        );
      }
      dim = merged;
    }
    result.push(dim);
  }
  return result;
}

/** The broadcast of concrete shapes (run time). */
export function broadcastConcrete(shapes: readonly (readonly number[])[], fail: (detail: string) => never): number[] {
  const result = broadcastShapes(shapes, fail);
  if (result === null) return fail('cannot broadcast an unknown rank');
  return result.map((dim) =>
    typeof dim === 'number'
      ? dim
      : fail(`internal: symbolic dim in concrete broadcast of ${shapes.map(formatShape).join(', ')}`),
  );
}

/**
 * Opsets 1–6 (`broadcast`, `axis` attributes): B is broadcast onto A. With `broadcast = 0` the shapes must be
 * equal; with `broadcast = 1`, B's shape must match a contiguous run of A's dims starting at `axis` (default:
 * the trailing dims), or B is a scalar. Returns B's shape padded with 1s to A's rank, so numpy broadcasting
 * then does the rest.
 */
export function legacyBroadcastShape(
  a: readonly Dim[],
  b: readonly Dim[],
  broadcast: number,
  axis: number | undefined,
  fail: (detail: string) => never,
): Dim[] {
  if (broadcast === 0) {
    if (a.length !== b.length || a.some((dim, i) => !dimsCompatible(dim, b[i] ?? 1))) {
      return fail(`shapes ${formatShape(a)} and ${formatShape(b)} must be equal when broadcast = 0`);
    }
    return [...b];
  }
  if (b.length === 0) return a.map(() => 1);
  if (b.length > a.length)
    return fail(`with broadcast = 1, B ${formatShape(b)} must not have more dims than A ${formatShape(a)}`);
  const start = axis === undefined ? a.length - b.length : axis < 0 ? axis + a.length : axis;
  if (start < 0 || start + b.length > a.length) {
    return fail(`axis ${String(axis)} puts B ${formatShape(b)} outside A ${formatShape(a)}`);
  }
  b.forEach((dim, i) => {
    const target = a[start + i] ?? 1;
    if (dim !== 1 && !dimsCompatible(target, dim))
      fail(
        `B ${formatShape(b)} does not match A ${formatShape(a)} at axis ${start + i} (axis attribute ${String(axis)})`,
      );
  });
  return [...a.slice(0, start).map(() => 1), ...b, ...a.slice(start + b.length).map(() => 1)];
}

/** True unless both dims are known and different. */
function dimsCompatible(a: Dim, b: Dim): boolean {
  return typeof a !== 'number' || typeof b !== 'number' || a === b;
}

/**
 * For every element of the broadcast output (row-major), the flat index of the element of an input of shape
 * `inputDims` that it reads. `outputDims` must be a broadcast of `inputDims`.
 */
export function broadcastIndexMap(inputDims: readonly number[], outputDims: readonly number[]): Int32Array {
  const rank = outputDims.length;
  const offset = rank - inputDims.length;
  const inputStrides = stridesOf(inputDims);
  // Stride of each output axis in the input: 0 where the input is broadcast (dim 1 or missing).
  const strides = outputDims.map((_, axis) => {
    const inputAxis = axis - offset;
    const dim = inputDims[inputAxis];
    return inputAxis < 0 || dim === 1 ? 0 : (inputStrides[inputAxis] ?? 0);
  });
  return stridedIndexMap(outputDims, strides, 0);
}

/**
 * Walks `dims` in row-major order and gives, for each element, `offset + Σ index[axis] * strides[axis]`: the
 * source index of a strided view (broadcast, transpose, slice). Strides may be 0 or negative.
 */
export function stridedIndexMap(dims: readonly number[], strides: readonly number[], offset: number): Int32Array {
  const size = dims.reduce((total, dim) => total * dim, 1);
  const map = new Int32Array(size);
  const rank = dims.length;
  const counter = new Array<number>(rank).fill(0);
  let source = offset;
  for (let i = 0; i < size; i += 1) {
    map[i] = source;
    // Advance the odometer, keeping `source` in step.
    for (let axis = rank - 1; axis >= 0; axis -= 1) {
      const count = (counter[axis] ?? 0) + 1;
      const stride = strides[axis] ?? 0;
      if (count < (dims[axis] ?? 1)) {
        counter[axis] = count;
        source += stride;
        break;
      }
      counter[axis] = 0;
      source -= stride * (count - 1);
    }
  }
  return map;
}

/** Resolves a possibly negative axis against `rank` (valid range `[-rank, rank-1]`), failing with both values. */
export function normalizeAxis(axis: number, rank: number, what: string, fail: (detail: string) => never): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    return fail(`${what} ${axis} is out of range for rank ${rank} (valid: ${-rank}..${rank - 1})`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** The product of dims, symbolic where it can be written as a linear form; unknown otherwise. */
export function dimProduct(dims: readonly Dim[]): Dim {
  let product: Dim = 1;
  for (const dim of dims) {
    if (dim === 0) return 0;
    const next = mulDims(product, dim);
    if (next === undefined) return dims.some((d) => d === 0) ? 0 : SymDim.unknown();
    product = next;
  }
  return product;
}

/**
 * A broadcast walked as rows: output elements `[r·length, (r+1)·length)` read input k at `starts[k][r] + i·steps[k]`
 * (`steps[k]` is 1 where input k varies along the row, 0 where it is broadcast). The row is the longest run of
 * trailing output axes along which every input either varies everywhere or is broadcast everywhere, so the kernels
 * need no per-element index maps.
 */
export interface BroadcastRows {
  readonly rows: number;
  readonly length: number;
  readonly starts: readonly Int32Array[];
  readonly steps: readonly number[];
}

/** The row plan of inputs of shapes `inputs` broadcast to `outputDims` (which must be their broadcast). */
export function broadcastRows(inputs: readonly (readonly number[])[], outputDims: readonly number[]): BroadcastRows {
  const rank = outputDims.length;
  // Per input and output axis: does the input vary along it (its dim equals the output dim, which is not 1)?
  const varies = inputs.map((dims) =>
    outputDims.map((dim, axis) => {
      const own = dims[axis - (rank - dims.length)];
      return dim !== 1 && own !== undefined && own !== 1;
    }),
  );
  // Grow the row from the last axis while every input keeps the status it has on the axes taken so far; axes of
  // size 1 never break a row.
  let first = rank;
  const status: (boolean | undefined)[] = inputs.map(() => undefined);
  while (first > 0) {
    const axis = first - 1;
    if ((outputDims[axis] ?? 1) !== 1) {
      const fits = varies.every((flags, k) => status[k] === undefined || status[k] === flags[axis]);
      if (!fits) break;
      varies.forEach((flags, k) => {
        status[k] = flags[axis];
      });
    }
    first = axis;
  }
  const length = outputDims.slice(first).reduce((a, b) => a * b, 1);
  const outer = outputDims.slice(0, first);
  const starts = inputs.map((dims) => {
    const strides = stridesOf(dims);
    const offset = rank - dims.length;
    const outerStrides = outer.map((_, axis) => {
      const own = dims[axis - offset];
      return axis < offset || own === 1 ? 0 : (strides[axis - offset] ?? 0);
    });
    return stridedIndexMap(outer, outerStrides, 0);
  });
  return {
    rows: length === 0 ? 0 : outer.reduce((a, b) => a * b, 1),
    length,
    starts,
    steps: status.map((s) => (s === true ? 1 : 0)),
  };
}
