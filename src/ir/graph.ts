/**
 * Graphs and models. All edits go through Graph methods, which keep names unique and use-def links intact.
 */
import type { Attribute } from './attribute.js';
import { GraphError } from './errors.js';
import type { Tensor } from './tensor.js';
import { Node, Value, type MetadataProps, type PreservedField, type TensorType } from './value.js';

/** Options for `Graph.removeNode`. */
export interface RemoveOptions {
  /** Refuse to remove a node whose outputs are still used or are graph outputs (default true). */
  readonly safe?: boolean;
}

/** A computation graph: inputs, initializers, nodes in order, outputs. */
export class Graph {
  readonly inputs: Value[] = [];
  readonly outputs: Value[] = [];
  readonly initializers = new Map<string, Value>();
  readonly #nodes: Node[] = [];
  readonly #values = new Map<string, Value>();
  readonly #nodeNames = new Set<string>();
  docString = '';
  readonly metadataProps: MetadataProps = new Map();
  /** Types of intermediate values that came as `value_info` but whose names are not (yet) in the graph. */
  readonly extraValueInfo: Value[] = [];
  /** GraphProto fields the IR does not model (sparse initializers, quantization annotations), kept verbatim. */
  readonly preserved: PreservedField[] = [];

  constructor(
    public name = 'main',
    /** The enclosing graph for subgraphs (names resolve outward). */
    readonly parent: Graph | null = null,
  ) {}

  /** Nodes in their current order. */
  get nodes(): readonly Node[] {
    return this.#nodes;
  }

  /** Every value registered in this graph (inputs, initializers, node outputs). */
  values(): IterableIterator<Value> {
    return this.#values.values();
  }

  /** The value with this name in this graph or an enclosing one. */
  lookup(name: string): Value | undefined {
    return this.#values.get(name) ?? this.parent?.lookup(name);
  }

  /** A name not yet used in this graph, derived from `base` (`base`, `base_1`, `base_2`, ...). */
  uniqueName(base: string): string {
    if (!this.#values.has(base) && !this.#nodeNames.has(base)) return base;
    for (let i = 1; ; i += 1) {
      const candidate = `${base}_${i}`;
      if (!this.#values.has(candidate) && !this.#nodeNames.has(candidate)) return candidate;
    }
  }

  /** Registers a value under its (unique) name. */
  registerValue(value: Value): Value {
    const existing = this.#values.get(value.name);
    if (existing !== undefined && existing !== value) {
      throw new GraphError(`graph '${this.name}': value name '${value.name}' is already defined`);
    }
    if (value.graph !== null && value.graph !== this) {
      throw new GraphError(`graph '${this.name}': value '${value.name}' belongs to graph '${value.graph.name}'`);
    }
    value.graph = this;
    this.#values.set(value.name, value);
    return value;
  }

  /** Renames a value, keeping the name index consistent. */
  renameValue(value: Value, name: string): void {
    if (value.name === name) return;
    if (this.#values.has(name))
      throw new GraphError(`graph '${this.name}': cannot rename '${value.name}' to '${name}', which is taken`);
    this.#values.delete(value.name);
    value.name = name;
    this.#values.set(name, value);
  }

  /** Adds a graph input. */
  addInput(name: string, type: TensorType | null): Value {
    const value = this.registerValue(new Value(name, type));
    this.inputs.push(value);
    return value;
  }

  /** Adds an initializer (a named constant). */
  addInitializer(name: string, tensor: Tensor): Value {
    const value = this.registerValue(new Value(name, { dtype: tensor.dtype, shape: [...tensor.dims] }));
    value.constValue = tensor;
    this.initializers.set(name, value);
    return value;
  }

  /** Removes an initializer that nothing uses (refused otherwise). */
  removeInitializer(value: Value): void {
    if (value.uses().length > 0 || value.isGraphOutput()) {
      throw new GraphError(`graph '${this.name}': initializer '${value.name}' is still used`);
    }
    this.initializers.delete(value.name);
    this.#values.delete(value.name);
    value.graph = null;
  }

  /** Marks values as graph outputs (appended in order). */
  addOutput(...values: Value[]): void {
    for (const value of values) {
      if (this.lookup(value.name) !== value)
        throw new GraphError(`graph '${this.name}': output '${value.name}' is not a value of this graph`);
      this.outputs.push(value);
    }
  }

  /**
   * Creates a node with fresh output values and appends it (or inserts it before `before`).
   * Output names are made unique from `outputNames` (default: `<name>_out<i>`).
   */
  addNode(spec: {
    readonly opType: string;
    readonly inputs: readonly (Value | null)[];
    readonly outputs: number | readonly string[];
    readonly attributes?: Map<string, Attribute>;
    readonly name?: string;
    readonly domain?: string;
    readonly before?: Node;
  }): Node {
    const name = this.uniqueNodeName(spec.name ?? spec.opType);
    const outputNames =
      typeof spec.outputs === 'number'
        ? Array.from({ length: spec.outputs }, (_, i) => (spec.outputs === 1 ? `${name}_out` : `${name}_out${i}`))
        : spec.outputs;
    for (const input of spec.inputs) {
      if (input !== null && this.lookup(input.name) !== input) {
        throw new GraphError(
          `graph '${this.name}': ${spec.opType} node '${name}' uses value '${input.name}', which is not in this graph`,
        );
      }
    }
    const outputs = outputNames.map((outputName) => new Value(this.uniqueName(outputName)));
    const node = new Node(
      spec.opType,
      spec.inputs,
      outputs,
      spec.attributes ?? new Map<string, Attribute>(),
      name,
      spec.domain ?? '',
    );
    this.insertNode(node, spec.before);
    return node;
  }

  /** Inserts an existing (detached) node; its outputs are registered in this graph. */
  insertNode(node: Node, before?: Node): void {
    if (node.graph !== null) throw new GraphError(`${node.label()} is already in graph '${node.graph.name}'`);
    if (node.name !== '' && this.#nodeNames.has(node.name)) node.name = this.uniqueNodeName(node.name);
    for (const output of node.outputs) this.registerValue(output);
    if (node.name !== '') this.#nodeNames.add(node.name);
    node.graph = this;
    const at = before === undefined ? -1 : this.#nodes.indexOf(before);
    if (before !== undefined && at < 0) throw new GraphError(`${before.label()} is not in graph '${this.name}'`);
    if (at < 0) this.#nodes.push(node);
    else this.#nodes.splice(at, 0, node);
  }

  /** Removes a node. With `safe` (default), refuses when its outputs are still used or are graph outputs. */
  removeNode(node: Node, options: RemoveOptions = {}): void {
    const at = this.#nodes.indexOf(node);
    if (at < 0) throw new GraphError(`${node.label()} is not in graph '${this.name}'`);
    if (options.safe ?? true) {
      for (const output of node.outputs) {
        const users = output.consumers().filter((user) => user !== node);
        if (users.length > 0) {
          throw new GraphError(
            `cannot remove ${node.label()}: its output '${output.name}' is used by ${users.map((u) => u.label()).join(', ')}`,
          );
        }
        if (output.isGraphOutput())
          throw new GraphError(`cannot remove ${node.label()}: its output '${output.name}' is a graph output`);
      }
    }
    this.#nodes.splice(at, 1);
    this.#nodeNames.delete(node.name);
    for (const output of node.outputs) {
      this.#values.delete(output.name);
      output.graph = null;
    }
    node.detach();
    node.graph = null;
  }

  /**
   * Orders nodes so that every node comes after the producers of its inputs (stable: keeps the current order
   * where it is already valid). Throws when the graph has a cycle, naming a node on it.
   */
  topologicalSort(): void {
    const placed = new Set<Node>();
    const visiting = new Set<Node>();
    const order: Node[] = [];
    const visit = (node: Node): void => {
      if (placed.has(node)) return;
      if (visiting.has(node)) throw new GraphError(`graph '${this.name}' has a cycle through ${node.label()}`);
      visiting.add(node);
      for (const input of node.inputs) {
        const producer = input?.producer();
        if (producer !== null && producer !== undefined && producer.graph === this) visit(producer);
      }
      visiting.delete(node);
      placed.add(node);
      order.push(node);
    };
    for (const node of this.#nodes) visit(node);
    this.#nodes.splice(0, this.#nodes.length, ...order);
  }

  private uniqueNodeName(base: string): string {
    if (!this.#nodeNames.has(base)) return base;
    for (let i = 1; ; i += 1) {
      const candidate = `${base}_${i}`;
      if (!this.#nodeNames.has(candidate)) return candidate;
    }
  }
}

export type { PreservedField } from './value.js';

/** True for the default ONNX domain, spelled `''` or `'ai.onnx'`. */
export function isDefaultDomain(domain: string): boolean {
  return domain === '' || domain === 'ai.onnx';
}

/** A model: graph plus the metadata ONNX keeps around it. */
export class Model {
  irVersion = 8;
  /** Opset version per domain (`''` is the default ONNX domain). */
  readonly opsetImports = new Map<string, number>();
  producerName = 'sppkit';
  producerVersion = '';
  domain = '';
  modelVersion = 0n;
  docString = '';
  readonly metadataProps: MetadataProps = new Map();
  /** Fields such as `functions` and `training_info`, kept verbatim (each the field's complete wire records). */
  readonly preserved: PreservedField[] = [];

  constructor(
    readonly graph: Graph,
    opset = 17,
  ) {
    this.opsetImports.set('', opset);
  }

  /** The default-domain opset version. */
  get opset(): number {
    return this.opsetImports.get('') ?? this.opsetImports.get('ai.onnx') ?? 1;
  }
}
