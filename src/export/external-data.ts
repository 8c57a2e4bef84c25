/**
 * ONNX external data (TensorProto.data_location = EXTERNAL): parsing and writing the `external_data` entries,
 * and collecting large initializers into one side buffer. Browser-safe: reading files is left to a reader
 * (see `fileExternalData` in io-node.ts).
 */
import type { StringStringEntryMsg } from './proto-types.js';

/** Reads `length` bytes (or the rest of the file when undefined) at `offset` of the file `location`. */
export interface ExternalDataReader {
  read(location: string, offset: number, length: number | undefined): Uint8Array;
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

/** Accumulates tensor bytes for a side file and hands out their `external_data` entries. */
export class ExternalDataWriter {
  readonly #chunks: Uint8Array[] = [];
  #size = 0;

  constructor(readonly options: ExternalDataOptions) {}

  /** True when a tensor of `byteLength` bytes should go to the side file. */
  wants(byteLength: number): boolean {
    return byteLength >= (this.options.threshold ?? DEFAULT_EXTERNAL_THRESHOLD);
  }

  /** Appends `bytes` (after alignment padding) and returns the entries that point at them. */
  append(bytes: Uint8Array): StringStringEntryMsg[] {
    const alignment = Math.max(1, Math.floor(this.options.alignment ?? 1));
    const padding = (alignment - (this.#size % alignment)) % alignment;
    if (padding > 0) this.#push(new Uint8Array(padding));
    const offset = this.#size;
    this.#push(bytes);
    return [
      { key: 'location', value: this.options.location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(bytes.length) },
    ];
  }

  /** The side file's contents. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.#size);
    let at = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  #push(bytes: Uint8Array): void {
    this.#chunks.push(bytes);
    this.#size += bytes.length;
  }
}
