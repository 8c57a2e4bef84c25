/**
 * ONNX external data (TensorProto.data_location = EXTERNAL): parsing and writing the `external_data` entries,
 * and laying out large initializers in one side file. Browser-safe: reading and writing files is left to readers
 * and writers in io-node.ts (see `fileExternalData`).
 */
import type { TensorByteSource } from '../ir/tensor.js';
import type { StringStringEntryMsg, WireBytes } from './proto-types.js';
import { EncodedBytes, type Piece } from './wire-write.js';

/** Reads external data for the decoder. */
export interface ExternalDataReader {
  /** Reads `length` bytes (or the rest of the file when undefined) at `offset` of the file `location`. */
  read(location: string, offset: number, length: number | undefined): Uint8Array;
  /**
   * When present, the decoder calls this instead of `read`: it checks the file and the range now (throwing when they
   * may not be used) and returns a source that reads the bytes only when the tensor's data is used. `what` names
   * the tensor (`graph 'main' initializer 'w'`) for the errors the source may raise then.
   */
  open?(location: string, offset: number, length: number | undefined, what?: string): TensorByteSource;
}

/**
 * Payloads that a loader left in the model file: the bytes given to the decoder hold an empty `raw_data` in their
 * place, and the decoder asks for the source to read them from instead.
 */
export interface InlinePayloads {
  /** The source of the bytes a `raw_data` view (into the decoded buffer) stands for, when they were left out. */
  sourceFor(payload: Uint8Array, what?: string): TensorByteSource | undefined;
}

/** Where a tensor's bytes live, from its `external_data` entries. */
export interface ExternalRef {
  readonly location: string;
  readonly offset: number;
  readonly length: number | undefined;
}

/** Parses `external_data` entries; returns a problem description instead of throwing. */
export function parseExternalRef(entries: readonly StringStringEntryMsg[]): ExternalRef | string {
  let location: string | undefined;
  let offset = 0;
  let length: number | undefined;
  for (const entry of entries) {
    const key = entry.key ?? '';
    const value = entry.value ?? '';
    if (key === 'location') location = value;
    else if (key === 'offset' || key === 'length') {
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
        return `external_data ${key} '${value}' is not a byte count`;
      if (key === 'offset') offset = Number(value);
      else length = Number(value);
    }
  }
  if (location === undefined || location === '') return 'external_data has no location';
  const problem = locationProblem(location);
  if (problem !== undefined) return problem;
  return { location, offset, length };
}

/** Why a location may not be used (absolute, or escaping the model's folder), or undefined when it is fine. */
export function locationProblem(location: string): string | undefined {
  if (location.startsWith('/') || location.startsWith('\\') || /^[A-Za-z]:/.test(location)) {
    return `external data location '${location}' must be relative to the model's folder`;
  }
  if (location.split(/[\\/]/).includes('..')) return `external data location '${location}' leaves the model's folder`;
  if (location.includes('\0')) return `external data location '${location}' contains a NUL character`;
  return undefined;
}

/** Options for writing large initializers to a side file. */
export interface ExternalDataOptions {
  /** Initializers with at least this many bytes of data go to the side file (default 1024). */
  readonly threshold?: number;
  /** Side file name, relative to the model file (default `<model>.data`, chosen by the caller). */
  readonly location: string;
  /** Start each tensor at a multiple of this many bytes (default 1: packed). */
  readonly alignment?: number;
}

/** Default size from which an initializer goes to external data. */
export const DEFAULT_EXTERNAL_THRESHOLD = 1024;

/** One tensor placed in the side file. */
export interface ExternalPlacement {
  readonly payload: WireBytes;
  readonly offset: number;
}

/**
 * Lays out tensor bytes in a side file and hands out their `external_data` entries. Nothing is copied: the side
 * file is a list of pieces (payload views, pending sources, zero padding) written out by the caller.
 */
export class ExternalDataWriter {
  readonly #pieces: Piece[] = [];
  readonly #placements: ExternalPlacement[] = [];
  #size = 0;

  constructor(readonly options: ExternalDataOptions) {}

  /** True when a tensor of `byteLength` bytes should go to the side file. */
  wants(byteLength: number): boolean {
    return byteLength >= (this.options.threshold ?? DEFAULT_EXTERNAL_THRESHOLD);
  }

  /** Places `payload` (after alignment padding) and returns the entries that point at it. */
  append(payload: WireBytes): StringStringEntryMsg[] {
    const alignment = Math.max(1, Math.floor(this.options.alignment ?? 1));
    const padding = (alignment - (this.#size % alignment)) % alignment;
    if (padding > 0) this.#push(new Uint8Array(padding));
    const offset = this.#size;
    this.#push(payload);
    this.#placements.push({ payload, offset });
    return [
      { key: 'location', value: this.options.location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(payload.byteLength) },
    ];
  }

  /** Every tensor placed so far, with its offset. */
  get placements(): readonly ExternalPlacement[] {
    return this.#placements;
  }

  /** The side file's contents as pieces. */
  parts(): EncodedBytes {
    return new EncodedBytes([...this.#pieces], this.#size);
  }

  /** The side file's contents in one buffer. */
  finish(): Uint8Array {
    return this.parts().toBytes();
  }

  #push(piece: Piece): void {
    this.#pieces.push(piece);
    this.#size += piece.byteLength;
  }
}
