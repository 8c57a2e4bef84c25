/**
 * The core of the typed graph builder: inputs, constants, outputs, the generic `op`, and `emit`, through which
 * the generated op methods (ops.generated.ts) and the hand-written sugar (builder.ts) add nodes. Every node is
 * validated (attributes parsed against the op's schema, input types checked, shapes inferred) as it is added, so
 * a misuse is refused at build time with an error that names the node and the values.
 */
import type { Attribute } from '../ir/attribute.js';
import { SymDim, type Dim } from '../ir/dim.js';
import { DataType } from '../ir/dtype.js';
import { ConfigError, GraphError, OpError, type NodeRef } from '../ir/errors.js';
import { Graph, Model } from '../ir/graph.js';
import { tensorFromNumbers, type Tensor } from '../ir/tensor.js';
import { Value } from '../ir/value.js';
import { irVersionForOpset, MAX_OPSET, MIN_BUILD_OPSET } from '../ir/versions.js';
import { serializeAttributes, type AttrInput, type AttrSchema, type ParsedAttrs } from '../ops/core/attributes.js';
import { inputsAt, versionAt, type IoSpec, type OpDef } from '../ops/core/op.js';
import { inferNode } from '../ops/core/registry.js';
import { attributeInputType, variableAt } from '../ops/core/types.js';
import { Identity } from '../ops/identity.js';
import { freshScopedName } from './subgraphs.js';

/** The opset the builder emits when none is given. */
export const DEFAULT_OPSET = 17;

/** A dimension as a builder caller writes it: a number, or a name for a dynamic dim. */
export type DimSpec = number | string;

/** Options of one node. */
export interface NodeOptions {
  /** Node name (made unique); default: the op type. */
  readonly name?: string;
  /** Output value names (made unique). */
  readonly outputs?: readonly string[];
  /** Number of outputs when fewer than the op's maximum are wanted (default: all required outputs). */
  readonly outputCount?: number;
}

/** A node's inputs by formal name (`{ X: x }`): a value, `null`/absent when omitted, or a list for a variadic one. */
export type NamedInputs = Readonly<Record<string, Value | readonly Value[] | null | undefined>>;

/**
 * The attributes an op method takes: the op's attributes by camelCase key, including those that became inputs
 * (ReduceMax `axes`), whose values `emit` turns into constant inputs where the opset wants an input.
 */
export type LogicalAttrs<S extends AttrSchema> = { readonly [K in keyof S]?: ParsedAttrs<S>[K] };

/** Options of a builder. */
export interface BuilderOptions {
  /** Default-domain opset (default 17); a subgraph builder takes its parent's. */
  readonly opset?: number;
  /** Graph name. */
  readonly name?: string;
  /**
   * Build a subgraph of this builder's graph (If's branches: see GraphBuilder.if) instead of a model: its nodes may
   * read the parent's values, its value names shadow none the parent can see, and it shares the parent's model.
   */
  readonly parent?: BuilderCore;
}

/** Converts a builder dim (number or name) to an IR dim. */
export function toDim(spec: DimSpec): Dim {
  return typeof spec === 'number' ? spec : SymDim.named(spec);
}

/** Builds a model node by node, inferring types and shapes as it goes. */
export class BuilderCore {
  readonly graph: Graph;
  readonly model: Model;

  constructor(options: BuilderOptions = {}) {
    const parent = options.parent;
    if (parent !== undefined) {
      this.graph = new Graph(options.name ?? 'subgraph', parent.graph);
      this.model = parent.model;
      return;
    }
    const opset = options.opset ?? DEFAULT_OPSET;
    if (!Number.isInteger(opset) || opset < MIN_BUILD_OPSET || opset > MAX_OPSET) {
      throw new ConfigError(`opset ${opset} is outside the range sppkit builds for (${MIN_BUILD_OPSET}..${MAX_OPSET})`);
    }
    this.graph = new Graph(options.name ?? 'main');
    this.model = new Model(this.graph, opset);
    this.model.irVersion = irVersionForOpset(opset);
  }

  /** The default-domain opset this builder emits for. */
  get opset(): number {
    return this.model.opset;
  }

  /** Declares a graph input. */
  input(name: string, dtype: DataType, shape: readonly DimSpec[]): Value {
    return this.graph.addInput(name, { dtype, shape: shape.map(toDim) });
  }

  /**
   * Adds a constant (an initializer) named from `name`. This stands for the Constant op in the builder: an
   * initializer is what exporters emit for a known tensor, and passes read both forms alike.
   */
  constant(name: string, tensor: Tensor): Value {
    const unique = this.graph.parent === null ? this.graph.uniqueName(name) : freshScopedName(this.graph, name);
    return this.graph.addInitializer(unique, tensor);
  }

  /** Marks a value as a graph output, renaming it to `name` when given. */
  output(value: Value, name?: string): Value {
    if (name !== undefined && name !== value.name) {
      if (value.isGraphInput() || value.constValue !== null) {
        value = this.op1(Identity, [value], {}, { outputs: [name] });
      } else {
        this.graph.renameValue(value, name);
      }
    }
    this.graph.addOutput(value);
    return value;
  }

  /**
   * Adds a node of `op` and returns its output values, typed by shape inference.
   * Refuses (OpError) unknown attributes, a wrong number of inputs, and anything shape inference rejects.
   */
  op<S extends AttrSchema>(
    op: OpDef<S>,
    inputs: readonly (Value | null)[],
    attrs: AttrInput<S>,
    options: NodeOptions = {},
  ): Value[] {
    return this.addNode(op, inputs, attrs, options);
  }

  /** Adds a single-output node and returns its output. */
  op1<S extends AttrSchema>(
    op: OpDef<S>,
    inputs: readonly (Value | null)[],
    attrs: AttrInput<S>,
    options: NodeOptions = {},
  ): Value {
    return single(op, this.op(op, inputs, attrs, { ...options, outputCount: 1 }));
  }

  /**
   * Adds a node of `op` from its inputs by formal name and its attributes by camelCase key, in the form the
   * builder's opset has. An input that replaced an attribute (its IoSpec's `fromAttribute`: ReduceMax `axes` at
   * 18, Squeeze `axes` at 13) may be given as a value in `inputs`, or as the attribute's value in `attrs`: it is
   * then emitted as that attribute where the opset has the attribute, and as a constant input where it has the
   * input. Returns the op's required outputs (or `options.outputCount` of them).
   */
  emit<S extends AttrSchema>(
    op: OpDef<S>,
    inputs: NamedInputs,
    attrs: LogicalAttrs<S>,
    options: NodeOptions = {},
  ): Value[] {
    const opset = this.opset;
    const ref = { opType: op.opType, name: options.name ?? op.opType };
    const rest: Record<string, unknown> = { ...attrs };
    const formal = inputsAt(op, opset);
    const actual: (Value | null)[] = [];
    for (const io of formal) {
      const given = inputs[io.name];
      if (io.variadic === true) {
        if (given instanceof Value) actual.push(given);
        else if (given !== null && given !== undefined) actual.push(...given);
        continue;
      }
      if (given !== undefined && !(given instanceof Value) && given !== null)
        throw new OpError(ref, `input '${io.name}' takes one value, got a list of ${given.length}`);
      const key = io.fromAttribute === undefined ? undefined : attributeKey(op, io.fromAttribute);
      const value = key === undefined ? undefined : rest[key];
      if (key !== undefined && value !== undefined) {
        if (given !== undefined && given !== null)
          throw new OpError(ref, `input '${io.name}' is given both as a value and as attribute '${key}'`);
        delete rest[key];
        const sibling = siblingType(op, opset, variableAt(op, io, opset), formal, inputs);
        actual.push(this.attributeInput(op, io, value, sibling, ref, options.name ?? op.opType));
        continue;
      }
      actual.push(given ?? null);
    }
    for (const [name, given] of Object.entries(inputs)) {
      if (given !== null && given !== undefined && !formal.some((io) => io.name === name))
        throw new OpError(ref, `${op.opType} has no input '${name}' at opset ${opset}`);
    }
    while (actual.length > 0 && actual[actual.length - 1] === null) actual.pop();
    return this.addNode(op, actual, rest, options);
  }

  /** `emit` for a node whose single (first) output is wanted. */
  emit1<S extends AttrSchema>(
    op: OpDef<S>,
    inputs: NamedInputs,
    attrs: LogicalAttrs<S>,
    options: NodeOptions = {},
  ): Value {
    return single(op, this.emit(op, inputs, attrs, { ...options, outputCount: 1 }));
  }

  /** The constant input for an attribute value (`axes: [2]` → an int64 `[2]` initializer; see attributeInputType). */
  private attributeInput(
    op: OpDef,
    io: IoSpec,
    value: unknown,
    sibling: DataType | undefined,
    ref: NodeRef,
    base: string,
  ): Value {
    const numbers = typeof value === 'number' ? [value] : numberList(value);
    if (numbers === undefined)
      throw new OpError(ref, `attribute '${io.fromAttribute ?? io.name}' must be a number or a list of numbers`);
    const dtype = attributeInputType(op, io, this.opset, numbers, sibling);
    if (dtype === undefined) {
      const variable = variableAt(op, io, this.opset);
      throw new OpError(ref, `cannot tell the element type of input '${io.name}' (type variable ${variable})`);
    }
    const dims = typeof value === 'number' ? [] : [numbers.length];
    return this.constant(`${base}.${io.name}`, tensorFromNumbers(dtype, dims, numbers));
  }

  /** Validates, infers and adds one node; a refused node leaves no trace. */
  private addNode(
    op: OpDef,
    inputs: readonly (Value | null)[],
    attrs: Readonly<Record<string, unknown>>,
    options: NodeOptions,
  ): Value[] {
    const opset = this.opset;
    const nodeName = options.name ?? op.opType;
    const ref = { opType: op.opType, name: nodeName };
    if (versionAt(op, opset) === undefined) throw new OpError(ref, `${op.opType} does not exist at opset ${opset}`);
    const formal = inputsAt(op, opset);
    const variadic = formal.some((io) => io.variadic === true);
    const minimum = formal.filter((io) => io.optional !== true && io.variadic !== true).length;
    if (inputs.length < minimum || (!variadic && inputs.length > formal.length)) {
      const takes = variadic ? `at least ${minimum}` : `${minimum}..${formal.length}`;
      throw new OpError(ref, `takes ${takes} inputs at opset ${opset}, got ${inputs.length}`);
    }
    const attributes = serializeAttributes(op.attributes, attrs, { node: ref, opset });
    checkPortable(ref, attributes);
    const outputCount =
      options.outputCount ?? options.outputs?.length ?? op.outputs.filter((io) => io.optional !== true).length;
    // Infer before touching the graph, so a refused node leaves no trace.
    const types = inferNode(
      { ...ref, domain: op.domain, attributes },
      opset,
      inputs.map((v) => v?.type ?? null),
      outputCount,
      (index) => inputs[index]?.constValue ?? undefined,
    );
    // In a subgraph, output names must not shadow what the enclosing graphs define (ONNX's SSA rule).
    const names =
      this.graph.parent === null
        ? (options.outputs ?? outputCount)
        : (options.outputs ?? defaultOutputNames(nodeName, outputCount)).map((n) => freshScopedName(this.graph, n));
    const node = this.graph.addNode({
      opType: op.opType,
      domain: op.domain,
      inputs,
      outputs: names,
      attributes,
      name: nodeName,
    });
    node.outputs.forEach((output, index) => {
      output.type = types[index] ?? null;
    });
    return [...node.outputs];
  }

  /** Finishes: sorts nodes topologically and returns the model. */
  build(): Model {
    this.graph.topologicalSort();
    return this.model;
  }
}

/** `<node>_out`, or `<node>_out<i>` for several outputs (as Graph.addNode names them). */
function defaultOutputNames(nodeName: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => (count === 1 ? `${nodeName}_out` : `${nodeName}_out${i}`));
}

/** The only output of a single-output call. */
function single(op: OpDef, outputs: readonly Value[]): Value {
  const [output] = outputs;
  if (output === undefined) throw new GraphError(`${op.opType}: no output was created`);
  return output;
}

/** The element type of a given input that names `variable` at `opset`, if one has a known type. */
function siblingType(
  op: OpDef,
  opset: number,
  variable: string,
  formal: readonly IoSpec[],
  inputs: NamedInputs,
): DataType | undefined {
  for (const io of formal) {
    const given = inputs[io.name];
    if (given instanceof Value && given.type !== null && variableAt(op, io, opset) === variable)
      return given.type.dtype;
  }
  return undefined;
}

/** The camelCase key of the attribute whose ONNX name is `onnxName`. */
function attributeKey(op: OpDef, onnxName: string): string | undefined {
  return Object.entries(op.attributes).find(([, spec]) => spec.onnxName === onnxName)?.[0];
}

/** `value` as a list of numbers, when it is one. */
function numberList(value: unknown): number[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const numbers: number[] = [];
  for (const item of value as readonly unknown[]) {
    if (typeof item !== 'number') return undefined;
    numbers.push(item);
  }
  return numbers;
}

/**
 * Refuses forms that are legal ONNX but rejected by a major runtime, so every model the builder emits runs
 * everywhere: pads >= kernel (onnxruntime CPU: "Pad should be smaller than kernel").
 */
function checkPortable(ref: { opType: string; name: string }, attributes: ReadonlyMap<string, Attribute>): void {
  const kernel = attributes.get('kernel_shape');
  const pads = attributes.get('pads');
  if (kernel?.kind !== 'ints' || pads?.kind !== 'ints' || ref.opType === 'Conv') return;
  const rank = kernel.value.length;
  pads.value.forEach((pad, index) => {
    const k = kernel.value[index % rank];
    if (k !== undefined && pad >= k) {
      const shown = `pads ${JSON.stringify(pads.value.map(Number))}`;
      const kernelShape = `kernel_shape ${JSON.stringify(kernel.value.map(Number))}`;
      throw new OpError(
        ref,
        `${shown} must be smaller than ${kernelShape} (pad ${pad} at position ${index} >= kernel ${k}); ` +
          'onnxruntime rejects it',
      );
    }
  });
}
