/**
 * AttributeProto ↔ Attribute. Kinds the IR does not model (sparse tensors, type protos), and strings that are
 * not valid UTF-8, become `{ kind: 'opaque' }` holding the encoded AttributeProto.
 */
import type { Attribute, AttributeValue } from '../ir/attribute.js';
import { DecodeError } from '../ir/errors.js';
import type { Graph } from '../ir/graph.js';
import type { Tensor } from '../ir/tensor.js';
import { hasField, type AttributeMsg, type GraphMsg, type TensorMsg } from './proto-types.js';
import { tablesOf } from './schema-tables.js';
import { AttributeType } from './schema.js';
import { tensorFromMsg, tensorToMsg, type TensorContext } from './tensor-codec.js';
import { utf8DecodeStrict, utf8Encode } from './utf8.js';
import { toBigInt } from './wire.js';
import { decodeMessage } from './wire-read.js';
import { encodeMessage } from './wire-write.js';

/** What attribute decoding needs from the graph decoder. */
export interface AttributeDecodeContext {
  readonly file: string;
  /** The node, for messages: `Loop node 'loop1'`. */
  readonly where: string;
  readonly tensor: Omit<TensorContext, 'what' | 'keepName'>;
  /** Decodes a subgraph attribute (scoped inside the node's graph). */
  decodeGraph(msg: GraphMsg, where: string): Graph;
}

/** IR-1 files have no `type`: infer it from the field that is set. */
function inferType(msg: AttributeMsg): number {
  if (hasField(msg, 'f')) return AttributeType.FLOAT;
  if (hasField(msg, 'i')) return AttributeType.INT;
  if (hasField(msg, 's')) return AttributeType.STRING;
  if (hasField(msg, 't')) return AttributeType.TENSOR;
  if (hasField(msg, 'g')) return AttributeType.GRAPH;
  if ((msg.floats ?? []).length > 0) return AttributeType.FLOATS;
  if ((msg.ints ?? []).length > 0) return AttributeType.INTS;
  if ((msg.strings ?? []).length > 0) return AttributeType.STRINGS;
  if ((msg.tensors ?? []).length > 0) return AttributeType.TENSORS;
  if ((msg.graphs ?? []).length > 0) return AttributeType.GRAPHS;
  return AttributeType.UNDEFINED;
}

/** The attribute as encoded AttributeProto bytes (fields the schema does not know included). */
function opaque(msg: AttributeMsg): AttributeValue {
  return { kind: 'opaque', value: encodeMessage(tablesOf.AttributeProto, msg).toBytes() };
}

function decodeValue(msg: AttributeMsg, context: AttributeDecodeContext, where: string): AttributeValue {
  const tensor = (t: TensorMsg, index?: number): Tensor =>
    tensorFromMsg(t, { ...context.tensor, what: `${where}${index === undefined ? '' : `[${index}]`}`, keepName: true })
      .tensor;
  const type = msg.type === undefined || msg.type === AttributeType.UNDEFINED ? inferType(msg) : msg.type;
  switch (type) {
    case AttributeType.FLOAT:
      return { kind: 'float', value: msg.f ?? 0 };
    case AttributeType.INT:
      return { kind: 'int', value: toBigInt(msg.i) };
    case AttributeType.STRING: {
      const text = utf8DecodeStrict(msg.s ?? new Uint8Array());
      return text === undefined ? opaque(msg) : { kind: 'string', value: text };
    }
    case AttributeType.TENSOR:
      return msg.t === undefined ? opaque(msg) : { kind: 'tensor', value: tensor(msg.t) };
    case AttributeType.GRAPH:
      return msg.g === undefined ? opaque(msg) : { kind: 'graph', value: context.decodeGraph(msg.g, where) };
    case AttributeType.FLOATS:
      return { kind: 'floats', value: [...(msg.floats ?? [])] };
    case AttributeType.INTS:
      return { kind: 'ints', value: (msg.ints ?? []).map((v) => toBigInt(v)) };
    case AttributeType.STRINGS: {
      const texts = (msg.strings ?? []).map((bytes) => utf8DecodeStrict(bytes));
      const valid = texts.filter((text): text is string => text !== undefined);
      return valid.length === texts.length ? { kind: 'strings', value: valid } : opaque(msg);
    }
    case AttributeType.TENSORS:
      return { kind: 'tensors', value: (msg.tensors ?? []).map((t, index) => tensor(t, index)) };
    case AttributeType.GRAPHS:
      return {
        kind: 'graphs',
        value: (msg.graphs ?? []).map((g, index) => context.decodeGraph(g, `${where}[${index}]`)),
      };
    case AttributeType.UNDEFINED:
      if (hasField(msg, 'refAttrName')) return opaque(msg);
      throw new DecodeError(context.file, `${where} has no type and no value`);
    default:
      return opaque(msg);
  }
}

/** Decodes one AttributeProto into its name and IR attribute. */
export function decodeAttribute(
  msg: AttributeMsg,
  context: AttributeDecodeContext,
): { name: string; attribute: Attribute } {
  const name = msg.name ?? '';
  const where = `${context.where} attribute '${name}'`;
  const value = decodeValue(msg, context, where);
  if (value.kind === 'opaque') return { name, attribute: value };
  return {
    name,
    attribute: {
      ...value,
      ...(hasField(msg, 'docString') ? { docString: msg.docString ?? '' } : {}),
      ...(hasField(msg, 'refAttrName') ? { refAttrName: msg.refAttrName ?? '' } : {}),
    },
  };
}

/** Encodes one attribute; `encodeGraph` encodes subgraphs with the caller's options. */
export function encodeAttribute(
  name: string,
  attribute: Attribute,
  encodeGraph: (graph: Graph) => GraphMsg,
): AttributeMsg {
  if (attribute.kind === 'opaque') {
    // Opaque bytes are an encoded AttributeProto; the reader checks them against the schema.
    const msg = decodeMessage(tablesOf.AttributeProto, attribute.value, `attribute '${name}'`) as AttributeMsg;
    msg.name = name;
    return msg;
  }
  const msg: AttributeMsg = { name };
  if (attribute.docString !== undefined) msg.docString = attribute.docString;
  if (attribute.refAttrName !== undefined) msg.refAttrName = attribute.refAttrName;
  switch (attribute.kind) {
    case 'float':
      msg.type = AttributeType.FLOAT;
      msg.f = attribute.value;
      break;
    case 'int':
      msg.type = AttributeType.INT;
      msg.i = attribute.value;
      break;
    case 'string':
      msg.type = AttributeType.STRING;
      msg.s = utf8Encode(attribute.value);
      break;
    case 'tensor':
      msg.type = AttributeType.TENSOR;
      msg.t = tensorToMsg(attribute.value, undefined);
      break;
    case 'graph':
      msg.type = AttributeType.GRAPH;
      msg.g = encodeGraph(attribute.value);
      break;
    case 'floats':
      msg.type = AttributeType.FLOATS;
      msg.floats = [...attribute.value];
      break;
    case 'ints':
      msg.type = AttributeType.INTS;
      msg.ints = [...attribute.value];
      break;
    case 'strings':
      msg.type = AttributeType.STRINGS;
      msg.strings = attribute.value.map((text) => utf8Encode(text));
      break;
    case 'tensors':
      msg.type = AttributeType.TENSORS;
      msg.tensors = attribute.value.map((tensor) => tensorToMsg(tensor, undefined));
      break;
    case 'graphs':
      msg.type = AttributeType.GRAPHS;
      msg.graphs = attribute.value.map((graph) => encodeGraph(graph));
      break;
  }
  return msg;
}
