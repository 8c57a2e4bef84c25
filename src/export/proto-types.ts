/**
 * TypeScript shapes of the ONNX messages as sppkit's wire reader decodes them (wire-read.ts) and as sppkit builds
 * them for its writer (wire-write.ts).
 *
 * Optional fields are present only when they were on the wire (proto2 presence: check with `hasField`); absent
 * fields are undefined. Repeated fields are arrays (absent when empty). int64 fields decode as a number when they
 * are below 2^53 and as the unsigned 64-bit bigint otherwise (see `toBigInt`). `bytes` fields decode as views into
 * the input (no copy). Fields kept verbatim, and fields the schema does not know, are in `[RECORDS]`.
 */
import type { TensorByteSource } from '../ir/tensor.js';

/** An int64/uint64 field value: a JS number (exact below 2^53) or a bigint. */
export type WireInt64 = number | bigint;

/** A `bytes` value to write: bytes in memory, or a source that is streamed (external data, lazy tensors). */
export type WireBytes = Uint8Array | TensorByteSource;

/** One field record kept verbatim: its field number and its bytes, tag included. */
export interface RawRecord {
  readonly fieldNumber: number;
  readonly bytes: Uint8Array;
}

/** The key under which a decoded message keeps raw records (unknown fields and fields kept verbatim). */
export const RECORDS: unique symbol = Symbol('raw records');

/** A message that may carry raw records, written back in field-number order. */
export interface WithRecords {
  [RECORDS]?: readonly RawRecord[];
}

/** `StringStringEntryProto`. */
export interface StringStringEntryMsg {
  key?: string;
  value?: string;
}

/** `OperatorSetIdProto`. */
export interface OperatorSetIdMsg {
  domain?: string;
  version?: WireInt64;
}

/** `TensorProto`. */
export interface TensorMsg {
  dims?: WireInt64[];
  dataType?: number;
  segment?: { begin?: WireInt64; end?: WireInt64 };
  floatData?: number[];
  int32Data?: number[];
  stringData?: Uint8Array[];
  int64Data?: WireInt64[];
  name?: string;
  docString?: string;
  rawData?: WireBytes;
  externalData?: StringStringEntryMsg[];
  dataLocation?: number;
  doubleData?: number[];
  uint64Data?: WireInt64[];
  metadataProps?: StringStringEntryMsg[];
}

/** `SparseTensorProto`. */
export interface SparseTensorMsg {
  values?: TensorMsg;
  indices?: TensorMsg;
  dims?: WireInt64[];
}

/** `TensorShapeProto.Dimension`. */
export interface DimensionMsg {
  dimValue?: WireInt64;
  dimParam?: string;
  denotation?: string;
}

/** `TensorShapeProto`. */
export interface ShapeMsg {
  dim?: DimensionMsg[];
}

/** `TypeProto` (only the tensor case is modelled by the IR; the others are kept as bytes). */
export interface TypeMsg {
  tensorType?: { elemType?: number; shape?: ShapeMsg };
  sequenceType?: { elemType?: TypeMsg };
  mapType?: { keyType?: number; valueType?: TypeMsg };
  optionalType?: { elemType?: TypeMsg };
  sparseTensorType?: { elemType?: number; shape?: ShapeMsg };
  opaqueType?: { domain?: string; name?: string };
  denotation?: string;
}

/** `ValueInfoProto`. */
export interface ValueInfoMsg {
  name?: string;
  type?: TypeMsg;
  docString?: string;
  metadataProps?: StringStringEntryMsg[];
}

/** `AttributeProto`. */
export interface AttributeMsg {
  name?: string;
  refAttrName?: string;
  docString?: string;
  type?: number;
  f?: number;
  i?: WireInt64;
  s?: Uint8Array;
  t?: TensorMsg;
  g?: GraphMsg;
  sparseTensor?: SparseTensorMsg;
  tp?: TypeMsg;
  floats?: number[];
  ints?: WireInt64[];
  strings?: Uint8Array[];
  tensors?: TensorMsg[];
  graphs?: GraphMsg[];
  sparseTensors?: SparseTensorMsg[];
  typeProtos?: TypeMsg[];
}

/** `NodeProto` (device configurations are kept as raw records). */
export interface NodeMsg extends WithRecords {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  domain?: string;
  overload?: string;
  attribute?: AttributeMsg[];
  docString?: string;
  metadataProps?: StringStringEntryMsg[];
}

/** `GraphProto` (quantization annotations are kept as raw records; sparse initializers are both). */
export interface GraphMsg extends WithRecords {
  node?: NodeMsg[];
  name?: string;
  initializer?: TensorMsg[];
  sparseInitializer?: SparseTensorMsg[];
  docString?: string;
  input?: ValueInfoMsg[];
  output?: ValueInfoMsg[];
  valueInfo?: ValueInfoMsg[];
  metadataProps?: StringStringEntryMsg[];
}

/** `ModelProto`, without the fields that are kept verbatim (training_info, functions, configuration). */
export interface ModelMsg extends WithRecords {
  irVersion?: WireInt64;
  opsetImport?: OperatorSetIdMsg[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: WireInt64;
  docString?: string;
  graph?: GraphMsg;
  metadataProps?: StringStringEntryMsg[];
}

/** True when `field` was present on the wire (own property), as proto2 presence requires. */
export function hasField<T extends object>(message: T, field: keyof T): boolean {
  return Object.prototype.hasOwnProperty.call(message, field);
}
