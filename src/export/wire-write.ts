/**
 * sppkit's protobuf writer, driven by the field tables of schema-tables.ts. It sizes the whole message first, then
 * writes it once: structural bytes go into one buffer of exactly their size, and large `bytes` values (tensor
 * payloads) are not copied at all but handed out as pieces next to it, in order (`EncodedBytes`). Whoever consumes
 * the pieces copies each payload once: into one output buffer (`toBytes`) or straight to a file.
 *
 * Output is deterministic and matches protobufjs/onnx.helper: fields in field-number order, proto2 presence
 * (a field is written when it is set), packed only where the schema says so, raw records (`[RECORDS]`) merged in
 * by field number after the modelled values of the same number.
 */
import type { TensorByteSource } from '../ir/tensor.js';
import { RECORDS, type RawRecord, type WireBytes } from './proto-types.js';
import { Wire, type FieldTable, type MessageTable } from './schema-tables.js';

/** Bytes values of at least this size become pieces of their own instead of being copied. */
const PIECE_MIN_BYTES = 4096;

/** One piece of encoded output: bytes in memory, or a source to read them from. */
export type Piece = Uint8Array | TensorByteSource;

/** Encoded bytes as an ordered list of pieces (structural bytes and payload views), with their total length. */
export class EncodedBytes {
  constructor(
    readonly pieces: readonly Piece[],
    readonly byteLength: number,
  ) {}

  /** The bytes in one buffer: allocated once at the final size, each payload copied once. */
  toBytes(): Uint8Array {
    const only = this.pieces[0];
    if (this.pieces.length === 1 && only instanceof Uint8Array) return only;
    const out = new Uint8Array(this.byteLength);
    let at = 0;
    for (const piece of this.pieces) {
      if (piece instanceof Uint8Array) out.set(piece, at);
      else piece.readInto(out.subarray(at, at + piece.byteLength), 0);
      at += piece.byteLength;
    }
    return out;
  }
}

type Fields = Readonly<Record<string, unknown>> & { readonly [RECORDS]?: readonly RawRecord[] };

function isSource(value: unknown): value is TensorByteSource {
  return typeof value === 'object' && value !== null && 'readInto' in value && 'byteLength' in value;
}

function bytesOf(value: unknown, field: FieldTable): WireBytes {
  if (value instanceof Uint8Array || isSource(value)) return value;
  throw new TypeError(`encode: ${field.name} must be bytes`);
}

function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 128; rest = Math.floor(rest / 128)) size += 1;
  return size;
}

/** The two's-complement 64-bit pattern of an int64 value as an unsigned bigint, or a non-negative number. */
function unsigned64(value: unknown, field: FieldTable): number | bigint {
  if (typeof value === 'number') {
    if (value >= 0 && Number.isSafeInteger(value)) return value;
    return BigInt.asUintN(64, BigInt(Math.trunc(value)));
  }
  if (typeof value === 'bigint') return BigInt.asUintN(64, value);
  throw new TypeError(`encode: ${field.name} must be an integer`);
}

function int64Size(value: number | bigint): number {
  if (typeof value === 'number') return varintSize(value);
  let size = 1;
  for (let rest = value; rest >= 128n; rest >>= 7n) size += 1;
  return size;
}

function numberOf(value: unknown, field: FieldTable): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean' && field.kind === 'bool') return value ? 1 : 0;
  throw new TypeError(`encode: ${field.name} must be a number`);
}

/** A 32-bit varint value: negative int32/enum values are sign-extended to 64 bits (10 bytes), as protobuf does. */
function int32Size(value: number): number {
  return value < 0 ? 10 : varintSize(value);
}

function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) length += 1;
    else if (code < 0x800) length += 2;
    else if (code >= 0xd800 && code < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length += 4;
      i += 1;
    } else length += 3;
  }
  return length;
}

function isPiece(bytes: WireBytes): boolean {
  return !(bytes instanceof Uint8Array) || bytes.byteLength >= PIECE_MIN_BYTES;
}

/** First pass: sizes of every message and packed run, in the order the writer will need them. */
class Sizer {
  readonly sizes: number[] = [];
  /** Bytes that will be pieces of their own (not in the structural buffer). */
  pieceBytes = 0;

  scalar(field: FieldTable, value: unknown): number {
    switch (field.kind) {
      case 'int32':
      case 'enum':
        return int32Size(numberOf(value, field));
      case 'uint32':
      case 'bool':
        return varintSize(numberOf(value, field) >>> 0);
      case 'int64':
      case 'uint64':
        return int64Size(unsigned64(value, field));
      case 'float':
        return 4;
      case 'double':
        return 8;
      case 'string': {
        if (typeof value !== 'string') throw new TypeError(`encode: ${field.name} must be a string`);
        const length = utf8Length(value);
        return varintSize(length) + length;
      }
      case 'bytes': {
        const bytes = bytesOf(value, field);
        if (isPiece(bytes)) this.pieceBytes += bytes.byteLength;
        return varintSize(bytes.byteLength) + bytes.byteLength;
      }
      case 'message': {
        if (typeof value !== 'object' || value === null) throw new TypeError(`encode: ${field.name} must be a message`);
        const table = field.message;
        if (table === undefined) throw new TypeError(`encode: ${field.name} has no message type`);
        const length = this.message(value, table);
        return varintSize(length) + length;
      }
    }
  }

  message(msg: object, table: MessageTable): number {
    const fields = msg as Fields;
    const slot = this.sizes.length;
    this.sizes.push(0);
    let size = 0;
    for (const field of table.fields) {
      const value = fields[field.name];
      if (value === undefined || value === null) continue;
      const tagSize = varintSize(field.number * 8);
      if (!field.repeated) {
        size += tagSize + this.scalar(field, value);
        continue;
      }
      if (!Array.isArray(value)) throw new TypeError(`encode: ${table.name}.${field.name} must be an array`);
      const values: readonly unknown[] = value;
      if (values.length === 0) continue;
      if (field.packed) {
        let inner = 0;
        for (const item of values) inner += this.scalar(field, item);
        this.sizes.push(inner);
        size += tagSize + varintSize(inner) + inner;
      } else {
        for (const item of values) size += tagSize + this.scalar(field, item);
      }
    }
    for (const record of fields[RECORDS] ?? []) {
      if (isPiece(record.bytes)) this.pieceBytes += record.bytes.byteLength;
      size += record.bytes.byteLength;
    }
    this.sizes[slot] = size;
    return size;
  }
}

/** Second pass: writes structural bytes into `buf` and collects pieces. */
class Writer {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos = 0;
  cursor = 0;
  #pieceStart = 0;
  readonly pieces: Piece[] = [];

  constructor(
    structuralBytes: number,
    readonly sizes: readonly number[],
  ) {
    this.buf = new Uint8Array(structuralBytes);
    this.view = new DataView(this.buf.buffer);
  }

  varint(value: number): void {
    const buf = this.buf;
    let rest = value;
    while (rest >= 128) {
      buf[this.pos++] = (rest % 128) | 0x80;
      rest = Math.floor(rest / 128);
    }
    buf[this.pos++] = rest;
  }

  bigVarint(value: bigint): void {
    let rest = value;
    while (rest >= 128n) {
      this.buf[this.pos++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.buf[this.pos++] = Number(rest);
  }

  int32(value: number): void {
    if (value >= 0) this.varint(value);
    else this.bigVarint(BigInt.asUintN(64, BigInt(value)));
  }

  bytes(bytes: WireBytes): void {
    this.varint(bytes.byteLength);
    if (!isPiece(bytes) && bytes instanceof Uint8Array) {
      this.buf.set(bytes, this.pos);
      this.pos += bytes.byteLength;
      return;
    }
    if (this.pos > this.#pieceStart) this.pieces.push(this.buf.subarray(this.#pieceStart, this.pos));
    this.pieces.push(bytes);
    this.#pieceStart = this.pos;
  }

  text(text: string): void {
    const buf = this.buf;
    this.varint(utf8Length(text));
    let pos = this.pos;
    for (let i = 0; i < text.length; i += 1) {
      let code = text.charCodeAt(i);
      if (code < 0x80) {
        buf[pos++] = code;
        continue;
      }
      if (code < 0x800) {
        buf[pos++] = 0xc0 | (code >> 6);
        buf[pos++] = 0x80 | (code & 0x3f);
        continue;
      }
      if (code >= 0xd800 && code < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        code = 0x10000 + ((code - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00);
        i += 1;
        buf[pos++] = 0xf0 | (code >> 18);
        buf[pos++] = 0x80 | ((code >> 12) & 0x3f);
        buf[pos++] = 0x80 | ((code >> 6) & 0x3f);
        buf[pos++] = 0x80 | (code & 0x3f);
        continue;
      }
      // A lone surrogate becomes U+FFFD, as TextEncoder does.
      if (code >= 0xd800 && code < 0xe000) code = 0xfffd;
      buf[pos++] = 0xe0 | (code >> 12);
      buf[pos++] = 0x80 | ((code >> 6) & 0x3f);
      buf[pos++] = 0x80 | (code & 0x3f);
    }
    this.pos = pos;
  }

  scalar(field: FieldTable, value: unknown): void {
    switch (field.kind) {
      case 'int32':
      case 'enum':
        this.int32(numberOf(value, field));
        return;
      case 'uint32':
      case 'bool':
        this.varint(numberOf(value, field) >>> 0);
        return;
      case 'int64':
      case 'uint64': {
        const bits = unsigned64(value, field);
        if (typeof bits === 'number') this.varint(bits);
        else this.bigVarint(bits);
        return;
      }
      case 'float':
        this.view.setFloat32(this.pos, numberOf(value, field), true);
        this.pos += 4;
        return;
      case 'double':
        this.view.setFloat64(this.pos, numberOf(value, field), true);
        this.pos += 8;
        return;
      case 'string':
        this.text(String(value));
        return;
      case 'bytes':
        this.bytes(bytesOf(value, field));
        return;
      case 'message': {
        const table = field.message;
        if (table === undefined || typeof value !== 'object' || value === null)
          throw new TypeError(`encode: ${field.name} must be a message`);
        this.varint(this.sizes[this.cursor] ?? 0);
        this.message(value, table);
        return;
      }
    }
  }

  record(record: RawRecord): void {
    if (!isPiece(record.bytes)) {
      this.buf.set(record.bytes, this.pos);
      this.pos += record.bytes.byteLength;
      return;
    }
    if (this.pos > this.#pieceStart) this.pieces.push(this.buf.subarray(this.#pieceStart, this.pos));
    this.pieces.push(record.bytes);
    this.#pieceStart = this.pos;
  }

  message(msg: object, table: MessageTable): void {
    const fields = msg as Fields;
    this.cursor += 1;
    const records = sortedRecords(fields[RECORDS]);
    let next = 0;
    for (const field of table.fields) {
      while (next < records.length && (records[next]?.fieldNumber ?? 0) < field.number) this.record(records[next++]!);
      const value = fields[field.name];
      if (value === undefined || value === null) continue;
      if (!field.repeated) {
        this.varint(field.number * 8 + field.wireType);
        this.scalar(field, value);
        continue;
      }
      const values = value as readonly unknown[];
      if (values.length === 0) continue;
      if (field.packed) {
        this.varint(field.number * 8 + Wire.LEN);
        this.varint(this.sizes[this.cursor++] ?? 0);
        for (const item of values) this.scalar(field, item);
      } else {
        for (const item of values) {
          this.varint(field.number * 8 + field.wireType);
          this.scalar(field, item);
        }
      }
    }
    while (next < records.length) this.record(records[next++]!);
  }

  finish(): Piece[] {
    if (this.pos > this.#pieceStart || this.pieces.length === 0)
      this.pieces.push(this.buf.subarray(this.#pieceStart, this.pos));
    return this.pieces;
  }
}

const NO_RECORDS: readonly RawRecord[] = [];

/** Raw records in field-number order (stable: records of one number keep their order). */
function sortedRecords(records: readonly RawRecord[] | undefined): readonly RawRecord[] {
  if (records === undefined || records.length === 0) return NO_RECORDS;
  for (let i = 1; i < records.length; i += 1) {
    if ((records[i]?.fieldNumber ?? 0) < (records[i - 1]?.fieldNumber ?? 0))
      return [...records].sort((a, b) => a.fieldNumber - b.fieldNumber);
  }
  return records;
}

/** The encoded size of `msg` as a message of `table`, without writing it. */
export function encodedSize(table: MessageTable, msg: object): number {
  return new Sizer().message(msg, table);
}

/** Encodes `msg` as a message of `table`: sized first, written once, payloads left as pieces. */
export function encodeMessage(table: MessageTable, msg: object): EncodedBytes {
  const sizer = new Sizer();
  const total = sizer.message(msg, table);
  const writer = new Writer(total - sizer.pieceBytes, sizer.sizes);
  writer.message(msg, table);
  if (writer.pos !== total - sizer.pieceBytes)
    throw new Error(`encode: internal size mismatch (${writer.pos} written, ${total - sizer.pieceBytes} sized)`);
  return new EncodedBytes(writer.finish(), total);
}
