/**
 * Values known during shape inference: small integer tensors whose elements are dims (known numbers or
 * symbolic expressions), as produced by `Shape` and the int64 arithmetic that exporters build on it
 * (`Shape -> Gather -> Div/Mul/Add -> Concat -> Reshape`). Carrying them lets a Reshape or Expand whose shape
 * input is computed in the graph get a static or symbolic output shape instead of unknown dims.
 *
 * Two layers, both run per node in graph order by `KnownValues.record` (known-values.ts):
 * - folding: a node whose inputs are all known tensors and whose outputs are small and static is run with its
 *   reference kernel (any dtype; covers Constant, and whole shape subgraphs of static models);
 * - symbolic propagation: for Shape, Gather, Slice, Concat, Unsqueeze, Squeeze, Cast, Identity, Reshape,
 *   Add, Sub, Mul, Div, Max, Min over rank-0/1 integer values, element by element on dims. Integer Div of a
 *   symbolic dim is floor division, which equals ONNX's truncation for the non-negative values dims have.
 */
import { addDims, divDim, mulDims, subDims, type Dim } from '../../ir/dim.js';
import { DataType } from '../../ir/dtype.js';
import { Tensor } from '../../ir/tensor.js';
import type { Node, TensorType } from '../../ir/value.js';
import { intsOf } from './elementwise.js';

/** The `[start, end)` range of dims that Shape returns for a rank (start/end clamped to `[0, rank]`). */
export function shapeRange(
  rank: number,
  start: number,
  end: number | undefined,
): { readonly start: number; readonly end: number } {
  const clamp = (value: number): number => Math.min(Math.max(value < 0 ? value + rank : value, 0), rank);
  const from = clamp(start);
  const to = clamp(end ?? rank);
  return { start: from, end: Math.max(from, to) };
}

/** Largest element count a folded output (or a propagated value) may have. */
export const MAX_KNOWN_ELEMENTS = 4096;

/** A rank-0 or rank-1 integer value whose elements are dims. */
export interface ShapeValue {
  /** `[]` for a scalar, `[n]` for a vector. */
  readonly dims: readonly number[];
  readonly elements: readonly Dim[];
}

/** Integer element types a shape value may have. */
export const SHAPE_DTYPES: readonly DataType[] = [DataType.INT64, DataType.INT32];

/** The shape value of a known small rank-0/1 integer tensor. */
export function shapeValueOfTensor(tensor: Tensor): ShapeValue | undefined {
  if (!SHAPE_DTYPES.includes(tensor.dtype) || tensor.dims.length > 1 || tensor.size > MAX_KNOWN_ELEMENTS)
    return undefined;
  const elements = intsOf(tensor, (detail) => {
    throw new RangeError(detail);
  });
  return { dims: [...tensor.dims], elements };
}

/** The tensor of a shape value whose elements are all known numbers (int64 or int32). */
export function tensorOfShapeValue(value: ShapeValue, dtype: DataType): Tensor | undefined {
  if (!SHAPE_DTYPES.includes(dtype)) return undefined;
  const numbers: number[] = [];
  for (const element of value.elements) {
    if (typeof element !== 'number') return undefined;
    numbers.push(element);
  }
  return dtype === DataType.INT64
    ? Tensor.int64(value.dims, numbers)
    : new Tensor(DataType.INT32, value.dims, Int32Array.from(numbers));
}

/** An int attribute of a node, or `fallback`. */
function intAttr(node: Node, name: string, fallback: number): number {
  const attribute = node.attributes.get(name);
  return attribute?.kind === 'int' ? Number(attribute.value) : fallback;
}

/** An ints attribute of a node, or undefined. */
function intsAttr(node: Node, name: string): number[] | undefined {
  const attribute = node.attributes.get(name);
  return attribute?.kind === 'ints' ? attribute.value.map(Number) : undefined;
}

/**
 * Elementwise binary op on dims with scalar/equal-length broadcasting; undefined when a result is not
 * representable.
 */
function binary(a: ShapeValue, b: ShapeValue, fn: (x: Dim, y: Dim) => Dim | undefined): ShapeValue | undefined {
  const length = Math.max(a.elements.length, b.elements.length);
  if (
    (a.elements.length !== 1 && a.elements.length !== length) ||
    (b.elements.length !== 1 && b.elements.length !== length)
  )
    return undefined;
  const elements: Dim[] = [];
  for (let i = 0; i < length; i += 1) {
    const x = a.elements.length === 1 ? a.elements[0] : a.elements[i];
    const y = b.elements.length === 1 ? b.elements[0] : b.elements[i];
    if (x === undefined || y === undefined) return undefined;
    const result = fn(x, y);
    if (result === undefined) return undefined;
    elements.push(result);
  }
  const dims = a.dims.length >= b.dims.length ? a.dims : b.dims;
  return { dims: dims.length === 0 ? [] : [length], elements };
}

/** `x / y` on dims: exact for numbers (truncating), floor division of a symbolic dim by a positive constant. */
function divide(x: Dim, y: Dim): Dim | undefined {
  if (typeof y !== 'number' || y === 0) return undefined;
  if (typeof x === 'number') return Math.trunc(x / y);
  return y > 0 ? divDim(x, y, 'floor') : undefined;
}

/** Max/min on dims: numbers only, or two equal expressions. */
function extreme(pick: (a: number, b: number) => number): (x: Dim, y: Dim) => Dim | undefined {
  return (x, y) =>
    typeof x === 'number' && typeof y === 'number'
      ? pick(x, y)
      : typeof x !== 'number' && typeof y !== 'number' && x.key === y.key && !x.isUnknown
        ? x
        : undefined;
}

/** Slice of a 1-D value along axis 0 with numeric bounds. */
function sliceValue(
  data: ShapeValue,
  starts: ShapeValue,
  ends: ShapeValue,
  axes: ShapeValue | undefined,
  steps: ShapeValue | undefined,
): ShapeValue | undefined {
  const numbers = (v: ShapeValue | undefined): number[] | undefined =>
    v === undefined ? undefined : v.elements.every((e) => typeof e === 'number') ? v.elements.map(Number) : undefined;
  const [start] = numbers(starts) ?? [];
  const [end] = numbers(ends) ?? [];
  const [axis] = numbers(axes) ?? [0];
  const [step] = numbers(steps) ?? [1];
  if (
    data.dims.length !== 1 ||
    start === undefined ||
    end === undefined ||
    step === undefined ||
    step === 0 ||
    (axis !== 0 && axis !== -1)
  )
    return undefined;
  const size = data.elements.length;
  const clamp = (v: number, low: number, high: number): number => Math.min(Math.max(v < 0 ? v + size : v, low), high);
  const first = step > 0 ? clamp(start, 0, size) : clamp(start, 0, size - 1);
  const last = step > 0 ? clamp(end, 0, size) : clamp(end, -1, size - 1);
  const elements: Dim[] = [];
  for (let i = first; step > 0 ? i < last : i > last; i += step) {
    const element = data.elements[i];
    if (element === undefined) return undefined;
    elements.push(element);
  }
  return { dims: [elements.length], elements };
}

/** The shape value of a node's output 0 from its inputs' values and types; undefined when unknown. */
export function propagateShapeValue(
  node: Node,
  opset: number,
  inputs: readonly (ShapeValue | undefined)[],
  types: readonly (TensorType | null)[],
  output: TensorType | null,
): ShapeValue | undefined {
  const [a, b] = inputs;
  switch (node.opType) {
    case 'Shape': {
      const shape = types[0]?.shape;
      if (shape === null || shape === undefined) return undefined;
      const { start, end } = shapeRange(
        shape.length,
        intAttr(node, 'start', 0),
        node.attributes.has('end') ? intAttr(node, 'end', shape.length) : undefined,
      );
      return { dims: [end - start], elements: shape.slice(start, end) };
    }
    case 'Identity':
    case 'Cast':
      return a;
    case 'Add':
      return a && b && binary(a, b, addDims);
    case 'Sub':
      return a && b && binary(a, b, subDims);
    case 'Mul':
      return a && b && binary(a, b, mulDims);
    case 'Div':
      return a && b && binary(a, b, divide);
    case 'Max':
      return inputs.length === 2 && a && b ? binary(a, b, extreme(Math.max)) : undefined;
    case 'Min':
      return inputs.length === 2 && a && b ? binary(a, b, extreme(Math.min)) : undefined;
    case 'Gather': {
      if (a === undefined || b === undefined || a.dims.length !== 1 || intAttr(node, 'axis', 0) !== 0) return undefined;
      const elements: Dim[] = [];
      for (const index of b.elements) {
        if (typeof index !== 'number') return undefined;
        const element = a.elements[index < 0 ? index + a.elements.length : index];
        if (element === undefined) return undefined;
        elements.push(element);
      }
      return { dims: [...b.dims], elements };
    }
    case 'Concat': {
      if (inputs.some((v) => v === undefined || v.dims.length !== 1)) return undefined;
      const elements = inputs.flatMap((v) => v?.elements ?? []);
      return { dims: [elements.length], elements };
    }
    case 'Unsqueeze':
    case 'Squeeze':
    case 'Reshape':
    case 'Flatten': {
      // Same elements; the new dims come from the inferred output shape (static rank 0 or 1 only).
      const shape = output?.shape;
      if (a === undefined || shape === null || shape === undefined || shape.length > 1) return undefined;
      const [length = 1] = shape;
      return length === a.elements.length
        ? { dims: shape.length === 0 ? [] : [length], elements: a.elements }
        : undefined;
    }
    case 'Slice':
      if (a === undefined) return undefined;
      if (opset < 10) {
        const starts = intsAttr(node, 'starts');
        const ends = intsAttr(node, 'ends');
        const axes = intsAttr(node, 'axes');
        if (starts === undefined || ends === undefined) return undefined;
        return sliceValue(
          a,
          { dims: [1], elements: starts },
          { dims: [1], elements: ends },
          axes && { dims: [1], elements: axes },
          undefined,
        );
      }
      return b && inputs[2] && sliceValue(a, b, inputs[2], inputs[3], inputs[4]);
    default:
      return undefined;
  }
}
