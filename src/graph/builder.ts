/**
 * The typed graph builder: `b.maxPool(x, { kernelShape: [5, 5], pads: [2, 2, 2, 2] })`.
 * One method per op, typed by the op's attribute schema. Where an op's form depends on the opset (ReduceMax `axes`
 * as an attribute before 18 and an input from 18, Split's `split` as an input from 13, ...), the method emits the
 * right form for the builder's opset.
 */
import type { AttrInput } from '../ops/core/attributes.js';
import { Add } from '../ops/add.js';
import { AveragePool } from '../ops/average-pool.js';
import { BatchNormalization } from '../ops/batch-normalization.js';
import { Cast } from '../ops/cast.js';
import { Concat } from '../ops/concat.js';
import { Conv } from '../ops/conv.js';
import { Div } from '../ops/div.js';
import { Equal } from '../ops/equal.js';
import { Flatten } from '../ops/flatten.js';
import { Gather } from '../ops/gather.js';
import { GlobalAveragePool } from '../ops/global-average-pool.js';
import { GlobalMaxPool } from '../ops/global-max-pool.js';
import { Identity } from '../ops/identity.js';
import { MatMul } from '../ops/mat-mul.js';
import { MaxPool } from '../ops/max-pool.js';
import { Mul } from '../ops/mul.js';
import { ReduceMax } from '../ops/reduce-max.js';
import { ReduceMean } from '../ops/reduce-mean.js';
import { Min } from '../ops/min.js';
import { Range } from '../ops/range.js';
import { Relu } from '../ops/relu.js';
import { Sign } from '../ops/sign.js';
import { Squeeze } from '../ops/squeeze.js';
import { Reshape } from '../ops/reshape.js';
import { Resize } from '../ops/resize.js';
import { Shape } from '../ops/shape.js';
import { Sigmoid } from '../ops/sigmoid.js';
import { Slice } from '../ops/slice.js';
import { Softmax } from '../ops/softmax.js';
import { Split } from '../ops/split.js';
import { Sub } from '../ops/sub.js';
import { Transpose } from '../ops/transpose.js';
import { Unsqueeze } from '../ops/unsqueeze.js';
import { Where } from '../ops/where.js';
import { BuilderCore, type NodeOptions } from './builder-core.js';
import type { DataType } from '../ir/dtype.js';
import { Tensor } from '../ir/tensor.js';
import { Value } from '../ir/value.js';

export { DEFAULT_OPSET, toDim, type BuilderOptions, type DimSpec, type NodeOptions } from './builder-core.js';

/** Axes and keepdims of a Reduce* op, independent of the opset's form. */
export interface ReduceOptions {
  readonly axes: readonly number[];
  readonly keepdims?: number;
}

/** Constant slice bounds (one entry per sliced axis). */
export interface SliceBounds {
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  readonly axes?: readonly number[];
  readonly steps?: readonly number[];
}

/** Reduce* from opset 18 takes `axes` as an input. */
const REDUCE_AXES_INPUT_OPSET = 18;
/** Split takes `split` sizes as an input from 13, and `num_outputs` from 18. */
const SPLIT_INPUT_OPSET = 13;
const SPLIT_NUM_OUTPUTS_OPSET = 18;
/** Unsqueeze takes `axes` as an input from 13. */
const UNSQUEEZE_INPUT_OPSET = 13;
/** Shape takes `start`/`end` from 15. */
const SHAPE_SLICE_OPSET = 15;

/** Builds a model with one typed method per op. */
export class GraphBuilder extends BuilderCore {
  /** An int64 1-D constant. */
  int64s(name: string, values: readonly number[]): Value {
    return this.constant(name, Tensor.int64([values.length], values));
  }

  maxPool(x: Value, attrs: AttrInput<typeof MaxPool.attributes>, options?: NodeOptions): Value {
    return this.op1(MaxPool, [x], attrs, options);
  }

  averagePool(x: Value, attrs: AttrInput<typeof AveragePool.attributes>, options?: NodeOptions): Value {
    return this.op1(AveragePool, [x], attrs, options);
  }

  globalMaxPool(x: Value, options?: NodeOptions): Value {
    return this.op1(GlobalMaxPool, [x], {}, options);
  }

  globalAveragePool(x: Value, options?: NodeOptions): Value {
    return this.op1(GlobalAveragePool, [x], {}, options);
  }

  conv(
    x: Value,
    weight: Value,
    bias: Value | null,
    attrs: AttrInput<typeof Conv.attributes> = {},
    options?: NodeOptions,
  ): Value {
    return this.op1(Conv, bias === null ? [x, weight] : [x, weight, bias], attrs, options);
  }

  batchNormalization(
    x: Value,
    scale: Value,
    bias: Value,
    mean: Value,
    variance: Value,
    attrs: AttrInput<typeof BatchNormalization.attributes> = {},
    options?: NodeOptions,
  ): Value {
    return this.op1(BatchNormalization, [x, scale, bias, mean, variance], attrs, options);
  }

  relu(x: Value, options?: NodeOptions): Value {
    return this.op1(Relu, [x], {}, options);
  }

  sigmoid(x: Value, options?: NodeOptions): Value {
    return this.op1(Sigmoid, [x], {}, options);
  }

  add(a: Value, b: Value, options?: NodeOptions): Value {
    return this.op1(Add, [a, b], {}, options);
  }

  sub(a: Value, b: Value, options?: NodeOptions): Value {
    return this.op1(Sub, [a, b], {}, options);
  }

  mul(a: Value, b: Value, options?: NodeOptions): Value {
    return this.op1(Mul, [a, b], {}, options);
  }

  div(a: Value, b: Value, options?: NodeOptions): Value {
    return this.op1(Div, [a, b], {}, options);
  }

  /** `A == B` elementwise (bool output). */
  equal(a: Value, b: Value, options?: NodeOptions): Value {
    return this.op1(Equal, [a, b], {}, options);
  }

  /** `condition ? x : y` elementwise. */
  where(condition: Value, x: Value, y: Value, options?: NodeOptions): Value {
    return this.op1(Where, [condition, x, y], {}, options);
  }

  /** Matrix product with numpy batching. */
  matMul(a: Value, b: Value, options?: NodeOptions): Value {
    return this.op1(MatMul, [a, b], {}, options);
  }

  /** Softmax along `axis` (from opset 13 a true per-axis softmax; the default is the last axis). */
  softmax(x: Value, attrs: AttrInput<typeof Softmax.attributes> = {}, options?: NodeOptions): Value {
    return this.op1(Softmax, [x], attrs, options);
  }

  /** Transpose by `perm` (reversed axes when absent). */
  transpose(x: Value, attrs: AttrInput<typeof Transpose.attributes> = {}, options?: NodeOptions): Value {
    return this.op1(Transpose, [x], attrs, options);
  }

  /** Resize to the given output `sizes` (an int64 value of the full shape, or of `axes` from opset 18). */
  resizeTo(x: Value, sizes: Value, attrs: AttrInput<typeof Resize.attributes> = {}, options?: NodeOptions): Value {
    return this.op1(Resize, [x, null, null, sizes], attrs, options);
  }

  identity(x: Value, options?: NodeOptions): Value {
    return this.op1(Identity, [x], {}, options);
  }

  cast(x: Value, to: DataType, options?: NodeOptions): Value {
    return this.op1(Cast, [x], { to }, options);
  }

  concat(values: readonly Value[], attrs: { readonly axis: number }, options?: NodeOptions): Value {
    return this.op1(Concat, values, attrs, options);
  }

  flatten(x: Value, attrs: AttrInput<typeof Flatten.attributes> = {}, options?: NodeOptions): Value {
    return this.op1(Flatten, [x], attrs, options);
  }

  /** Reshape to a constant shape (`-1` and `0` as in ONNX) or to a computed shape value. */
  reshape(x: Value, shape: readonly number[] | Value, options?: NodeOptions): Value {
    const target = isValue(shape) ? shape : this.int64s(`${options?.name ?? 'reshape'}.shape`, shape);
    return this.op1(Reshape, [x, target], {}, options);
  }

  /** `Shape(x)`, or `Shape(x)[axis]` as a 1-element int64 vector. */
  shapeOf(x: Value, axis?: number, options?: NodeOptions): Value {
    if (axis === undefined) return this.op1(Shape, [x], {}, options);
    if (this.opset >= SHAPE_SLICE_OPSET) return this.op1(Shape, [x], { start: axis, end: axis + 1 }, options);
    const whole = this.op1(Shape, [x], {}, { name: `${options?.name ?? 'shape'}.all` });
    return this.op1(Gather, [whole, this.int64s(`${options?.name ?? 'shape'}.index`, [axis])], { axis: 0 }, options);
  }

  /** `Shape(x)[start:end]` as an int64 vector (Shape's start/end from opset 15, Shape + Slice before). */
  shapeRange(x: Value, start: number, end: number, options?: NodeOptions): Value {
    if (this.opset >= SHAPE_SLICE_OPSET) return this.op1(Shape, [x], { start, end }, options);
    const whole = this.op1(Shape, [x], {}, { name: `${options?.name ?? 'shape'}.all` });
    return this.slice(whole, { starts: [start], ends: [end], axes: [0] }, options);
  }

  gather(x: Value, indices: Value, attrs: AttrInput<typeof Gather.attributes> = {}, options?: NodeOptions): Value {
    return this.op1(Gather, [x, indices], attrs, options);
  }

  /** Removes the given size-1 axes (`axes` an attribute before opset 13, an input from 13). */
  squeeze(x: Value, axes: readonly number[], options?: NodeOptions): Value {
    if (this.opset >= UNSQUEEZE_INPUT_OPSET)
      return this.op1(Squeeze, [x, this.int64s(`${options?.name ?? 'squeeze'}.axes`, axes)], {}, options);
    return this.op1(Squeeze, [x], { axes }, options);
  }

  /** `[start, start + delta, ...)` up to `limit` (scalars). */
  range(start: Value, limit: Value, delta: Value, options?: NodeOptions): Value {
    return this.op1(Range, [start, limit, delta], {}, options);
  }

  /** Elementwise minimum (numpy broadcasting). */
  min(a: Value, b: Value, options?: NodeOptions): Value {
    return this.op1(Min, [a, b], {}, options);
  }

  /** -1, 0 or 1 by sign. */
  sign(x: Value, options?: NodeOptions): Value {
    return this.op1(Sign, [x], {}, options);
  }

  unsqueeze(x: Value, axes: readonly number[], options?: NodeOptions): Value {
    if (this.opset >= UNSQUEEZE_INPUT_OPSET)
      return this.op1(Unsqueeze, [x, this.int64s(`${options?.name ?? 'unsqueeze'}.axes`, axes)], {}, options);
    return this.op1(Unsqueeze, [x], { axes }, options);
  }

  /** Slice with constant bounds. */
  slice(x: Value, bounds: SliceBounds, options?: NodeOptions): Value {
    const base = options?.name ?? 'slice';
    const inputs = [x, this.int64s(`${base}.starts`, bounds.starts), this.int64s(`${base}.ends`, bounds.ends)];
    if (bounds.axes !== undefined || bounds.steps !== undefined)
      inputs.push(this.int64s(`${base}.axes`, bounds.axes ?? bounds.starts.map((_, i) => i)));
    if (bounds.steps !== undefined) inputs.push(this.int64s(`${base}.steps`, bounds.steps));
    return this.op1(Slice, inputs, {}, options);
  }

  /** Slice with computed bounds (int64 vectors). */
  sliceDynamic(x: Value, starts: Value, ends: Value, axes?: Value, options?: NodeOptions): Value {
    return this.op1(Slice, axes === undefined ? [x, starts, ends] : [x, starts, ends, axes], {}, options);
  }

  reduceMax(x: Value, reduce: ReduceOptions, options?: NodeOptions): Value {
    return this.reduce(ReduceMax, x, reduce, options);
  }

  reduceMean(x: Value, reduce: ReduceOptions, options?: NodeOptions): Value {
    return this.reduce(ReduceMean, x, reduce, options);
  }

  /** Splits `x` along `axis` into pieces of the given sizes (or `count` equal pieces). */
  split(x: Value, pieces: number | readonly number[], options?: NodeOptions & { readonly axis?: number }): Value[] {
    const axis = options?.axis ?? 0;
    const nodeOptions = { ...(options?.name === undefined ? {} : { name: options.name }) };
    const count = typeof pieces === 'number' ? pieces : pieces.length;
    if (typeof pieces === 'number' && this.opset >= SPLIT_NUM_OUTPUTS_OPSET) {
      return this.op(Split, [x], { axis, numOutputs: pieces }, { ...nodeOptions, outputCount: count });
    }
    const sizes = typeof pieces === 'number' ? this.equalSplit(x, axis, pieces) : pieces;
    if (this.opset >= SPLIT_INPUT_OPSET) {
      return this.op(
        Split,
        [x, this.int64s(`${options?.name ?? 'split'}.sizes`, sizes)],
        { axis },
        { ...nodeOptions, outputCount: count },
      );
    }
    return this.op(Split, [x], { axis, split: sizes }, { ...nodeOptions, outputCount: count });
  }

  private equalSplit(x: Value, axis: number, count: number): number[] {
    const size = x.type?.shape?.[axis < 0 ? x.type.shape.length + axis : axis];
    if (typeof size !== 'number' || size % count !== 0) {
      throw new RangeError(
        `split: cannot split '${x.name}' into ${count} equal parts along axis ${axis} of static size ${String(size)} before opset ${SPLIT_NUM_OUTPUTS_OPSET}`,
      );
    }
    return Array.from({ length: count }, () => size / count);
  }

  private reduce(op: typeof ReduceMax, x: Value, reduce: ReduceOptions, options?: NodeOptions): Value {
    const keepdims = reduce.keepdims ?? 1;
    if (this.opset >= REDUCE_AXES_INPUT_OPSET) {
      return this.op1(op, [x, this.int64s(`${options?.name ?? op.opType}.axes`, reduce.axes)], { keepdims }, options);
    }
    return this.op1(op, [x], { axes: reduce.axes, keepdims }, options);
  }
}

function isValue(shape: readonly number[] | Value): shape is Value {
  return shape instanceof Value;
}
