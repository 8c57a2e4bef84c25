/**
 * TypeScript shapes of the ONNX messages as protobufjs decodes them (and as sppkit builds them for encoding).
 *
 * Optional fields are present only when they were on the wire (proto2 presence: check with `hasField`); an
 * absent message field reads as null (protobufjs' prototype default), absent scalars as their defaults.
 * Repeated fields are arrays. int64 fields decode as protobufjs `Long`s (see `WireInt64`).
 */

/** The 64-bit integer halves protobufjs reads and writes (a `Long` satisfies this). */
export interface LongBits {
  readonly low: number;
  readonly high: number;
  readonly unsigned?: boolean;
}

/** An int64/uint64 field value: a JS number or the two 32-bit halves. */
export type WireInt64 = number | LongBits;

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
  segment?: { begin?: WireInt64; end?: WireInt64 } | null;
  floatData?: number[];
  int32Data?: number[];
  stringData?: Uint8Array[];
  int64Data?: WireInt64[];
  name?: string;
  docString?: string;
  rawData?: Uint8Array;
  externalData?: StringStringEntryMsg[];
  dataLocation?: number;
  doubleData?: number[];
  uint64Data?: WireInt64[];
  metadataProps?: StringStringEntryMsg[];
}

/** `SparseTensorProto`. */
export interface SparseTensorMsg {
  values?: TensorMsg | null;
  indices?: TensorMsg | null;
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
  tensorType?: { elemType?: number; shape?: ShapeMsg | null } | null;
  sequenceType?: { elemType?: TypeMsg | null } | null;
  mapType?: { keyType?: number; valueType?: TypeMsg | null } | null;
  optionalType?: { elemType?: TypeMsg | null } | null;
  sparseTensorType?: { elemType?: number; shape?: ShapeMsg | null } | null;
  opaqueType?: { domain?: string; name?: string } | null;
  denotation?: string;
}

/** `ValueInfoProto`. */
export interface ValueInfoMsg {
  name?: string;
  type?: TypeMsg | null;
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
  t?: TensorMsg | null;
  g?: GraphMsg | null;
  sparseTensor?: SparseTensorMsg | null;
  tp?: TypeMsg | null;
  floats?: number[];
  ints?: WireInt64[];
  strings?: Uint8Array[];
  tensors?: TensorMsg[];
  graphs?: GraphMsg[];
  sparseTensors?: SparseTensorMsg[];
  typeProtos?: TypeMsg[];
}

/** `NodeProto` (device configurations are not modelled; see `decodeNodeExtras`). */
export interface NodeMsg {
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

/** `GraphProto`. */
export interface GraphMsg {
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
export interface ModelMsg {
  irVersion?: WireInt64;
  opsetImport?: OperatorSetIdMsg[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: WireInt64;
  docString?: string;
  graph?: GraphMsg | null;
  metadataProps?: StringStringEntryMsg[];
}

/** True when `field` was present on the wire (own property), as proto2 presence requires. */
export function hasField<T extends object>(message: T, field: keyof T): boolean {
  return Object.prototype.hasOwnProperty.call(message, field);
}
