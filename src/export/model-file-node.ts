/**
 * Reading a model file without reading its large initializer payloads (Node only).
 *
 * A first pass walks the file's record structure through a small window (ModelProto.graph → initializer →
 * raw_data) and notes where payloads of at least `LEAVE_IN_FILE_BYTES` lie. What is read into memory is the file
 * with those payloads cut out: each becomes an empty `raw_data`, and the length prefixes of the initializer and the
 * graph that held it are rewritten to match. The decoder sees ordinary bytes and asks `InlinePayloads` for the
 * source of each empty payload that stands for one left in the file: those tensors read their bytes from the model
 * file when their data is used, or are streamed straight from it to the output when the model is saved. Memory
 * holds the model's structure only.
 *
 * The first pass parses tags and lengths exactly as the decoder does. At the first record it cannot parse, it gives
 * up and the whole file is read as it is (the decoder then reports the problem), so a payload is only ever left out
 * when the decoder will see it as the `raw_data` of an initializer.
 */
import { closeSync, readSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { TensorByteSource } from '../ir/tensor.js';
import type { InlinePayloads } from './external-data.js';
import { FileRangeSource, openChecked, readFully, type ContainedFile } from './files-node.js';
import { Wire } from './schema-tables.js';

/** Initializer payloads of at least this many bytes stay in the model file until used. */
export const LEAVE_IN_FILE_BYTES = 64 * 1024;

/** Field numbers on the path to initializer payloads. */
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_RAW_DATA = 9;

/** Bytes read per step while walking the structure. */
const WINDOW_BYTES = 64 * 1024;

type Level = 'model' | 'graph' | 'tensor';

/** A part of the compacted bytes: a byte range of the file, new bytes (a length prefix), or a payload left out. */
type Segment =
  | { readonly kind: 'file'; readonly start: number; readonly end: number }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'hole'; readonly start: number; readonly end: number };

/** Reads bytes of the file through a small window, for the structure walk. */
class WindowReader {
  readonly #window = new Uint8Array(WINDOW_BYTES);
  #start = 0;
  #end = 0;

  constructor(
    readonly fd: number,
    readonly size: number,
  ) {}

  byteAt(position: number): number {
    if (position < this.#start || position >= this.#end) {
      const length = Math.min(WINDOW_BYTES, this.size - position);
      const got = length > 0 ? readSync(this.fd, this.#window, 0, length, position) : 0;
      this.#start = position;
      this.#end = position + got;
      if (got === 0) return -1;
    }
    return this.#window[position - this.#start] ?? -1;
  }

  /** A varint at `position` (at most 10 bytes, within `end`): its value (exact below 2^53) and where it ends. */
  varint(position: number, end: number): { value: number; next: number } | undefined {
    let value = 0;
    let scale = 1;
    for (let at = position; at < end && at < position + 10; at += 1) {
      const byte = this.byteAt(at);
      if (byte < 0) return undefined;
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) return { value, next: at + 1 };
    }
    return undefined;
  }
}

function varintBytes(value: number): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 128) {
    bytes.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Uint8Array.from(bytes);
}

function sizeOf(segments: readonly Segment[]): number {
  let size = 0;
  for (const segment of segments) {
    if (segment.kind === 'file') size += segment.end - segment.start;
    else if (segment.kind === 'bytes') size += segment.bytes.length;
  }
  return size;
}

/** Appends a file range, merged with the previous one when they touch. */
function pushFile(out: Segment[], start: number, end: number): void {
  const last = out[out.length - 1];
  if (last?.kind === 'file' && last.end === start) out[out.length - 1] = { kind: 'file', start: last.start, end };
  else if (end > start) out.push({ kind: 'file', start, end });
}

/**
 * The segments of the message at [start, end) of `level` with large initializer payloads cut out; undefined at the
 * first record that does not parse. Sets `cut.any` when something was cut.
 */
function compact(
  reader: WindowReader,
  level: Level,
  start: number,
  end: number,
  cut: { any: boolean },
): Segment[] | undefined {
  const out: Segment[] = [];
  let position = start;
  while (position < end) {
    const recordStart = position;
    const tag = reader.varint(position, end);
    if (tag === undefined || tag.value >= 2 ** 32 || tag.value < 8) return undefined;
    const field = Math.floor(tag.value / 8);
    position = tag.next;
    const wireType = tag.value % 8;
    if (wireType === Wire.VARINT) {
      const value = reader.varint(position, end);
      if (value === undefined) return undefined;
      position = value.next;
    } else if (wireType === Wire.I64 || wireType === Wire.I32) {
      position += wireType === Wire.I64 ? 8 : 4;
      if (position > end) return undefined;
    } else if (wireType === Wire.LEN) {
      const length = reader.varint(position, end);
      if (length === undefined || length.value > end - length.next) return undefined;
      const payload = { start: length.next, end: length.next + length.value };
      const inner: Level | undefined =
        level === 'model' && field === MODEL_GRAPH
          ? 'graph'
          : level === 'graph' && field === GRAPH_INITIALIZER
            ? 'tensor'
            : undefined;
      if (inner !== undefined) {
        const before = cut.any;
        cut.any = false;
        const nested = compact(reader, inner, payload.start, payload.end, cut);
        if (nested === undefined) return undefined;
        if (cut.any) {
          pushFile(out, recordStart, tag.next);
          out.push({ kind: 'bytes', bytes: varintBytes(sizeOf(nested)) }, ...nested);
          position = payload.end;
          cut.any = true;
          continue;
        }
        cut.any = before;
      } else if (level === 'tensor' && field === TENSOR_RAW_DATA && length.value >= LEAVE_IN_FILE_BYTES) {
        pushFile(out, recordStart, tag.next);
        out.push({ kind: 'bytes', bytes: varintBytes(0) }, { kind: 'hole', ...payload });
        position = payload.end;
        cut.any = true;
        continue;
      }
      position = payload.end;
    } else {
      return undefined;
    }
    pushFile(out, recordStart, position);
  }
  return position === end ? out : undefined;
}

/** The model file's bytes (large payloads cut out) and the sources for those payloads. */
export interface SparseModelFile {
  readonly bytes: Uint8Array;
  readonly inline: InlinePayloads | undefined;
}

/** Reads a model file (a regular file), leaving large initializer payloads in it. */
export function readModelFileSparse(path: string): SparseModelFile {
  const { fd, identity } = openChecked(path, undefined);
  try {
    const cut = { any: false };
    const segments = compact(new WindowReader(fd, identity.size), 'model', 0, identity.size, cut);
    const parts: readonly Segment[] =
      segments === undefined || !cut.any ? [{ kind: 'file', start: 0, end: identity.size }] : segments;
    const bytes = new Uint8Array(sizeOf(parts));
    const holes = new Map<number, { start: number; end: number }>();
    let at = 0;
    for (const part of parts) {
      if (part.kind === 'file') {
        readFully(fd, bytes.subarray(at, at + part.end - part.start), part.start);
        at += part.end - part.start;
      } else if (part.kind === 'bytes') {
        bytes.set(part.bytes, at);
        at += part.bytes.length;
      } else {
        holes.set(at, { start: part.start, end: part.end });
      }
    }
    if (holes.size === 0) return { bytes, inline: undefined };
    const file: ContainedFile = { path: resolve(path), identity };
    const label = `bytes in model file '${basename(path)}'`;
    const inline: InlinePayloads = {
      sourceFor(payload: Uint8Array, what?: string): TensorByteSource | undefined {
        if (payload.buffer !== bytes.buffer || payload.byteLength !== 0) return undefined;
        const hole = holes.get(payload.byteOffset - bytes.byteOffset);
        if (hole === undefined) return undefined;
        const named = what === undefined ? label : `${what}: ${label}`;
        return new FileRangeSource(file, hole.start, hole.end - hole.start, named);
      },
    };
    return { bytes, inline };
  } finally {
    closeSync(fd);
  }
}
