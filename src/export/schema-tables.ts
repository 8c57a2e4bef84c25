/**
 * The field tables that drive sppkit's own protobuf reader and writer (wire-read.ts, wire-write.ts), derived once
 * from the protobufjs descriptor in schema.ts, so that onnx.proto is written down in one place only.
 */
import protobuf from 'protobufjs';
import { schema } from './schema.js';

/** Protobuf wire types. */
export const Wire = { VARINT: 0, I64: 1, LEN: 2, START_GROUP: 3, END_GROUP: 4, I32: 5 } as const;

/** How a field's values are stored on the wire and in decoded message objects. */
export type FieldKind =
  'int32' | 'uint32' | 'int64' | 'uint64' | 'bool' | 'enum' | 'float' | 'double' | 'string' | 'bytes' | 'message';

/** One field of a message. */
export interface FieldTable {
  /** The camelCase name, which is the property name in decoded message objects. */
  readonly name: string;
  readonly number: number;
  readonly kind: FieldKind;
  readonly repeated: boolean;
  /** Repeated scalars written packed (only TensorProto's typed data fields in onnx.proto). */
  readonly packed: boolean;
  /** The wire type of one (unpacked) value. */
  readonly wireType: number;
  /** The message type of a message field. */
  message: MessageTable | undefined;
  /** The enum's name and defined values, for enum fields. */
  readonly enumName: string | undefined;
  readonly enumValues: ReadonlySet<number> | undefined;
}

/** One message type. */
export interface MessageTable {
  readonly name: string;
  /** Fields in field-number order (the order in which they are written). */
  readonly fields: readonly FieldTable[];
  /** Fields by number (sparse). */
  readonly byNumber: readonly (FieldTable | undefined)[];
  /**
   * Field numbers whose records are also kept verbatim in the decoded object's raw records (fields the IR does not
   * model but must write back). Unknown field numbers are always kept.
   */
  readonly keepRecords: ReadonlySet<number>;
}

const SCALAR_KINDS: Readonly<Record<string, FieldKind>> = {
  int32: 'int32',
  uint32: 'uint32',
  int64: 'int64',
  uint64: 'uint64',
  bool: 'bool',
  float: 'float',
  double: 'double',
  string: 'string',
  bytes: 'bytes',
};

function wireTypeOf(kind: FieldKind): number {
  switch (kind) {
    case 'float':
      return Wire.I32;
    case 'double':
      return Wire.I64;
    case 'string':
    case 'bytes':
    case 'message':
      return Wire.LEN;
    default:
      return Wire.VARINT;
  }
}

const tables = new Map<protobuf.Type, MessageTable>();

function tableOf(type: protobuf.Type, keep: ReadonlyMap<string, readonly number[]>): MessageTable {
  const known = tables.get(type);
  if (known !== undefined) return known;
  const fields: FieldTable[] = [];
  const table: MessageTable = {
    name: type.name,
    fields,
    byNumber: [],
    keepRecords: new Set(keep.get(type.name) ?? []),
  };
  tables.set(type, table);
  const byNumber: (FieldTable | undefined)[] = [];
  for (const field of [...type.fieldsArray].sort((a, b) => a.id - b.id)) {
    const resolved = field.resolve().resolvedType;
    const kind: FieldKind | undefined =
      resolved instanceof protobuf.Type
        ? 'message'
        : resolved instanceof protobuf.Enum
          ? 'enum'
          : SCALAR_KINDS[field.type];
    if (kind === undefined) throw new Error(`schema: ${type.name}.${field.name} has unsupported type ${field.type}`);
    const entry: FieldTable = {
      name: field.name,
      number: field.id,
      kind,
      repeated: field.repeated,
      packed: field.repeated && field.packed && kind !== 'message' && kind !== 'string' && kind !== 'bytes',
      wireType: wireTypeOf(kind),
      message: undefined,
      enumName: resolved instanceof protobuf.Enum ? resolved.name : undefined,
      enumValues: resolved instanceof protobuf.Enum ? new Set(Object.values(resolved.values)) : undefined,
    };
    fields.push(entry);
    byNumber[field.id] = entry;
    if (resolved instanceof protobuf.Type) entry.message = tableOf(resolved, keep);
  }
  (table.byNumber as (FieldTable | undefined)[]).push(...byNumber);
  return table;
}

/**
 * Fields kept verbatim because the IR does not model them: ModelProto training_info (20), functions (25) and
 * configuration (26); GraphProto quantization_annotation (14) and sparse_initializer (15); NodeProto
 * device_configurations (10).
 */
const KEEP_RECORDS: ReadonlyMap<string, readonly number[]> = new Map([
  ['ModelProto', [20, 25, 26]],
  ['GraphProto', [14, 15]],
  ['NodeProto', [10]],
]);

/** The tables of the messages sppkit reads and writes. */
export const tablesOf = {
  ModelProto: tableOf(schema.ModelProto, KEEP_RECORDS),
  GraphProto: tableOf(schema.GraphProto, KEEP_RECORDS),
  NodeProto: tableOf(schema.NodeProto, KEEP_RECORDS),
  AttributeProto: tableOf(schema.AttributeProto, KEEP_RECORDS),
  ValueInfoProto: tableOf(schema.ValueInfoProto, KEEP_RECORDS),
  TensorProto: tableOf(schema.TensorProto, KEEP_RECORDS),
  TypeProto: tableOf(schema.TypeProto, KEEP_RECORDS),
} as const;
