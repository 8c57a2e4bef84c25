/**
 * The typed graph builder: `b.maxPool(x, { kernelShape: [5, 5], pads: [2, 2, 2, 2] })`.
 *
 * Its op methods are generated from the op files (ops.generated.ts, by scripts/generate-ops.ts); this class adds
 * only sugar, and a method here replaces the generated one of the same name. Where an op's form depends on the
 * opset (ReduceMax `axes` an attribute before 18 and an input from 18, Shape's `start`/`end` from 15, Split's
 * `num_outputs` from 18), the cut-over is read from the op's schema, never restated here.
 */
import { availableAt, type AttrInput, type AttrSpec } from '../ops/core/attributes.js';
import { Cast } from '../ops/cast.js';
import { Identity } from '../ops/identity.js';
import { If } from '../ops/if.js';
import { Min } from '../ops/min.js';
import { Reshape } from '../ops/reshape.js';
import { Resize } from '../ops/resize.js';
import { Shape } from '../ops/shape.js';
import { Slice } from '../ops/slice.js';
import { Split } from '../ops/split.js';
import { Squeeze } from '../ops/squeeze.js';
import { Unsqueeze } from '../ops/unsqueeze.js';
import type { DataType } from '../ir/dtype.js';
import type { Graph } from '../ir/graph.js';
import { Tensor } from '../ir/tensor.js';
import { Value } from '../ir/value.js';
import type { NodeOptions } from './builder-core.js';
import { OpMethods } from './ops.generated.js';
import { discardGraph } from './subgraphs.js';

export {
  DEFAULT_OPSET,
  toDim,
  type BuilderOptions,
  type DimSpec,
  type LogicalAttrs,
  type NamedInputs,
  type NodeOptions,
} from './builder-core.js';

/** Axes and keepdims of a Reduce* op, whatever the opset's form (`b.reduceMax(x, { axes: [2], keepdims: 1 })`). */
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

/** Builds the body of a subgraph with the builder it is given and returns the subgraph's outputs, in order. */
export type BranchBody = (b: GraphBuilder) => readonly Value[];

/** Builds a model with one typed method per op (generated) plus the sugar below. */
export class GraphBuilder extends OpMethods {
  /**
   * `If(cond)`: runs `thenBranch`'s subgraph when the single element of the bool `cond` is true, else
   * `elseBranch`'s, and returns the outputs of the one that ran. Each body gets a builder for its own subgraph, in
   * which it may use any value of this builder (they are read from the enclosing scope, as ONNX does); the two
   * must return as many values, of the same element types. The outputs are typed by If's inference: each dim the
   * branches agree on is kept, the others are unknown. A refused If leaves no trace (nor uses of outer values).
   */
  if(cond: Value, thenBranch: BranchBody, elseBranch: BranchBody, options: NodeOptions = {}): Value[] {
    const name = options.name ?? 'If';
    const branches: Graph[] = [];
    try {
      branches.push(this.branch(`${name}.then`, thenBranch));
      branches.push(this.branch(`${name}.else`, elseBranch));
      const [thenGraph, elseGraph] = branches;
      if (thenGraph === undefined || elseGraph === undefined) throw new RangeError('if: a branch was not built');
      return this.op(
        If,
        [cond],
        { thenBranch: thenGraph, elseBranch: elseGraph },
        { ...options, outputCount: thenGraph.outputs.length },
      );
    } catch (error) {
      for (const graph of branches) discardGraph(graph);
      throw error;
    }
  }

  /**
   * A subgraph of this builder's graph, built by `body`. A returned value that the subgraph does not compute
   * itself (an outer value, or one returned twice) goes through an Identity, so every output is the subgraph's own.
   */
  private branch(name: string, body: BranchBody): Graph {
    const sub = new GraphBuilder({ parent: this, name });
    try {
      const seen = new Set<Value>();
      for (const value of body(sub)) {
        const own = value.graph === sub.graph && value.producer() !== null && !seen.has(value);
        const output = own ? value : sub.op1(Identity, [value], {}, { name: `${name}.output` });
        seen.add(output);
        sub.graph.addOutput(output);
      }
      sub.graph.topologicalSort();
      return sub.graph;
    } catch (error) {
      discardGraph(sub.graph);
      throw error;
    }
  }

  /** An int64 1-D constant. */
  int64s(name: string, values: readonly number[]): Value {
    return this.constant(name, Tensor.int64([values.length], values));
  }

  /** `Cast(x)` to the element type `to`. */
  cast(x: Value, to: DataType, options?: NodeOptions): Value {
    return this.emit1(Cast, { input: x }, { to }, options);
  }

  /** Elementwise minimum of two values (numpy broadcasting). */
  min(a: Value, b: Value, options?: NodeOptions): Value {
    return this.emit1(Min, { data_0: [a, b] }, {}, options);
  }

  /** Reshape to a constant shape (`-1` and `0` as in ONNX) or to a computed shape value. */
  reshape(x: Value, shape: readonly number[] | Value, options?: NodeOptions): Value {
    return shape instanceof Value
      ? this.emit1(Reshape, { data: x, shape }, {}, options)
      : this.emit1(Reshape, { data: x }, { shape }, options);
  }

  /** Removes the given size-1 axes. */
  squeeze(x: Value, axes: readonly number[], options?: NodeOptions): Value {
    return this.emit1(Squeeze, { data: x }, { axes }, options);
  }

  /** Inserts size-1 axes at `axes` (positions in the output). */
  unsqueeze(x: Value, axes: readonly number[], options?: NodeOptions): Value {
    return this.emit1(Unsqueeze, { data: x }, { axes }, options);
  }

  /** `Shape(x)`, or `Shape(x)[axis]` as a 1-element int64 vector (Shape's start/end where the opset has them). */
  shapeOf(x: Value, axis?: number, options?: NodeOptions): Value {
    if (axis === undefined) return this.shape(x, {}, options);
    if (this.has(Shape.attributes.start)) return this.shape(x, { start: axis, end: axis + 1 }, options);
    const base = options?.name ?? 'shape';
    const whole = this.shape(x, {}, { name: `${base}.all` });
    return this.gather(whole, this.int64s(`${base}.index`, [axis]), { axis: 0 }, options);
  }

  /** `Shape(x)[start:end]` as an int64 vector: Shape's start/end where the opset has them, else Shape + Slice. */
  shapeRange(x: Value, start: number, end: number, options?: NodeOptions): Value {
    if (this.has(Shape.attributes.start)) return this.shape(x, { start, end }, options);
    const whole = this.shape(x, {}, { name: `${options?.name ?? 'shape'}.all` });
    return this.slice(whole, { starts: [start], ends: [end], axes: [0] }, options);
  }

  /** Resize to the given output `sizes` (an int64 value of the full shape, or of `axes` from opset 18). */
  resizeTo(x: Value, sizes: Value, attrs: AttrInput<typeof Resize.attributes> = {}, options?: NodeOptions): Value {
    return this.resize(x, null, null, sizes, attrs, options);
  }

  /** Slice with constant bounds. */
  slice(x: Value, bounds: SliceBounds, options?: NodeOptions): Value {
    const steps = bounds.steps === undefined ? null : this.int64s(`${options?.name ?? 'Slice'}.steps`, bounds.steps);
    // With steps, the axes input must be present: default it to the leading axes, as ONNX does.
    const axes = bounds.axes ?? (bounds.steps === undefined ? undefined : bounds.starts.map((_, i) => i));
    return this.emit1(Slice, { data: x, steps }, { starts: bounds.starts, ends: bounds.ends, axes }, options);
  }

  /** Slice with computed bounds (int64 vectors). */
  sliceDynamic(x: Value, starts: Value, ends: Value, axes?: Value, options?: NodeOptions): Value {
    return this.emit1(Slice, { data: x, starts, ends, axes }, {}, options);
  }

  /**
   * Splits `x` along `axis` into pieces of the given sizes, or into `pieces` equal parts: with `num_outputs`
   * where the opset has it, else with sizes computed from a static axis.
   */
  split(x: Value, pieces: number | readonly number[], options?: NodeOptions & { readonly axis?: number }): Value[] {
    const axis = options?.axis ?? 0;
    const count = typeof pieces === 'number' ? pieces : pieces.length;
    const nodeOptions = { ...(options?.name === undefined ? {} : { name: options.name }), outputCount: count };
    if (typeof pieces === 'number' && this.has(Split.attributes.numOutputs))
      return this.emit(Split, { input: x }, { axis, numOutputs: pieces }, nodeOptions);
    const split = typeof pieces === 'number' ? this.equalSplit(x, axis, pieces) : pieces;
    return this.emit(Split, { input: x }, { axis, split }, nodeOptions);
  }

  /** True when the builder's opset has the attribute (a cut-over read from the op's schema). */
  private has(spec: AttrSpec<unknown>): boolean {
    return availableAt(spec, this.opset);
  }

  private equalSplit(x: Value, axis: number, count: number): number[] {
    const size = x.type?.shape?.[axis < 0 ? x.type.shape.length + axis : axis];
    if (typeof size !== 'number' || size % count !== 0) {
      throw new RangeError(
        `split: cannot split '${x.name}' into ${count} equal parts along axis ${axis} of static size ` +
          `${String(size)} before opset ${Split.attributes.numOutputs.since ?? '?'}`,
      );
    }
    return Array.from({ length: count }, () => size / count);
  }
}
