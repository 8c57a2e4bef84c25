/**
 * sppkit's protobuf reader, driven by the field tables of schema-tables.ts. One pass both checks and decodes:
 * tags, wire types, lengths, enum values and nesting depth are validated as they are read, so malformed bytes give a
 * DecodeError that says where (`ModelProto.graph.node[3].attribute[0].type`), never a RangeError or a hang.
 *
 * Nothing is allocated from a declared length: a length is checked against the bytes that remain before it is
 * used, `bytes` fields are views into the input (no copy), and arrays grow one decoded value at a time.
 */
import { DecodeError } from '../ir/errors.js';
import { RECORDS, type RawRecord } from './proto-types.js';
import { Wire, type FieldTable, type MessageTable } from './schema-tables.js';

/** Deepest message nesting accepted (nested subgraphs); deeper input is refused rather than risking the stack. */
export const MAX_DEPTH = 100;

/** A decoded message: field values by camelCase name, plus raw records. */
export interface DecodedMessage {
  [name: string]: unknown;
  [RECORDS]?: RawRecord[];
}

/** A wire-level problem; `path` collects the field names on the way out (`.graph`, `.node[3]`). */
export class WireError extends Error {
  readonly path: string[] = [];
}

const TWO_32 = 4294967296;
/** `hi` values below this make lo + hi·2^32 a safe integer. */
const SAFE_HI = 0x200000;

const utf8 = new TextDecoder('utf-8');
/** Strings up to this many bytes are decoded by hand when they are ASCII (TextDecoder has a fixed cost per call). */
const SHORT_STRING = 64;

/** Read position over one input buffer; `lo`/`hi` hold the last varint's 32-bit halves. */
class Reader {
  pos = 0;
  lo = 0;
  hi = 0;
  readonly view: DataView;

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Reads a varint (at most 10 bytes, within `end`) into `lo`/`hi`. */
  varint(end: number): void {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) throw new WireError('truncated varint');
      const byte = buf[pos++] ?? 0;
      lo |= (byte & 0x7f) << shift;
      if (byte < 0x80) return this.#done(pos, lo, 0);
    }
    if (pos >= end) throw new WireError('truncated varint');
    let byte = buf[pos++] ?? 0;
    lo |= (byte & 0x7f) << 28;
    hi = (byte & 0x7f) >> 4;
    if (byte < 0x80) return this.#done(pos, lo, hi);
    for (let shift = 3; shift < 38; shift += 7) {
      if (pos >= end) throw new WireError('truncated varint');
      byte = buf[pos++] ?? 0;
      hi |= (byte & 0x7f) << shift;
      if (byte < 0x80) return this.#done(pos, lo, hi);
    }
    throw new WireError('varint longer than 10 bytes');
  }

  #done(pos: number, lo: number, hi: number): void {
    this.pos = pos;
    this.lo = lo;
    this.hi = hi;
  }

  /** The last varint as an unsigned 64-bit value: a number below 2^53, else a bigint. */
  int64(): number | bigint {
    const lo = this.lo >>> 0;
    const hi = this.hi >>> 0;
    if (hi < SAFE_HI) return hi * TWO_32 + lo;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** Reads a length prefix and checks that the payload lies within `end`. */
  length(end: number): number {
    this.varint(end);
    const length = this.lo >>> 0;
    if (this.hi !== 0 || length > end - this.pos)
      throw new WireError(`length ${String(this.int64())} runs past the end of its message (truncated?)`);
    return length;
  }

  /** Skips one value of wire type `wireType`, staying within `end`. */
  skip(wireType: number, end: number): void {
    switch (wireType) {
      case Wire.VARINT:
        this.varint(end);
        return;
      case Wire.I64:
        this.fixed(8, end);
        return;
      case Wire.I32:
        this.fixed(4, end);
        return;
      case Wire.LEN: {
        // Read the length first: `this.pos += this.length(end)` would add it to the position before the prefix.
        const length = this.length(end);
        this.pos += length;
        return;
      }
      default:
        throw new WireError(`unsupported wire type ${wireType}`);
    }
  }

  /** Checks that `width` bytes remain and returns where they start. */
  fixed(width: number, end: number): number {
    const at = this.pos;
    if (end - at < width) throw new WireError(`truncated ${width * 8}-bit value`);
    this.pos = at + width;
    return at;
  }

  string(end: number): string {
    const length = this.length(end);
    const start = this.pos;
    this.pos = start + length;
    const buf = this.buf;
    if (length <= SHORT_STRING) {
      // Short ASCII strings (names, op types) in one allocation; anything else through TextDecoder.
      let ascii = true;
      for (let at = start; at < start + length; at += 1) {
        if ((buf[at] ?? 0) >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) return String.fromCharCode.apply(null, buf.subarray(start, start + length) as unknown as number[]);
    }
    return utf8.decode(buf.subarray(start, start + length));
  }
}

/** Reads one scalar (non-LEN, or string/bytes) value of `field`. */
function readScalar(r: Reader, field: FieldTable, end: number): unknown {
  switch (field.kind) {
    case 'int32':
      r.varint(end);
      return r.lo | 0;
    case 'uint32':
      r.varint(end);
      return r.lo >>> 0;
    case 'bool':
      r.varint(end);
      return (r.lo | r.hi) !== 0;
    case 'enum': {
      r.varint(end);
      const value = r.lo | 0;
      if (field.enumValues?.has(value) !== true)
        throw new WireError(`${field.name} = ${value} is not a ${field.enumName ?? 'enum'} value`);
      return value;
    }
    case 'int64':
    case 'uint64':
      r.varint(end);
      return r.int64();
    case 'float':
      return r.view.getFloat32(r.fixed(4, end), true);
    case 'double':
      return r.view.getFloat64(r.fixed(8, end), true);
    case 'string':
      return r.string(end);
    case 'bytes': {
      const length = r.length(end);
      const start = r.pos;
      r.pos = start + length;
      return r.buf.subarray(start, start + length);
    }
    case 'message':
      throw new WireError('internal: message read as a scalar');
  }
}

/** Reads a packed run of scalars into `into`. */
function readPacked(r: Reader, field: FieldTable, end: number, into: unknown[]): void {
  const length = r.length(end);
  const stop = r.pos + length;
  const width = field.wireType === Wire.I64 ? 8 : field.wireType === Wire.I32 ? 4 : 0;
  if (width > 0 && length % width !== 0)
    throw new WireError(`packed ${field.name}: ${length} bytes is not a multiple of ${width}`);
  while (r.pos < stop) into.push(readScalar(r, field, stop));
}

function segment(field: FieldTable | undefined, index: number): string {
  if (field === undefined) return '';
  return field.repeated ? `.${field.name}[${index}]` : `.${field.name}`;
}

function pushRecord(msg: DecodedMessage, record: RawRecord): void {
  const records = msg[RECORDS];
  if (records === undefined) msg[RECORDS] = [record];
  else records.push(record);
}

/** Reads a message of `table` from `r.pos` to `end`. */
function readMessage(r: Reader, table: MessageTable, end: number, depth: number): DecodedMessage {
  if (depth > MAX_DEPTH) throw new WireError(`messages nested deeper than ${MAX_DEPTH}`);
  const msg: DecodedMessage = {};
  let field: FieldTable | undefined;
  try {
    while (r.pos < end) {
      field = undefined;
      const tagStart = r.pos;
      r.varint(end);
      const tag = r.lo >>> 0;
      const fieldNumber = tag >>> 3;
      const wireType = tag & 7;
      if (r.hi !== 0 || fieldNumber === 0) throw new WireError(`bad field number at byte ${tagStart}`);
      field = table.byNumber[fieldNumber];
      if (field === undefined) {
        // Unknown fields are legal protobuf (a newer schema): skipped within bounds, kept verbatim.
        try {
          r.skip(wireType, end);
        } catch (error) {
          throw new WireError(
            `unknown field ${fieldNumber}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        pushRecord(msg, { fieldNumber, bytes: r.buf.subarray(tagStart, r.pos) });
        continue;
      }
      readField(r, field, wireType, end, depth, msg);
      if (table.keepRecords.has(fieldNumber)) pushRecord(msg, { fieldNumber, bytes: r.buf.subarray(tagStart, r.pos) });
    }
  } catch (error) {
    if (error instanceof WireError && field !== undefined) {
      const values = msg[field.name];
      error.path.unshift(segment(field, Array.isArray(values) ? values.length : 0));
    }
    throw error;
  }
  return msg;
}

/** Reads one record of a known field into `msg`. */
function readField(
  r: Reader,
  field: FieldTable,
  wireType: number,
  end: number,
  depth: number,
  msg: DecodedMessage,
): void {
  const name = field.name;
  if (field.repeated) {
    let values = msg[name] as unknown[] | undefined;
    if (values === undefined) {
      values = [];
      msg[name] = values;
    }
    if (field.wireType !== Wire.LEN && wireType === Wire.LEN) {
      readPacked(r, field, end, values);
      return;
    }
    if (wireType !== field.wireType) throw new WireError(`wire type ${wireType}, expected ${field.wireType}`);
    values.push(field.message === undefined ? readScalar(r, field, end) : readNested(r, field.message, end, depth));
    return;
  }
  if (wireType !== field.wireType) throw new WireError(`wire type ${wireType}, expected ${field.wireType}`);
  msg[name] = field.message === undefined ? readScalar(r, field, end) : readNested(r, field.message, end, depth);
}

function readNested(r: Reader, table: MessageTable, end: number, depth: number): DecodedMessage {
  const length = r.length(end);
  return readMessage(r, table, r.pos + length, depth + 1);
}

/**
 * Decodes `bytes` as a message of `table`. Throws a DecodeError naming `file` and the path of the bad field
 * (`malformed ModelProto: ModelProto.graph.node[3].attribute[0].type: type = 99 is not a AttributeType value`).
 */
export function decodeMessage(table: MessageTable, bytes: Uint8Array, file: string): DecodedMessage {
  const reader = new Reader(bytes);
  try {
    return readMessage(reader, table, bytes.length, 0);
  } catch (error) {
    if (error instanceof WireError)
      throw new DecodeError(file, `malformed ${table.name}: ${table.name}${error.path.join('')}: ${error.message}`);
    throw new DecodeError(
      file,
      `unexpected ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} at byte ${reader.pos}`,
    );
  }
}
