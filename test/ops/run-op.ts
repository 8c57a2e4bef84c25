/**
 * Test helpers for single-op tests: build a one-node model with the typed builder (so shape inference runs)
 * and evaluate it with the reference kernels.
 */
import type { Attribute } from '../../src/ir/attribute.js';
import { GraphBuilder, type DimSpec } from '../../src/graph/builder.js';
import { formatDim } from '../../src/ir/dim.js';
import type { DataType } from '../../src/ir/dtype.js';
import type { Tensor } from '../../src/ir/tensor.js';
import type { TensorType, Value } from '../../src/ir/value.js';
import type { AttrInput, AttrSchema } from '../../src/ops/core/attributes.js';
import type { OpDef } from '../../src/ops/core/op.js';
import { inferNode, runNode } from '../../src/ops/core/registry.js';
import { evaluate } from '../../src/runtime/reference.js';

/** A graph input given by type only (for shape-inference tests). */
export interface Placeholder {
  readonly dtype: DataType;
  readonly shape: readonly DimSpec[];
}

/** What an input slot holds: a fed tensor, a constant (initializer) tensor, a typed placeholder, or nothing. */
export type Slot = { readonly feed: Tensor } | { readonly constant: Tensor } | Placeholder | null;

/** Options of `buildOp` / `runOp`. */
export interface OpOptions {
  readonly opset?: number;
  readonly outputCount?: number;
}

function addSlots(b: GraphBuilder, slots: readonly Slot[], feeds: Map<string, Tensor>): (Value | null)[] {
  return slots.map((slot, i) => {
    if (slot === null) return null;
    if ('feed' in slot) {
      feeds.set(`in${i}`, slot.feed);
      return b.input(`in${i}`, slot.feed.dtype, slot.feed.dims);
    }
    if ('constant' in slot) return b.constant(`c${i}`, slot.constant);
    return b.input(`in${i}`, slot.dtype, slot.shape);
  });
}

/** Adds one node of `op` and returns its output types (shape inference only). */
export function inferOp<S extends AttrSchema>(
  op: OpDef<S>,
  slots: readonly Slot[],
  attrs: AttrInput<S>,
  options: OpOptions = {},
): (TensorType | null)[] {
  const b = new GraphBuilder({ opset: options.opset ?? 17 });
  const values = addSlots(b, slots, new Map());
  const outputs = b.op(
    op,
    values,
    attrs,
    options.outputCount === undefined ? {} : { outputCount: options.outputCount },
  );
  return outputs.map((value) => value.type);
}

/** The inferred shape of output 0 as text, e.g. `['N', '3', 'floor((H)/2)']`. */
export function inferShape<S extends AttrSchema>(
  op: OpDef<S>,
  slots: readonly Slot[],
  attrs: AttrInput<S>,
  options: OpOptions = {},
): string[] | null {
  const shape = inferOp(op, slots, attrs, options)[0]?.shape;
  return shape === null || shape === undefined ? null : shape.map(formatDim);
}

/** Builds and evaluates one node; returns its outputs in order. */
export function runOp<S extends AttrSchema>(
  op: OpDef<S>,
  slots: readonly Slot[],
  attrs: AttrInput<S>,
  options: OpOptions = {},
): Tensor[] {
  const b = new GraphBuilder({ opset: options.opset ?? 17 });
  const feeds = new Map<string, Tensor>();
  const values = addSlots(b, slots, feeds);
  const outputs = b.op(
    op,
    values,
    attrs,
    options.outputCount === undefined ? {} : { outputCount: options.outputCount },
  );
  outputs.forEach((value, i) => b.output(value, `out${i}`));
  const results = evaluate(b.build(), feeds);
  return outputs.map((_, i) => {
    const tensor = results.get(`out${i}`);
    if (tensor === undefined) throw new Error(`output ${i} missing`);
    return tensor;
  });
}

/** Runs one node and returns output 0. */
export function runOp1<S extends AttrSchema>(
  op: OpDef<S>,
  slots: readonly Slot[],
  attrs: AttrInput<S>,
  options: OpOptions = {},
): Tensor {
  const [first] = runOp(op, slots, attrs, options);
  if (first === undefined) throw new Error('no output');
  return first;
}

/** Shorthand for a fed input. */
export const feed = (tensor: Tensor): Slot => ({ feed: tensor });
/** Shorthand for a constant input. */
export const constant = (tensor: Tensor): Slot => ({ constant: tensor });
/** Elements as plain numbers (int64 converted). */
export const values = (tensor: Tensor): number[] => tensor.toNumbers();

/** Runs a node straight through the registry, for opsets the builder does not emit (e.g. legacy opset 6). */
export function runRaw(
  opType: string,
  opset: number,
  inputs: readonly (Tensor | null)[],
  attributes: Record<string, Attribute> = {},
  outputCount = 1,
): Tensor[] {
  const node = { opType, name: 'n', domain: '', attributes: new Map(Object.entries(attributes)) };
  return runNode(node, opset, inputs, outputCount);
}

/** Infers a node straight through the registry, with optional constant inputs. */
export function inferRaw(
  opType: string,
  opset: number,
  inputs: readonly (TensorType | null)[],
  attributes: Record<string, Attribute> = {},
  constants: readonly (Tensor | undefined)[] = [],
  outputCount = 1,
): (TensorType | null)[] {
  const node = { opType, name: 'n', domain: '', attributes: new Map(Object.entries(attributes)) };
  return inferNode(node, opset, inputs, outputCount, (i) => constants[i]);
}
