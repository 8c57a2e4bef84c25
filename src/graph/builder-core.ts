/**
 * The core of the typed graph builder (inputs, constants, outputs, the generic `op`); the named op methods
 * (`b.maxPool(x, {...})`) are in builder.ts. Every node is validated (attributes parsed against the op's schema, shapes inferred) as it is added, so a
 * misuse is refused at build time with an error that names the node and the values.
 */
import type { Attribute } from '../ir/attribute.js';
import { serializeAttributes, type AttrInput, type AttrSchema } from '../ops/core/attributes.js';
import { Identity } from '../ops/identity.js';
import { inputsAt, versionAt, type OpDef } from '../ops/core/op.js';
import { inferNode } from '../ops/core/registry.js';
import { SymDim, type Dim } from '../ir/dim.js';
import { type DataType } from '../ir/dtype.js';
import { ConfigError, GraphError, OpError } from '../ir/errors.js';
import { Graph, Model } from '../ir/graph.js';
import type { Tensor } from '../ir/tensor.js';
import type { Value } from '../ir/value.js';
import { irVersionForOpset, MAX_OPSET, MIN_BUILD_OPSET } from '../ir/versions.js';

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

/** Options of a builder. */
export interface BuilderOptions {
  /** Default-domain opset (default 17). */
  readonly opset?: number;
  /** Graph name. */
  readonly name?: string;
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

  /** Adds a constant (an initializer) named from `name`. */
  constant(name: string, tensor: Tensor): Value {
    return this.graph.addInitializer(this.graph.uniqueName(name), tensor);
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
    const opset = this.opset;
    const nodeName = options.name ?? op.opType;
    const ref = { opType: op.opType, name: nodeName };
    if (versionAt(op, opset) === undefined) throw new OpError(ref, `${op.opType} does not exist at opset ${opset}`);
    const formal = inputsAt(op, opset);
    const variadic = formal.some((io) => io.variadic === true);
    const minimum = formal.filter((io) => io.optional !== true && io.variadic !== true).length;
    if (inputs.length < minimum || (!variadic && inputs.length > formal.length)) {
      throw new OpError(
        ref,
        `takes ${variadic ? `at least ${minimum}` : `${minimum}..${formal.length}`} inputs at opset ${opset}, got ${inputs.length}`,
      );
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
    const node = this.graph.addNode({
      opType: op.opType,
      domain: op.domain,
      inputs,
      outputs: options.outputs ?? outputCount,
      attributes,
      name: nodeName,
    });
    node.outputs.forEach((output, index) => {
      output.type = types[index] ?? null;
    });
    return [...node.outputs];
  }

  /** Adds a single-output node and returns its output. */
  op1<S extends AttrSchema>(
    op: OpDef<S>,
    inputs: readonly (Value | null)[],
    attrs: AttrInput<S>,
    options: NodeOptions = {},
  ): Value {
    const [output] = this.op(op, inputs, attrs, { ...options, outputCount: 1 });
    if (output === undefined) throw new GraphError(`${op.opType}: no output was created`);
    return output;
  }

  /** Finishes: sorts nodes topologically and returns the model. */
  build(): Model {
    this.graph.topologicalSort();
    return this.model;
  }
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
      throw new OpError(
        ref,
        `pads ${JSON.stringify(pads.value.map(Number))} must be smaller than kernel_shape ${JSON.stringify(kernel.value.map(Number))} (pad ${pad} at position ${index} >= kernel ${k}); onnxruntime rejects it`,
      );
    }
  });
}
