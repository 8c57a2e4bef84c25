/**
 * GraphProto → Graph. Values are resolved by name through nested scopes (subgraphs see their enclosing graphs'
 * values); nodes keep file order and are added through `Graph.insertNode`, so use-def links are maintained.
 */
import type { Attribute } from '../ir/attribute.js';
import { DecodeError, GraphError } from '../ir/errors.js';
import { Graph } from '../ir/graph.js';
import { Node, Value } from '../ir/value.js';
import { decodeAttribute } from './attribute-codec.js';
import type { ExternalDataReader, InlinePayloads } from './external-data.js';
import { RECORDS, type GraphMsg, type NodeMsg, type TensorMsg } from './proto-types.js';
import { tensorFromMsg } from './tensor-codec.js';
import { applyValueInfo, decodeType, metadataFromEntries } from './type-codec.js';
import { toBigInt } from './wire.js';

/** Settings shared by every graph of one decode. */
export interface GraphDecodeOptions {
  readonly file: string;
  readonly external?: ExternalDataReader | undefined;
  readonly inline?: InlinePayloads | undefined;
}

/** Names visible in one graph, chained to the enclosing graph's scope. */
class Scope {
  readonly values = new Map<string, Value>();

  constructor(readonly parent: Scope | null) {}

  resolve(name: string): Value | undefined {
    return this.values.get(name) ?? this.parent?.resolve(name);
  }
}

class GraphDecoder {
  readonly graph: Graph;
  readonly scope: Scope;
  readonly label: string;

  constructor(
    readonly msg: GraphMsg,
    parent: { graph: Graph; scope: Scope } | null,
    readonly options: GraphDecodeOptions,
  ) {
    this.graph = new Graph(msg.name ?? '', parent?.graph ?? null);
    this.scope = new Scope(parent?.scope ?? null);
    this.label = `graph '${this.graph.name}'`;
  }

  fail(detail: string): never {
    throw new DecodeError(this.options.file, `${this.label}: ${detail}`);
  }

  /** Records a value under a name that must be new in this graph. */
  define(value: Value, what: string): Value {
    this.ensureNew(value.name, what);
    this.scope.values.set(value.name, value);
    return value;
  }

  ensureNew(name: string, what: string): void {
    if (this.scope.values.has(name)) this.fail(`${what} '${name}' reuses a name that is already defined`);
  }

  decode(): Graph {
    const { graph, msg } = this;
    graph.docString = msg.docString ?? '';
    metadataFromEntries(msg.metadataProps, graph.metadataProps);
    // quantization_annotation, sparse_initializer and fields the schema does not know, verbatim.
    graph.preserved.push(...(msg[RECORDS] ?? []));
    this.decodeInputsAndInitializers();
    this.defineSparseInitializers();
    const nodeOutputs = (msg.node ?? []).map((node, index) => this.defineOutputs(node, index));
    (msg.node ?? []).forEach((node, index) => this.decodeNode(node, index, nodeOutputs[index] ?? []));
    this.decodeOutputs();
    this.decodeValueInfo();
    return graph;
  }

  private decodeInputsAndInitializers(): void {
    const { graph, msg } = this;
    for (const info of msg.input ?? []) {
      this.ensureNew(info.name ?? '', 'input');
      const value = this.define(graph.addInput(info.name ?? '', null), 'input');
      applyValueInfo(value, info, this.options.file, `${this.label} input '${value.name}'`);
    }
    const seen = new Set<string>();
    for (const tensorMsg of msg.initializer ?? []) this.decodeInitializer(tensorMsg, seen);
  }

  private decodeInitializer(tensorMsg: TensorMsg, seen: Set<string>): void {
    const name = tensorMsg.name ?? '';
    const what = `${this.label} initializer '${name}'`;
    if (seen.has(name)) this.fail(`initializer '${name}' appears twice`);
    seen.add(name);
    const { tensor } = tensorFromMsg(tensorMsg, {
      file: this.options.file,
      what,
      external: this.options.external,
      inline: this.options.inline,
      keepName: false,
    });
    const input = this.scope.values.get(name);
    if (input !== undefined && this.graph.inputs.includes(input)) {
      // IR < 4 style: the initializer is the default value of a graph input; both share one Value.
      input.constValue = tensor;
      this.graph.initializers.set(name, input);
      return;
    }
    this.ensureNew(name, 'initializer');
    this.define(this.graph.addInitializer(name, tensor), 'initializer');
  }

  /** Sparse initializers stay verbatim in `graph.preserved`; their names still resolve, to typed placeholders. */
  private defineSparseInitializers(): void {
    for (const sparse of this.msg.sparseInitializer ?? []) {
      const name = sparse.values?.name ?? '';
      const dims = (sparse.dims ?? []).map((dim) => Number(toBigInt(dim)));
      const type = decodeType(
        {
          tensorType: {
            elemType: sparse.values?.dataType ?? 0,
            shape: { dim: dims.map((dimValue) => ({ dimValue })) },
          },
        },
        this.options.file,
        `${this.label} sparse initializer '${name}'`,
      );
      const value = this.define(new Value(name, type.type), 'sparse initializer');
      value.opaqueType = type.opaqueType;
      this.graph.registerValue(value);
    }
  }

  private defineOutputs(node: NodeMsg, index: number): Value[] {
    return (node.output ?? []).map((name) => {
      if (name === '')
        this.fail(`${nodeLabel(node, index)} has an empty output name (omitted optional outputs are not supported)`);
      return this.define(new Value(name), `output of ${nodeLabel(node, index)}`);
    });
  }

  private decodeNode(msg: NodeMsg, index: number, outputs: readonly Value[]): void {
    const label = nodeLabel(msg, index);
    const inputs = (msg.input ?? []).map((name) => {
      if (name === '') return null;
      const value = this.scope.resolve(name);
      if (value === undefined)
        this.fail(`${label} input '${name}' names no value (not a graph input, initializer or node output)`);
      return value;
    });
    const attributes = new Map<string, Attribute>();
    for (const attributeMsg of msg.attribute ?? []) {
      const { name, attribute } = decodeAttribute(attributeMsg, {
        file: this.options.file,
        where: `${this.label} ${label}`,
        tensor: { file: this.options.file, external: this.options.external, inline: this.options.inline },
        decodeGraph: (graphMsg) =>
          new GraphDecoder(graphMsg, { graph: this.graph, scope: this.scope }, this.options).decode(),
      });
      if (attributes.has(name)) this.fail(`${label} has attribute '${name}' twice`);
      attributes.set(name, attribute);
    }
    const node = new Node(
      msg.opType ?? '',
      inputs,
      outputs,
      attributes,
      msg.name ?? '',
      msg.domain ?? '',
      msg.overload ?? '',
    );
    node.docString = msg.docString ?? '';
    metadataFromEntries(msg.metadataProps, node.metadataProps);
    // device_configurations and fields the schema does not know, verbatim.
    node.preserved.push(...(msg[RECORDS] ?? []));
    this.graph.insertNode(node);
  }

  private decodeOutputs(): void {
    for (const info of this.msg.output ?? []) {
      const name = info.name ?? '';
      const value = this.scope.resolve(name);
      if (value === undefined) this.fail(`output '${name}' names no value`);
      // The type of a value that is also a graph input (or belongs to an enclosing graph) is declared there.
      const own = this.scope.values.get(name) === value && !this.graph.inputs.includes(value);
      if (own) applyValueInfo(value, info, this.options.file, `${this.label} output '${name}'`);
      this.graph.outputs.push(value);
    }
  }

  private decodeValueInfo(): void {
    const annotated = new Set<Value>();
    for (const info of this.msg.valueInfo ?? []) {
      const name = info.name ?? '';
      const value = this.scope.values.get(name);
      const intermediate =
        value !== undefined && value.producer() !== null && !value.isGraphOutput() && !annotated.has(value);
      const target = intermediate ? value : new Value(name);
      applyValueInfo(target, info, this.options.file, `${this.label} value_info '${name}'`);
      if (intermediate) annotated.add(target);
      else this.graph.extraValueInfo.push(target);
    }
  }
}

function nodeLabel(msg: NodeMsg, index: number): string {
  return `${msg.opType ?? '<no op_type>'} node '${msg.name || `#${index}`}'`;
}

/** Decodes the main graph of a model. GraphErrors raised by the IR are rewrapped as DecodeErrors. */
export function decodeGraph(msg: GraphMsg, options: GraphDecodeOptions): Graph {
  try {
    return new GraphDecoder(msg, null, options).decode();
  } catch (error) {
    if (error instanceof GraphError) throw new DecodeError(options.file, error.message);
    throw error;
  }
}
