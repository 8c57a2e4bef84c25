/**
 * ModelProto bytes ↔ Model. The entry points of the export layer (browser-safe; file helpers are in io-node.ts).
 *
 * Encoding is deterministic: the same model gives byte-identical output, fields in field-number order,
 * repeated fields and metadata in insertion order. Model fields the IR does not model (training_info,
 * functions, configuration, unknown fields) are kept in `model.preserved` as their wire records and written back
 * verbatim.
 */
import { DecodeError, SppkitError } from '../ir/errors.js';
import { Model } from '../ir/graph.js';
import type { PreservedField } from '../ir/value.js';
import { ExternalDataWriter, type ExternalDataOptions, type ExternalDataReader } from './external-data.js';
import { decodeGraph } from './graph-decode.js';
import { encodeGraph } from './graph-encode.js';
import { concatBytes } from './preserve.js';
import type { ModelMsg } from './proto-types.js';
import { schema } from './schema.js';
import { metadataFromEntries, metadataToEntries } from './type-codec.js';
import { decodeChecked, fromBigInt, splitRecords, toBigInt } from './wire.js';

/** ModelProto field numbers the IR models; every other top-level field goes to `model.preserved`. */
const MODELLED_FIELDS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 14]);

/** Options of `decodeModel`. */
export interface DecodeOptions {
  /** Reads tensors stored as external data (in Node: `fileExternalData(dir)` from io-node.ts). */
  readonly externalData?: ExternalDataReader;
}

function decodeModelMsg(msg: ModelMsg, bytes: Uint8Array, file: string, options: DecodeOptions): Model {
  if (msg.graph === undefined || msg.graph === null) throw new DecodeError(file, 'model has no graph');
  const irVersion = toBigInt(msg.irVersion);
  if (irVersion < 0n || irVersion > BigInt(Number.MAX_SAFE_INTEGER))
    throw new DecodeError(file, `ir_version ${irVersion} is out of range`);
  const graph = decodeGraph(msg.graph, { file, external: options.externalData });
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
  for (const record of splitRecords(bytes)) {
    if (!MODELLED_FIELDS.has(record.fieldNumber)) {
      model.preserved.push({
        fieldNumber: record.fieldNumber,
        bytes: new Uint8Array(bytes.subarray(record.start, record.end)),
      });
    }
  }
  return model;
}

/**
 * Decodes an ONNX model. Throws DecodeError naming `file` (and, where it can, the graph, node, value or tensor)
 * for malformed bytes, unsupported data types, tensors whose data does not match their shape, and names that
 * resolve to no value.
 */
export function decodeModel(bytes: Uint8Array, file = '<bytes>', options: DecodeOptions = {}): Model {
  // The wire check validated every field against the schema, so the decoded message has ModelMsg's shape.
  const msg = decodeChecked(schema.ModelProto, bytes, file) as ModelMsg;
  try {
    return decodeModelMsg(msg, bytes, file, options);
  } catch (error) {
    if (error instanceof DecodeError) throw error;
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
  if (model.modelVersion !== 0n) msg.modelVersion = fromBigInt(model.modelVersion);
  if (model.docString !== '') msg.docString = model.docString;
  msg.graph = encodeGraph(model.graph, { external: writer });
  const metadata = metadataToEntries(model.metadataProps);
  if (metadata !== undefined) msg.metadataProps = metadata;
  return msg;
}

/** Merges preserved records into encoded bytes so that all top-level fields stay in field-number order. */
function withPreserved(encoded: Uint8Array, preserved: readonly PreservedField[]): Uint8Array {
  if (preserved.length === 0) return encoded;
  const parts = splitRecords(encoded).map((record) => ({
    fieldNumber: record.fieldNumber,
    bytes: encoded.subarray(record.start, record.end),
  }));
  // Array.prototype.sort is stable, so records with the same number keep their order (modelled ones first).
  const ordered = [...parts, ...preserved].sort((a, b) => a.fieldNumber - b.fieldNumber);
  return concatBytes(ordered.map((part) => part.bytes));
}

/** Encodes a model as ONNX ModelProto bytes (every tensor inline). */
export function encodeModel(model: Model): Uint8Array {
  return withPreserved(schema.ModelProto.encode(modelMsg(model, undefined)).finish(), model.preserved);
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
  const writer = new ExternalDataWriter(options);
  const bytes = withPreserved(schema.ModelProto.encode(modelMsg(model, writer)).finish(), model.preserved);
  return { model: bytes, data: writer.finish() };
}
