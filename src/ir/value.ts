/**
 * Values (SSA edges) and nodes, with use-def links that the IR itself keeps up to date.
 */
import type { Attribute } from './attribute.js';
import { formatShape, type Dim } from './dim.js';
import { dtypeName, type DataType } from './dtype.js';
import { GraphError } from './errors.js';
import type { Graph } from './graph.js';
import type { Tensor } from './tensor.js';

/** The type of a tensor value: element type and shape (`null` shape = unknown rank). */
export interface TensorType {
  readonly dtype: DataType;
  readonly shape: readonly Dim[] | null;
  /** ONNX `TypeProto.denotation` (e.g. `TENSOR`, `IMAGE`), kept for round trips. */
  readonly denotation?: string;
  /** ONNX dim denotations per axis (`DATA_BATCH`, ...; `''` = none), kept for round trips. */
  readonly dimDenotations?: readonly string[];
}

/** Text of a tensor type for messages: `float32[1, 3, H, W]`. */
export function formatType(type: TensorType | null): string {
  if (type === null) return '<unknown type>';
  return `${dtypeName(type.dtype)}${formatShape(type.shape)}`;
}

/** A use of a value: the consuming node and the input slot. */
export interface Use {
  readonly node: Node;
  readonly index: number;
}

/** A protobuf field the IR does not model, kept as its encoded field records (tag included) so nothing is lost. */
export interface PreservedField {
  readonly fieldNumber: number;
  readonly bytes: Uint8Array;
}

/** Key/value metadata attached to models, graphs, nodes and values. */
export type MetadataProps = Map<string, string>;

/**
 * An SSA value: produced by at most one node (or a graph input/initializer), used by any number of nodes.
 */
export class Value {
  /** The node whose output this is; null for graph inputs, initializers and detached values. */
  #producer: Node | null = null;
  readonly #uses = new Set<Use>();
  /** The graph this value is registered in (its name is unique there). */
  graph: Graph | null = null;
  /** Constant contents when this value is an initializer. */
  constValue: Tensor | null = null;
  docString = '';
  readonly metadataProps: MetadataProps = new Map();
  /**
   * An encoded ONNX TypeProto, kept verbatim when the IR cannot model the type (sequence, map, optional,
   * sparse tensor, or an element type sppkit does not support). `type` is null then.
   */
  opaqueType: Uint8Array | null = null;

  constructor(
    public name: string,
    public type: TensorType | null = null,
  ) {}

  /** The producing node, if any. */
  producer(): Node | null {
    return this.#producer;
  }

  /** All current uses, in no particular order. */
  uses(): readonly Use[] {
    return [...this.#uses];
  }

  /** Nodes that consume this value (each once). */
  consumers(): Node[] {
    return [...new Set([...this.#uses].map((use) => use.node))];
  }

  /** True when the value is an output of its graph. */
  isGraphOutput(): boolean {
    return this.graph !== null && this.graph.outputs.includes(this);
  }

  /** True when the value is an input of its graph. */
  isGraphInput(): boolean {
    return this.graph !== null && this.graph.inputs.includes(this);
  }

  /** Rewires every use (and graph-output slot) of this value to `other`. */
  replaceAllUsesWith(other: Value): void {
    if (other === this) return;
    for (const use of this.uses()) use.node.setInput(use.index, other);
    const graph = this.graph;
    if (graph !== null) {
      graph.outputs.forEach((output, index) => {
        if (output === this) graph.outputs[index] = other;
      });
    }
  }

  /** Text for messages: `'x' (float32[1, 3, H, W])`. */
  describe(): string {
    return `'${this.name}' (${formatType(this.type)})`;
  }

  /** @internal maintained by Node. */
  _setProducer(node: Node | null): void {
    this.#producer = node;
  }

  /** @internal maintained by Node. */
  _addUse(use: Use): void {
    this.#uses.add(use);
  }

  /** @internal maintained by Node. */
  _removeUse(node: Node, index: number): void {
    for (const use of this.#uses) if (use.node === node && use.index === index) this.#uses.delete(use);
  }
}

/**
 * A node: one op application. Inputs may be `null` for omitted optional inputs (ONNX's empty name).
 * Inputs and outputs are changed only through `setInput`, `appendInput` and the graph, so use-def links hold.
 */
export class Node {
  #inputs: (Value | null)[] = [];
  readonly #outputs: Value[];
  /** The graph that holds this node, once inserted. */
  graph: Graph | null = null;
  docString = '';
  readonly metadataProps: MetadataProps = new Map();
  /** NodeProto fields the IR does not model (device configurations), kept verbatim. */
  readonly preserved: PreservedField[] = [];

  constructor(
    public opType: string,
    inputs: readonly (Value | null)[],
    outputs: readonly Value[],
    public attributes: Map<string, Attribute> = new Map(),
    public name = '',
    public domain = '',
    /** ONNX `overload` (function overloads); kept for round trips. */
    public overload = '',
  ) {
    inputs.forEach((value) => this.appendInput(value));
    for (const output of outputs) {
      if (output.producer() !== null) {
        throw new GraphError(`${opType} node '${name}': output '${output.name}' is already produced by another node`);
      }
      output._setProducer(this);
    }
    this.#outputs = [...outputs];
  }

  /** The node's inputs (null = omitted optional input). */
  get inputs(): readonly (Value | null)[] {
    return this.#inputs;
  }

  /** The node's outputs. */
  get outputs(): readonly Value[] {
    return this.#outputs;
  }

  /** Replaces input `index`, keeping use-def links. */
  setInput(index: number, value: Value | null): void {
    if (index < 0 || index >= this.#inputs.length) {
      throw new GraphError(`${this.label()}: input index ${index} outside 0..${this.#inputs.length - 1}`);
    }
    this.#inputs[index]?._removeUse(this, index);
    this.#inputs[index] = value;
    value?._addUse({ node: this, index });
  }

  /** Appends an input. */
  appendInput(value: Value | null): void {
    const index = this.#inputs.length;
    this.#inputs.push(value);
    value?._addUse({ node: this, index });
  }

  /** Removes trailing inputs from `count` on (used to drop omitted optional inputs). */
  truncateInputs(count: number): void {
    while (this.#inputs.length > count) {
      const index = this.#inputs.length - 1;
      this.#inputs[index]?._removeUse(this, index);
      this.#inputs.pop();
    }
  }

  /** Drops every input link (called when the node is removed from its graph). */
  detach(): void {
    this.#inputs.forEach((value, index) => value?._removeUse(this, index));
    this.#inputs = [];
    for (const output of this.#outputs) output._setProducer(null);
  }

  /** Text for messages: `MaxPool node 'pool1'`. */
  label(): string {
    return `${this.opType} node '${this.name || '<unnamed>'}'`;
  }
}
