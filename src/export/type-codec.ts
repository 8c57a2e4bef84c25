/**
 * TypeProto / ValueInfoProto ↔ the IR's TensorType and Value annotations.
 *
 * Dims: `dim_value` → number, `dim_param` → `SymDim.named(text)`, neither → `SymDim.unknown()`. A symbolic dim
 * that is an expression is written as its text (`floor((H + 1)/2)`) in `dim_param`. Types the IR cannot model
 * (sequence, map, optional, sparse tensor, element types sppkit does not support) stay as encoded TypeProto bytes
 * in `Value.opaqueType`.
 */
import { SymDim, type Dim } from '../ir/dim.js';
import { isDataType } from '../ir/dtype.js';
import { DecodeError } from '../ir/errors.js';
import type { MetadataProps, TensorType, Value } from '../ir/value.js';
import {
  hasField,
  type DimensionMsg,
  type StringStringEntryMsg,
  type TypeMsg,
  type ValueInfoMsg,
} from './proto-types.js';
import { tablesOf } from './schema-tables.js';
import { ONNX_DATA_TYPE_NAMES } from './schema.js';
import { toBigInt } from './wire.js';
import { decodeMessage } from './wire-read.js';
import { encodeMessage } from './wire-write.js';

/** A decoded value type: a tensor type, or the verbatim TypeProto when the IR cannot model it. */
export interface DecodedType {
  readonly type: TensorType | null;
  readonly opaqueType: Uint8Array | null;
}

function decodeDim(dim: DimensionMsg, fail: (detail: string) => never): Dim {
  if (hasField(dim, 'dimValue')) {
    const value = toBigInt(dim.dimValue);
    if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) fail(`dim_value ${value} is not a valid dimension`);
    return Number(value);
  }
  if (hasField(dim, 'dimParam')) return SymDim.named(dim.dimParam ?? '');
  return SymDim.unknown();
}

/** Decodes a TypeProto; `where` names the value for errors (`input 'x' of graph 'main'`). */
export function decodeType(msg: TypeMsg | undefined, file: string, where: string): DecodedType {
  if (msg === undefined) return { type: null, opaqueType: null };
  const fail = (detail: string): never => {
    throw new DecodeError(file, `${where}: ${detail}`);
  };
  const tensor = msg.tensorType;
  const elemType = tensor?.elemType ?? 0;
  if (ONNX_DATA_TYPE_NAMES[elemType] === undefined) fail(`unknown element type ${elemType}`);
  if (tensor === undefined || !isDataType(elemType)) {
    return { type: null, opaqueType: encodeMessage(tablesOf.TypeProto, msg).toBytes() };
  }
  const dims = tensor.shape?.dim ?? [];
  const shape = tensor.shape === undefined ? null : dims.map((dim) => decodeDim(dim, fail));
  const dimDenotations = dims.map((dim) => dim.denotation ?? '');
  const type: TensorType = {
    dtype: elemType,
    shape,
    ...(hasField(msg, 'denotation') ? { denotation: msg.denotation ?? '' } : {}),
    ...(dimDenotations.some((text) => text !== '') ? { dimDenotations } : {}),
  };
  return { type, opaqueType: null };
}

function encodeDim(dim: Dim, denotation: string | undefined): DimensionMsg {
  const msg: DimensionMsg = {};
  if (typeof dim === 'number') msg.dimValue = dim;
  else if (!dim.isUnknown) msg.dimParam = dim.name ?? dim.key;
  if (denotation !== undefined && denotation !== '') msg.denotation = denotation;
  return msg;
}

/** Encodes a value's type (tensor type or kept TypeProto); undefined when the value has none. */
export function encodeType(value: Value): TypeMsg | undefined {
  const type = value.type;
  if (type === null) {
    if (value.opaqueType === null) return undefined;
    // Opaque types are an encoded TypeProto; the reader checks them against the schema.
    return decodeMessage(tablesOf.TypeProto, value.opaqueType, `type of '${value.name}'`) as TypeMsg;
  }
  const tensorType: NonNullable<TypeMsg['tensorType']> = { elemType: type.dtype };
  if (type.shape !== null)
    tensorType.shape = { dim: type.shape.map((dim, axis) => encodeDim(dim, type.dimDenotations?.[axis])) };
  const msg: TypeMsg = { tensorType };
  if (type.denotation !== undefined) msg.denotation = type.denotation;
  return msg;
}

/** Key/value entries → metadata map (insertion order kept). */
export function metadataFromEntries(entries: readonly StringStringEntryMsg[] | undefined, into: MetadataProps): void {
  for (const entry of entries ?? []) into.set(entry.key ?? '', entry.value ?? '');
}

/** Metadata map → key/value entries, or undefined when empty (so nothing is written). */
export function metadataToEntries(metadata: ReadonlyMap<string, string>): StringStringEntryMsg[] | undefined {
  return metadata.size === 0 ? undefined : [...metadata].map(([key, value]) => ({ key, value }));
}

/** Applies a ValueInfoProto's type, doc string and metadata to a value. */
export function applyValueInfo(value: Value, info: ValueInfoMsg, file: string, where: string): void {
  const decoded = decodeType(info.type, file, where);
  value.type = decoded.type;
  value.opaqueType = decoded.opaqueType;
  value.docString = info.docString ?? '';
  metadataFromEntries(info.metadataProps, value.metadataProps);
}

/** The ValueInfoProto of a value. */
export function encodeValueInfo(value: Value): ValueInfoMsg {
  const msg: ValueInfoMsg = { name: value.name };
  const type = encodeType(value);
  if (type !== undefined) msg.type = type;
  if (value.docString !== '') msg.docString = value.docString;
  const metadata = metadataToEntries(value.metadataProps);
  if (metadata !== undefined) msg.metadataProps = metadata;
  return msg;
}

/** True when a value carries anything a ValueInfoProto would record beyond its name. */
export function hasValueInfo(value: Value): boolean {
  return value.type !== null || value.opaqueType !== null || value.docString !== '' || value.metadataProps.size > 0;
}
