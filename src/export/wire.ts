/**
 * int64 helpers shared by the codecs: the reader gives int64 fields as a number below 2^53 and as the unsigned
 * 64-bit bigint above; `toBigInt` turns either into the field's signed (or unsigned) value.
 */
import type { WireInt64 } from './proto-types.js';

/** An int64 field value as a BigInt (signed unless `unsigned`). */
export function toBigInt(value: WireInt64 | undefined, unsigned = false): bigint {
  if (value === undefined) return 0n;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  return unsigned ? BigInt.asUintN(64, value) : BigInt.asIntN(64, value);
}
