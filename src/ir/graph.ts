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
  /** Nodes as a doubly linked list (O(1) insert and remove); `#order` caches them as an array until a change. */
  #first: Node | null = null;
  #last: Node | null = null;
  readonly #next = new Map<Node, Node | null>();
  readonly #prev = new Map<Node, Node | null>();
  #order: Node[] | null = [];
  readonly #values = new Map<string, Value>();
  readonly #nodeNames = new Set<string>();
  /** Per base name, the next `_N` suffix to try (values, nodes), so that many names from one base stay linear. */
  readonly #valueSuffixes = new Map<string, number>();
  readonly #nodeSuffixes = new Map<string, number>();
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

  /** Nodes in their current order (a snapshot: editing the graph while iterating it is safe). */
  get nodes(): readonly Node[] {
    if (this.#order === null) {
      const order: Node[] = [];
      for (let node = this.#first; node !== null; node = this.#next.get(node) ?? null) order.push(node);
      this.#order = order;
    }
    return this.#order;
  }

  /** True when `node` is in this graph's node list. */
  has(node: Node): boolean {
    return this.#next.has(node);
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
    return this.#fresh(base, this.#valueSuffixes, (name) => this.#values.has(name) || this.#nodeNames.has(name));
  }

  /** `base`, or `base_N` with the smallest N not yet tried for this base that `taken` allows. */
  #fresh(base: string, suffixes: Map<string, number>, taken: (name: string) => boolean): string {
    if (!taken(base)) return base;
    for (let i = suffixes.get(base) ?? 1; ; i += 1) {
      const candidate = `${base}_${i}`;
      if (!taken(candidate)) {
        suffixes.set(base, i + 1);
        return candidate;
      }
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
    if (before !== undefined && !this.has(before)) {
      throw new GraphError(`${before.label()} is not in graph '${this.name}'`);
    }
    node.graph = this;
    this.#link(node, before ?? null);
  }

  /** Puts `node` before `before` (at the end when null). */
  #link(node: Node, before: Node | null): void {
    const prev = before === null ? this.#last : (this.#prev.get(before) ?? null);
    this.#prev.set(node, prev);
    this.#next.set(node, before);
    if (prev === null) this.#first = node;
    else this.#next.set(prev, node);
    if (before === null) this.#last = node;
    else this.#prev.set(before, node);
    this.#order = null;
  }

  /** Takes `node` out of the list. */
  #unlink(node: Node): void {
    const prev = this.#prev.get(node) ?? null;
    const next = this.#next.get(node) ?? null;
    if (prev === null) this.#first = next;
    else this.#next.set(prev, next);
    if (next === null) this.#last = prev;
    else this.#prev.set(next, prev);
    this.#prev.delete(node);
    this.#next.delete(node);
    this.#order = null;
  }

  /** Removes a node. With `safe` (default), refuses when its outputs are still used or are graph outputs. */
  removeNode(node: Node, options: RemoveOptions = {}): void {
    if (!this.has(node)) throw new GraphError(`${node.label()} is not in graph '${this.name}'`);
    if (options.safe ?? true) {
      for (const output of node.outputs) {
        const users = output.consumers().filter((user) => user !== node);
        if (users.length > 0) {
          throw new GraphError(
            `cannot remove ${node.label()}: its output '${output.name}' is used by ` +
              users.map((u) => u.label()).join(', '),
          );
        }
        if (output.isGraphOutput())
          throw new GraphError(`cannot remove ${node.label()}: its output '${output.name}' is a graph output`);
      }
    }
    this.#unlink(node);
    this.#nodeNames.delete(node.name);
    for (const output of node.outputs) {
      this.#values.delete(output.name);
      output.graph = null;
    }
    node.detach();
    node.graph = null;
  }

  /**
   * Orders nodes so that every node comes after the producers of its inputs and of the values its subgraphs read
   * from this graph (stable: keeps the current order where it is already valid). Throws when the graph has a
   * cycle, naming a node on it.
   */
  topologicalSort(): void {
    const placed = new Set<Node>();
    const visiting = new Set<Node>();
    const order: Node[] = [];
    // Depth-first over producers with an explicit stack (no recursion: graphs may be 100,000s of nodes deep).
    for (const root of this.nodes) {
      if (placed.has(root)) continue;
      const stack: { node: Node; reads: readonly (Value | null)[]; input: number }[] = [
        { node: root, reads: readsOf(root), input: 0 },
      ];
      visiting.add(root);
      while (stack.length > 0) {
        const frame = stack[stack.length - 1];
        if (frame === undefined) break;
        if (frame.input < frame.reads.length) {
          const producer = frame.reads[frame.input]?.producer();
          frame.input += 1;
          if (producer === null || producer === undefined || producer.graph !== this || placed.has(producer)) continue;
          if (visiting.has(producer))
            throw new GraphError(`graph '${this.name}' has a cycle through ${producer.label()}`);
          visiting.add(producer);
          stack.push({ node: producer, reads: readsOf(producer), input: 0 });
          continue;
        }
        stack.pop();
        visiting.delete(frame.node);
        placed.add(frame.node);
        order.push(frame.node);
      }
    }
    this.#first = null;
    this.#last = null;
    this.#next.clear();
    this.#prev.clear();
    for (const node of order) this.#link(node, null);
  }

  private uniqueNodeName(base: string): string {
    return this.#fresh(base, this.#nodeSuffixes, (name) => this.#nodeNames.has(name));
  }
}

export type { PreservedField } from './value.js';

/**
 * What a node needs computed before it runs: its inputs, and the values its subgraphs (graph attributes: If's
 * branches) read from outside themselves, at any depth of nesting.
 */
function readsOf(node: Node): readonly (Value | null)[] {
  const graphs: Graph[] = [];
  for (const attribute of node.attributes.values())
    if (attribute.kind === 'graph') graphs.push(attribute.value);
    else if (attribute.kind === 'graphs') graphs.push(...attribute.value);
  if (graphs.length === 0) return node.inputs;
  const reads: (Value | null)[] = [...node.inputs];
  // Values defined inside are produced there (or are its inputs): the sort skips producers of other graphs anyway.
  for (let graph = graphs.pop(); graph !== undefined; graph = graphs.pop()) {
    reads.push(...graph.outputs);
    for (const inner of graph.nodes) {
      reads.push(...inner.inputs);
      for (const attribute of inner.attributes.values())
        if (attribute.kind === 'graph') graphs.push(attribute.value);
        else if (attribute.kind === 'graphs') graphs.push(...attribute.value);
    }
  }
  return reads;
}

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
