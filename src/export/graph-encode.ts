/**
 * Graph → GraphProto message. Deterministic: nodes in graph order, initializers and metadata in insertion
 * order, value_info for the typed intermediate values in node order followed by `graph.extraValueInfo`.
 */
import { GraphError } from '../ir/errors.js';
import type { Graph } from '../ir/graph.js';
import type { Node, Value } from '../ir/value.js';
import { encodeAttribute } from './attribute-codec.js';
import type { ExternalDataWriter } from './external-data.js';
import { RECORDS, type GraphMsg, type NodeMsg } from './proto-types.js';
import { tensorToMsg } from './tensor-codec.js';
import { encodeValueInfo, hasValueInfo, metadataToEntries } from './type-codec.js';

/** Settings shared by every graph of one encode. */
export interface GraphEncodeOptions {
  /** Where large initializers go; undefined keeps every tensor inline. */
  readonly external?: ExternalDataWriter | undefined;
}

function encodeNode(node: Node, options: GraphEncodeOptions): NodeMsg {
  const msg: NodeMsg = {
    input: node.inputs.map((value) => value?.name ?? ''),
    output: node.outputs.map((value) => value.name),
  };
  if (node.name !== '') msg.name = node.name;
  msg.opType = node.opType;
  if (node.domain !== '') msg.domain = node.domain;
  if (node.overload !== '') msg.overload = node.overload;
  if (node.attributes.size > 0) {
    msg.attribute = [...node.attributes].map(([name, attribute]) =>
      encodeAttribute(name, attribute, (graph) => encodeGraph(graph, options)),
    );
  }
  if (node.docString !== '') msg.docString = node.docString;
  const metadata = metadataToEntries(node.metadataProps);
  if (metadata !== undefined) msg.metadataProps = metadata;
  if (node.preserved.length > 0) msg[RECORDS] = node.preserved;
  return msg;
}

/** Intermediate values (node outputs that are not graph outputs) that carry type or annotations. */
function valueInfoValues(graph: Graph): Value[] {
  const values: Value[] = [];
  for (const node of graph.nodes) {
    for (const output of node.outputs) if (!output.isGraphOutput() && hasValueInfo(output)) values.push(output);
  }
  return values;
}

/** Builds the GraphProto message of a graph (subgraphs included). */
export function encodeGraph(graph: Graph, options: GraphEncodeOptions = {}): GraphMsg {
  const msg: GraphMsg = { node: graph.nodes.map((node) => encodeNode(node, options)) };
  if (graph.name !== '') msg.name = graph.name;
  msg.initializer = [...graph.initializers.values()].map((value) => {
    if (value.constValue === null)
      throw new GraphError(`graph '${graph.name}': initializer '${value.name}' has no value`);
    return tensorToMsg(value.constValue, value.name, { external: options.external });
  });
  if (graph.docString !== '') msg.docString = graph.docString;
  msg.input = graph.inputs.map(encodeValueInfo);
  msg.output = graph.outputs.map(encodeValueInfo);
  msg.valueInfo = [...valueInfoValues(graph), ...graph.extraValueInfo].map(encodeValueInfo);
  const metadata = metadataToEntries(graph.metadataProps);
  if (metadata !== undefined) msg.metadataProps = metadata;
  if (graph.preserved.length > 0) msg[RECORDS] = graph.preserved;
  return msg;
}
