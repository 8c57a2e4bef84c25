/**
 * Test helpers for the export layer: where the shared golden data is, and a minimal protobuf writer for
 * hand-built bytes (independent of the schema under test).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `../shared/golden` next to the repository. */
export const GOLDEN_DIR = resolve(fileURLToPath(new URL('../../', import.meta.url)), '..', 'shared', 'golden');

/** True when the shared golden folder exists; warns visibly when it does not. */
export function haveGolden(suite: string): boolean {
  const present = existsSync(GOLDEN_DIR);
  if (!present) console.warn(`[${suite}] skipped: ${GOLDEN_DIR} is absent`);
  return present;
}

/** Every file under `dir` whose name ends with `suffix`, sorted. */
export function findFiles(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder).sort()) {
      const path = join(folder, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith(suffix)) found.push(path);
    }
  };
  walk(dir);
  return found;
}

/** Wire types. */
export const WT = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;

/** Builds protobuf bytes field by field (values written exactly as given). */
export class ProtoBytes {
  readonly #bytes: number[] = [];

  /** Appends a raw varint (BigInt for 64-bit values; negatives as two's complement). */
  varint(value: number | bigint): this {
    let rest = BigInt.asUintN(64, BigInt(value));
    do {
      const low = Number(rest & 0x7fn);
      rest >>= 7n;
      this.#bytes.push(rest > 0n ? low | 0x80 : low);
    } while (rest > 0n);
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint((field << 3) | wireType);
  }

  /** Field with a varint value. */
  int(field: number, value: number | bigint): this {
    return this.tag(field, WT.VARINT).varint(value);
  }

  /** Field with a length-delimited payload. */
  bytes(field: number, payload: Uint8Array | readonly number[]): this {
    this.tag(field, WT.LEN).varint(payload.length);
    this.#bytes.push(...payload);
    return this;
  }

  string(field: number, text: string): this {
    return this.bytes(field, new TextEncoder().encode(text));
  }

  message(field: number, inner: ProtoBytes): this {
    return this.bytes(field, inner.finish());
  }

  /** Field 32-bit float (wire type I32). */
  float(field: number, value: number): this {
    const data = new DataView(new ArrayBuffer(4));
    data.setFloat32(0, value, true);
    this.tag(field, WT.I32);
    for (let i = 0; i < 4; i += 1) this.#bytes.push(data.getUint8(i));
    return this;
  }

  /** Packed field of little-endian fixed-width values made by `write`. */
  packedFixed(
    field: number,
    width: number,
    values: readonly number[],
    write: (view: DataView, at: number, value: number) => void,
  ): this {
    const data = new DataView(new ArrayBuffer(width * values.length));
    values.forEach((value, i) => write(data, i * width, value));
    return this.bytes(field, new Uint8Array(data.buffer));
  }

  /** Packed field of varints. */
  packedVarints(field: number, values: readonly (number | bigint)[]): this {
    const inner = new ProtoBytes();
    for (const value of values) inner.varint(value);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}
