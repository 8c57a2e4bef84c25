/**
 * Reading a model file without reading its large initializer payloads (Node only).
 *
 * A first pass walks the file's record structure through a small window (ModelProto.graph → initializer →
 * raw_data) and notes where payloads of at least `LEAVE_IN_FILE_BYTES` lie. The file is then read into a buffer of
 * its full size except those ranges: their pages are never touched, so they cost neither time nor memory (the
 * buffer comes zeroed from the OS). The decoder sees ordinary bytes and asks `InlinePayloads` for a source for
 * each payload that was left out: those tensors read their bytes from the model file when their data is used, or
 * are streamed straight from it to the output when the model is saved.
 *
 * The first pass parses tags and lengths exactly as the decoder does, and stops at the first malformed record
 * (the decoder then reports it), so a range it leaves out is always a `raw_data` payload the decoder will see as
 * one.
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

/** A byte range of the file left unread. */
interface Hole {
  readonly start: number;
  readonly end: number;
}

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
      const got = readSync(this.fd, this.#window, 0, length, position);
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

/** Notes the raw_data payloads worth leaving in the file, under the message at [start, end) of `level`. */
function walk(reader: WindowReader, level: Level, start: number, end: number, holes: Hole[]): boolean {
  let position = start;
  while (position < end) {
    const tag = reader.varint(position, end);
    if (tag === undefined || tag.value >= 2 ** 32 || tag.value < 8) return false;
    const field = Math.floor(tag.value / 8);
    position = tag.next;
    switch (tag.value % 8) {
      case Wire.VARINT: {
        const value = reader.varint(position, end);
        if (value === undefined) return false;
        position = value.next;
        break;
      }
      case Wire.I64:
        position += 8;
        break;
      case Wire.I32:
        position += 4;
        break;
      case Wire.LEN: {
        const length = reader.varint(position, end);
        if (length === undefined || length.value > end - length.next) return false;
        const payload = { start: length.next, end: length.next + length.value };
        if (level === 'model' && field === MODEL_GRAPH) {
          if (!walk(reader, 'graph', payload.start, payload.end, holes)) return false;
        } else if (level === 'graph' && field === GRAPH_INITIALIZER) {
          if (!walk(reader, 'tensor', payload.start, payload.end, holes)) return false;
        } else if (level === 'tensor' && field === TENSOR_RAW_DATA && length.value >= LEAVE_IN_FILE_BYTES) {
          holes.push(payload);
        }
        position = payload.end;
        break;
      }
      default:
        return false;
    }
  }
  return position === end;
}

/** The model file's bytes (payload ranges left unread) and the sources for those payloads. */
export interface SparseModelFile {
  readonly bytes: Uint8Array;
  readonly inline: InlinePayloads | undefined;
}

/** Reads a model file (a regular file), leaving large initializer payloads in it. */
export function readModelFileSparse(path: string): SparseModelFile {
  const { fd, identity } = openChecked(path, undefined);
  try {
    const holes: Hole[] = [];
    walk(new WindowReader(fd, identity.size), 'model', 0, identity.size, holes);
    const bytes = new Uint8Array(identity.size);
    let position = 0;
    for (const hole of [...holes, { start: identity.size, end: identity.size }]) {
      if (hole.start > position) readFully(fd, bytes.subarray(position, hole.start), position);
      position = Math.max(position, hole.end);
    }
    if (holes.length === 0) return { bytes, inline: undefined };
    const file: ContainedFile = { path: resolve(path), identity };
    const label = `initializer bytes in model file '${basename(path)}'`;
    const starts = new Map(holes.map((hole) => [hole.start, hole.end]));
    const inline: InlinePayloads = {
      sourceFor(payload: Uint8Array): TensorByteSource | undefined {
        if (payload.buffer !== bytes.buffer) return undefined;
        const start = payload.byteOffset - bytes.byteOffset;
        if (starts.get(start) !== start + payload.byteLength) return undefined;
        return new FileRangeSource(file, start, payload.byteLength, label);
      },
    };
    return { bytes, inline };
  } finally {
    closeSync(fd);
  }
}
