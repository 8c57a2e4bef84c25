/**
 * ModelProto bytes ↔ Model. The entry points of the export layer (browser-safe; file helpers are in io-node.ts).
 *
 * Decoding keeps initializer payloads as views into the input bytes (typed data is made when a kernel or pass
 * first reads `tensor.data`), so the caller must not modify `bytes` afterwards. Encoding sizes the output first
 * and writes it once, handing payloads over without copying them into intermediate buffers.
 *
 * Encoding is deterministic: the same model gives byte-identical output, fields in field-number order,
 * repeated fields and metadata in insertion order. Fields the IR does not model (training_info, functions,
 * configuration, quantization annotations, sparse initializers, device configurations, unknown fields) are kept
 * as their wire records in `preserved` and written back verbatim.
 */
import { DecodeError, SppkitError } from '../ir/errors.js';
import { Model } from '../ir/graph.js';
import { LimitError, resolveLimits, type Limits } from '../ir/limits.js';
import { EncodeError } from './errors.js';
import {
  ExternalDataWriter,
  type ExternalDataOptions,
  type ExternalDataReader,
  type InlinePayloads,
} from './external-data.js';
import { decodeGraph } from './graph-decode.js';
import { encodeGraph } from './graph-encode.js';
import { RECORDS, type ModelMsg } from './proto-types.js';
import { tablesOf } from './schema-tables.js';
import { metadataFromEntries, metadataToEntries } from './type-codec.js';
import { toBigInt } from './wire.js';
import { decodeMessage } from './wire-read.js';
import { encodeMessage, encodedSize, type EncodedBytes } from './wire-write.js';

/** The largest message protobuf implementations read (2^31 − 1 bytes): bigger models need external data. */
export const MAX_PROTOBUF_BYTES = 2 ** 31 - 1;

/** Options of `decodeModel`. */
export interface DecodeOptions {
  /** Reads tensors stored as external data (in Node: `fileExternalData(dir)` from io-node.ts). */
  readonly externalData?: ExternalDataReader;
  /** Payloads of `bytes` that a loader left in the file (used by `loadModel`). */
  readonly inlinePayloads?: InlinePayloads;
  /** Resource limits (overrides of the defaults): a graph of more than `maxNodes` nodes is refused (LimitError). */
  readonly limits?: Partial<Limits>;
}

function decodeModelMsg(msg: ModelMsg, file: string, options: DecodeOptions): Model {
  if (msg.graph === undefined) throw new DecodeError(file, 'model has no graph');
  const irVersion = toBigInt(msg.irVersion);
  if (irVersion < 0n || irVersion > BigInt(Number.MAX_SAFE_INTEGER))
    throw new DecodeError(file, `ir_version ${irVersion} is out of range`);
  const graph = decodeGraph(msg.graph, { file, external: options.externalData, inline: options.inlinePayloads });
  const model = new Model(graph);
  model.irVersion = Number(irVersion);
  model.opsetImports.clear();
  for (const opset of msg.opsetImport ?? []) {
    const domain = opset.domain ?? '';
    const version = toBigInt(opset.version);
    if (model.opsetImports.has(domain)) throw new DecodeError(file, `opset_import lists domain '${domain}' twice`);
    if (version < 0n || version > BigInt(Number.MAX_SAFE_INTEGER))
      throw new DecodeError(file, `opset_import version ${version} for domain '${domain}' is out of range`);
    model.opsetImports.set(domain, Number(version));
  }
  model.producerName = msg.producerName ?? '';
  model.producerVersion = msg.producerVersion ?? '';
  model.domain = msg.domain ?? '';
  model.modelVersion = toBigInt(msg.modelVersion);
  model.docString = msg.docString ?? '';
  metadataFromEntries(msg.metadataProps, model.metadataProps);
  // training_info, functions, configuration and fields the schema does not know, verbatim.
  model.preserved.push(...(msg[RECORDS] ?? []));
  return model;
}

/**
 * Decodes an ONNX model. Throws DecodeError naming `file` (and, where it can, the graph, node, value or tensor)
 * for malformed bytes, unsupported data types, tensors whose data does not match their shape, and names that
 * resolve to no value. Initializers keep views into `bytes`.
 */
export function decodeModel(bytes: Uint8Array, file = '<bytes>', options: DecodeOptions = {}): Model {
  // The reader validated every field against the schema, so the decoded message has ModelMsg's shape.
  const msg = decodeMessage(tablesOf.ModelProto, bytes, file) as ModelMsg;
  // The node count is known from the message: refuse a graph past the limit before any IR node is made.
  const maxNodes = resolveLimits(options.limits).maxNodes;
  const nodeCount = msg.graph?.node?.length ?? 0;
  if (nodeCount > maxNodes) throw new LimitError('maxNodes', nodeCount, maxNodes, `${file}: the main graph`);
  try {
    return decodeModelMsg(msg, file, options);
  } catch (error) {
    if (error instanceof DecodeError || error instanceof LimitError) throw error;
    // An IR invariant (GraphError) means the bytes describe no valid graph. Anything else is a bug in this
    // decoder; it is still reported as a DecodeError, marked so that tests can catch it.
    if (error instanceof SppkitError) throw new DecodeError(file, error.message);
    throw new DecodeError(
      file,
      `unexpected ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
  }
}

function modelMsg(model: Model, writer: ExternalDataWriter | undefined): ModelMsg {
  const msg: ModelMsg = { irVersion: model.irVersion };
  // The domain is written even when empty, as onnx.helper.make_opsetid does.
  msg.opsetImport = [...model.opsetImports].map(([domain, version]) => ({ domain, version }));
  if (model.producerName !== '') msg.producerName = model.producerName;
  if (model.producerVersion !== '') msg.producerVersion = model.producerVersion;
  if (model.domain !== '') msg.domain = model.domain;
  if (model.modelVersion !== 0n) msg.modelVersion = model.modelVersion;
  if (model.docString !== '') msg.docString = model.docString;
  msg.graph = encodeGraph(model.graph, { external: writer });
  const metadata = metadataToEntries(model.metadataProps);
  if (metadata !== undefined) msg.metadataProps = metadata;
  if (model.preserved.length > 0) msg[RECORDS] = model.preserved;
  return msg;
}

/** The size of a model's ModelProto with every tensor inline, without encoding it. */
export function encodedModelSize(model: Model): number {
  return encodedSize(tablesOf.ModelProto, modelMsg(model, undefined));
}

/** A model encoded as pieces (see `EncodedBytes`), with its side file when initializers went to external data. */
export interface EncodedModel {
  /** The ModelProto. */
  readonly model: EncodedBytes;
  /** The external data writer (its `parts()` are the side file), when external data was asked for. */
  readonly external: ExternalDataWriter | undefined;
}

/**
 * Encodes a model as pieces without copying payloads: structural bytes in one buffer, initializer bytes as views
 * (or pending sources) next to them. With `external`, initializers of at least `external.threshold` bytes are laid
 * out in a side file instead. Throws an EncodeError when the ModelProto would exceed `MAX_PROTOBUF_BYTES`.
 */
export function encodeModelParts(model: Model, external?: ExternalDataOptions): EncodedModel {
  const writer = external === undefined ? undefined : new ExternalDataWriter(external);
  const encoded = encodeMessage(tablesOf.ModelProto, modelMsg(model, writer));
  if (encoded.byteLength > MAX_PROTOBUF_BYTES) {
    throw new EncodeError(
      `model '${model.graph.name}' encodes to ${encoded.byteLength} bytes, over protobuf's limit of ` +
        `${MAX_PROTOBUF_BYTES} bytes; write its initializers to external data (saveModel does so by itself)`,
    );
  }
  return { model: encoded, external: writer };
}

/** Encodes a model as ONNX ModelProto bytes (every tensor inline), in one buffer allocated at its final size. */
export function encodeModel(model: Model): Uint8Array {
  return encodeModelParts(model).model.toBytes();
}

/** A model whose large initializers live in a side file. */
export interface ModelWithExternalData {
  /** The ModelProto bytes. */
  readonly model: Uint8Array;
  /** The side file's contents (at `options.location`, relative to the model file). */
  readonly data: Uint8Array;
}

/** Encodes a model, moving initializers of at least `options.threshold` bytes into a side buffer. */
export function encodeModelWithExternalData(model: Model, options: ExternalDataOptions): ModelWithExternalData {
  const encoded = encodeModelParts(model, options);
  return { model: encoded.model.toBytes(), data: encoded.external?.finish() ?? new Uint8Array() };
}
