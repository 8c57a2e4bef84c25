/**
 * The shape of an op definition: schema (inputs, outputs, typed attributes, opset versions), shape inference
 * and reference kernel, in one object per op (one file per op in this folder).
 */
import type { Dim } from '../../ir/dim.js';
import type { DataType } from '../../ir/dtype.js';
import { OpError, type NodeRef } from '../../ir/errors.js';
import type { Graph } from '../../ir/graph.js';
import { checkElements, checkRank, nodeWhat, type Limits } from '../../ir/limits.js';
import type { Tensor } from '../../ir/tensor.js';
import type { TensorType } from '../../ir/value.js';
import type { AttrSchema, ParsedAttrs } from './attributes.js';

/**
 * An ONNX-style type variable (`T`, `T1`, `Tind`, ...): the element types the inputs and outputs naming it may
 * have. All actual inputs that name one variable must have one element type.
 */
export interface TypeConstraint {
  /** Every element type the variable admits at the op's newest version, in the order messages list them. */
  readonly types: readonly DataType[];
  /** For a type added after the op's first version: the first opset that accepts it (MaxPool int8 from 12). */
  readonly since?: ReadonlyMap<DataType, number>;
  /**
   * Types the spec admits that sppkit's reference kernel does not compute (MatMul's integers): refused with an
   * UnsupportedError, so a golden case that uses one is reported as skipped, not as failed.
   */
  readonly unimplemented?: readonly DataType[];
  /**
   * Where the op split this variable off another one: before `since` it is that `variable` (BatchNormalization's
   * T1 and T2 were T before opset 15).
   */
  readonly splitFrom?: { readonly variable: string; readonly since: number };
}

/** One formal input or output of an op. */
export interface IoSpec {
  readonly name: string;
  /** The type variable of its element type (a key of the op's `types`). */
  readonly type: string;
  /** May be omitted (empty name in ONNX). */
  readonly optional?: boolean;
  /** Takes all remaining actual inputs/outputs (Concat's inputs). */
  readonly variadic?: boolean;
  /** First opset where this input exists (e.g. ReduceMax `axes` from 18). */
  readonly since?: number;
  /** Last opset where this input exists. */
  readonly until?: number;
  /**
   * The ONNX attribute this input replaced at its `since` opset (ReduceMax `axes` at 18); the op's schema has
   * that attribute with `until: since - 1`. Opset conversion and the builder move values between the two forms.
   */
  readonly fromAttribute?: string;
}

/**
 * Infers the output types of a subgraph (a graph attribute of the node: If's branches) given the types of its
 * formal inputs. The subgraph's nodes may read values of the enclosing graphs; their types are whatever the caller
 * of inference knows of them (the driver of inference supplies this: ops cannot see the graph they are in).
 */
export type SubgraphInferrer = (graph: Graph, inputs: readonly (TensorType | null)[]) => (TensorType | null)[];

/**
 * Runs a subgraph (a graph attribute of the node) on tensors for its formal inputs and returns its outputs in order.
 * Values it reads from the enclosing graphs are those of the run in progress (the evaluator supplies this).
 */
export type SubgraphRunner = (graph: Graph, inputs: readonly Tensor[]) => Tensor[];

/** What shape inference sees of one node. */
export interface InferContext<A> {
  readonly node: NodeRef;
  readonly opset: number;
  readonly attrs: A;
  /** Input types (null for an omitted optional input or an unknown type). */
  readonly inputs: readonly (TensorType | null)[];
  /** Number of outputs the node declares. */
  readonly outputCount: number;
  /** The constant value of input `index`, when it is known at build time (initializer or folded). */
  readonly constant: (index: number) => Tensor | undefined;
  /**
   * The elements of input `index` as dims, when it is a small rank-0/1 integer value known during inference
   * (a constant, or computed from `Shape` with int64 arithmetic: `[N, 3, floor(H/2)]`); see shape-value.ts.
   */
  readonly shapeValue: (index: number) => readonly Dim[] | undefined;
  /** Output types of one of the node's subgraphs (If's branches), with the enclosing scope's types. */
  readonly inferSubgraph: SubgraphInferrer;
  /** The resource policy: an array whose length comes from the model (a rank) is checked against it first. */
  readonly limits: Limits;
  /** Throws an OpError naming the node. */
  readonly fail: (detail: string) => never;
}

/** What a reference kernel sees of one node. */
export interface RunContext<A> {
  readonly node: NodeRef;
  readonly opset: number;
  readonly attrs: A;
  readonly inputs: readonly (Tensor | null)[];
  readonly outputCount: number;
  /** Runs one of the node's subgraphs (If's branches) in the run in progress, within the same budget. */
  readonly runSubgraph: SubgraphRunner;
  /** The resource policy: scratch buffers are checked against it before they are allocated (`checkScratch`). */
  readonly limits: Limits;
  /**
   * Charges work beyond reading the inputs and writing the outputs (which the registry charges): Conv's
   * multiply-adds, a pool's window taps. Throws a LimitError naming the node before the loop runs.
   */
  readonly charge: (operations: number, what: string) => void;
  /** Throws an OpError naming the node. */
  readonly fail: (detail: string) => never;
}

/** An op definition. `S` is its attribute schema. */
export interface OpDef<S extends AttrSchema = AttrSchema> {
  readonly opType: string;
  /** `''` for the default ONNX domain. */
  readonly domain: string;
  /** Opset versions in which the op's definition changed, ascending; the op exists from `versions[0]`. */
  readonly versions: readonly number[];
  readonly inputs: readonly IoSpec[];
  readonly outputs: readonly IoSpec[];
  readonly attributes: S;
  /** The type variables its inputs and outputs name (checked once, generically, by the registry). */
  readonly types: Readonly<Record<string, TypeConstraint>>;
  /** Output types from input types and attributes; `null` where a type cannot be known. */
  infer(ctx: InferContext<ParsedAttrs<S>>): (TensorType | null)[];
  /** The reference kernel. */
  run(ctx: RunContext<ParsedAttrs<S>>): Tensor[];
}

/** An input or output spec whose type variable is one of `V`. */
type IoSpecOf<V extends string> = IoSpec & { readonly type: V };

/**
 * Declares an op with its attribute schema type inferred; every input and output must name one of the op's type
 * variables (checked by the compiler).
 */
export function defineOp<S extends AttrSchema, const V extends string>(
  def: OpDef<S> & {
    readonly types: Readonly<Record<V, TypeConstraint>>;
    readonly inputs: readonly IoSpecOf<NoInfer<V>>[];
    readonly outputs: readonly IoSpecOf<NoInfer<V>>[];
  },
): OpDef<S> {
  return def;
}

/** The op version in force at `opset` (largest `since` ≤ opset), or undefined when the op is newer. */
export function versionAt(op: OpDef, opset: number): number | undefined {
  let found: number | undefined;
  for (const version of op.versions) if (version <= opset) found = version;
  return found;
}

/** The formal inputs that exist at `opset`. */
export function inputsAt(op: OpDef, opset: number): IoSpec[] {
  return op.inputs.filter(
    (io) => (io.since === undefined || opset >= io.since) && (io.until === undefined || opset <= io.until),
  );
}

/** Builds a `fail` function for contexts. */
export function failFor(node: NodeRef): (detail: string) => never {
  return (detail: string): never => {
    throw new OpError(node, detail);
  };
}

/** Refuses a kernel's scratch buffer of `elements` above the element limit, naming the node and the buffer. */
export function checkScratch<A>(ctx: RunContext<A>, elements: number, what: string): void {
  checkElements(elements, ctx.limits, nodeWhat(ctx.node, what));
}

/**
 * Refuses a rank above the limit before an array of that length is made (a shape input declared with 2^31
 * elements must not become a 2^31-long shape).
 */
export function checkRankOf(
  ctx: { readonly node: NodeRef; readonly limits: Limits },
  rank: number,
  what: string,
): void {
  checkRank(rank, ctx.limits, nodeWhat(ctx.node, what));
}

/** Shape helpers shared by op files. */
export function requireInput<A>(ctx: RunContext<A>, index: number): Tensor {
  const tensor = ctx.inputs[index];
  if (tensor === null || tensor === undefined) return ctx.fail(`input ${index} is required but missing`);
  return tensor;
}

/** The input type at `index`, failing when it is missing. */
export function requireType<A>(ctx: InferContext<A>, index: number): TensorType {
  const type = ctx.inputs[index];
  if (type === null || type === undefined) return ctx.fail(`input ${index} has no known type`);
  return type;
}

/** The shape at `index`, failing when the input has no type; `null` = unknown rank. */
export function shapeOf<A>(ctx: InferContext<A>, index: number): readonly Dim[] | null {
  return requireType(ctx, index).shape;
}
