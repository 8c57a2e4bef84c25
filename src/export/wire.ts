/**
 * Wire-level helpers over protobufjs: a schema-driven validity check that runs before decoding (so malformed
 * bytes give a DecodeError that says where, instead of a RangeError or silently misread fields), splitting a
 * message into its top-level field records, and int64 conversions.
 */
import protobuf from 'protobufjs';
import { DecodeError } from '../ir/errors.js';
import type { LongBits, WireInt64 } from './proto-types.js';

/** Protobuf wire types. */
const Wire = { VARINT: 0, I64: 1, LEN: 2, START_GROUP: 3, END_GROUP: 4, I32: 5 } as const;

/** Deepest message nesting accepted (nested subgraphs); deeper input is refused rather than risking the stack. */
const MAX_DEPTH = 100;

const VARINT_TYPES = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool']);
const I64_TYPES = new Set(['double', 'fixed64', 'sfixed64']);
const I32_TYPES = new Set(['float', 'fixed32', 'sfixed32']);

/** The wire type a (non-packed) value of this field has. */
function expectedWireType(field: protobuf.Field): number {
  if (field.resolvedType instanceof protobuf.Enum) return Wire.VARINT;
  if (VARINT_TYPES.has(field.type)) return Wire.VARINT;
  if (I64_TYPES.has(field.type)) return Wire.I64;
  if (I32_TYPES.has(field.type)) return Wire.I32;
  return Wire.LEN;
}

class WireError extends Error {}

/** Reads a length prefix and checks that the payload lies within `end`. */
function readLength(reader: protobuf.Reader, end: number): number {
  const length = reader.uint32();
  if (reader.pos + length > end) throw new WireError(`length ${length} runs past the end of its message (truncated?)`);
  return length;
}

/** Skips one value of wire type `wireType`, staying within `end`. */
function skipValue(reader: protobuf.Reader, wireType: number, end: number): void {
  switch (wireType) {
    case Wire.VARINT:
      do {
        if (reader.pos >= end) throw new WireError('truncated varint');
      } while ((reader.buf[reader.pos++] ?? 0) & 0x80);
      return;
    case Wire.I64:
      if (reader.pos + 8 > end) throw new WireError('truncated 64-bit value');
      reader.pos += 8;
      return;
    case Wire.I32:
      if (reader.pos + 4 > end) throw new WireError('truncated 32-bit value');
      reader.pos += 4;
      return;
    case Wire.LEN: {
      const length = readLength(reader, end);
      reader.pos += length;
      return;
    }
    default:
      throw new WireError(`unsupported wire type ${wireType}`);
  }
}

function checkPacked(reader: protobuf.Reader, field: protobuf.Field, end: number): void {
  const length = readLength(reader, end);
  const stop = reader.pos + length;
  const wire = expectedWireType(field);
  const width = wire === Wire.I64 ? 8 : wire === Wire.I32 ? 4 : 0;
  if (width > 0) {
    if (length % width !== 0)
      throw new WireError(`packed ${field.name}: ${length} bytes is not a multiple of ${width}`);
    reader.pos = stop;
    return;
  }
  while (reader.pos < stop) skipValue(reader, Wire.VARINT, stop);
}

function checkEnum(reader: protobuf.Reader, field: protobuf.Field, enumType: protobuf.Enum, end: number): void {
  const start = reader.pos;
  skipValue(reader, Wire.VARINT, end);
  reader.pos = start;
  const value = reader.int32();
  if (enumType.valuesById[value] === undefined) {
    throw new WireError(`${field.name} = ${value} is not a ${enumType.name} value`);
  }
}

function checkMessage(type: protobuf.Type, reader: protobuf.Reader, end: number, path: string, depth: number): void {
  if (depth > MAX_DEPTH) throw new WireError(`${path}: messages nested deeper than ${MAX_DEPTH}`);
  const counts = new Map<number, number>();
  while (reader.pos < end) {
    const tagStart = reader.pos;
    skipValue(reader, Wire.VARINT, end);
    reader.pos = tagStart;
    const tag = reader.uint32();
    const fieldNumber = tag >>> 3;
    const wireType = tag & 7;
    if (fieldNumber === 0) throw new WireError(`${path}: field number 0 at byte ${tagStart}`);
    const field = type.fieldsById[fieldNumber];
    if (field === undefined) {
      // Unknown fields are legal protobuf (a newer schema); skip them, still within bounds.
      try {
        skipValue(reader, wireType, end);
      } catch (error) {
        throw new WireError(`${path}: unknown field ${fieldNumber}: ${errorText(error)}`);
      }
      continue;
    }
    const index = counts.get(fieldNumber) ?? 0;
    counts.set(fieldNumber, index + 1);
    const where = `${path}.${field.name}${field.repeated ? `[${index}]` : ''}`;
    const expected = expectedWireType(field);
    try {
      if (field.repeated && expected !== Wire.LEN && wireType === Wire.LEN) {
        checkPacked(reader, field, end);
        continue;
      }
      if (wireType !== expected) throw new WireError(`wire type ${wireType}, expected ${expected}`);
      const resolved = field.resolvedType;
      if (resolved instanceof protobuf.Type) {
        const length = readLength(reader, end);
        checkMessage(resolved, reader, reader.pos + length, where, depth + 1);
      } else if (resolved instanceof protobuf.Enum) {
        checkEnum(reader, field, resolved, end);
      } else {
        skipValue(reader, wireType, end);
      }
    } catch (error) {
      if (error instanceof WireError && error.message.startsWith(path)) throw error;
      throw new WireError(`${where}: ${errorText(error)}`);
    }
  }
  if (reader.pos !== end) throw new WireError(`${path}: field runs past the end of its message`);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Checks that `bytes` is a well-formed encoding of `type`: tags, wire types, lengths, enum values and nesting
 * depth. Throws a DecodeError naming `file` and the path of the bad field (`ModelProto.graph.node[3].attribute[0]`).
 */
export function checkWire(type: protobuf.Type, bytes: Uint8Array, file: string): void {
  const reader = protobuf.Reader.create(bytes);
  try {
    checkMessage(type, reader, bytes.length, type.name, 0);
  } catch (error) {
    throw new DecodeError(file, `malformed ${type.name}: ${errorText(error)}`);
  }
}

/** Decodes `bytes` as `type` after `checkWire`, rewrapping any protobufjs error as a DecodeError. */
export function decodeChecked(type: protobuf.Type, bytes: Uint8Array, file: string): protobuf.Message {
  checkWire(type, bytes, file);
  try {
    return type.decode(bytes);
  } catch (error) {
    throw new DecodeError(file, `malformed ${type.name}: ${errorText(error)}`);
  }
}

/** One top-level field record of an encoded message: its number and byte range (tag included). */
export interface FieldRecord {
  readonly fieldNumber: number;
  readonly start: number;
  readonly end: number;
}

/** Splits an encoded (already checked) message into its top-level field records, in wire order. */
export function splitRecords(bytes: Uint8Array): FieldRecord[] {
  const reader = protobuf.Reader.create(bytes);
  const records: FieldRecord[] = [];
  while (reader.pos < bytes.length) {
    const start = reader.pos;
    const tag = reader.uint32();
    skipValue(reader, tag & 7, bytes.length);
    records.push({ fieldNumber: tag >>> 3, start, end: reader.pos });
  }
  return records;
}

const TWO_32 = 0x1_0000_0000n;

/** An int64 field value as a BigInt (signed unless `unsigned`). */
export function toBigInt(value: WireInt64 | undefined, unsigned = false): bigint {
  if (value === undefined) return 0n;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  const bits = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return unsigned ? bits : BigInt.asIntN(64, bits);
}

/** A BigInt as the 32-bit halves protobufjs writes (two's complement for negatives). */
export function fromBigInt(value: bigint, unsigned = false): LongBits {
  const bits = BigInt.asUintN(64, value);
  return { low: Number(bits % TWO_32) | 0, high: Number(bits / TWO_32) | 0, unsigned };
}
