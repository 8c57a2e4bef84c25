/**
 * Keeping protobuf fields the IR does not model: they are stored as their encoded field records
 * (`PreservedField`) and written back when the message is encoded again.
 */
import type protobuf from 'protobufjs';
import type { PreservedField } from '../ir/value.js';
import { decodeChecked } from './wire.js';

/** Encodes the listed (repeated message) fields of a decoded message as preserved field records. */
export function preserveFields(type: protobuf.Type, msg: object, fields: readonly string[]): PreservedField[] {
  const preserved: PreservedField[] = [];
  for (const name of fields) {
    const values: unknown = Reflect.get(msg, name);
    const field = type.fields[name];
    if (field === undefined || !Array.isArray(values) || values.length === 0) continue;
    preserved.push({ fieldNumber: field.id, bytes: type.encode({ [name]: values }).finish() });
  }
  return preserved;
}

/**
 * Puts preserved field records back into a message object before it is encoded: the records are a valid
 * encoding of a partial message of `type`, so they are decoded and their repeated fields appended.
 */
export function restoreFields(type: protobuf.Type, preserved: readonly PreservedField[], target: object): void {
  if (preserved.length === 0) return;
  const bytes = concatBytes(preserved.map((field) => field.bytes));
  const decoded = decodeChecked(type, bytes, `preserved ${type.name} fields`);
  for (const [name, field] of Object.entries(type.fields)) {
    const values = listOf(Reflect.get(decoded, name));
    if (!field.repeated || values.length === 0) continue;
    Reflect.set(target, name, [...listOf(Reflect.get(target, name)), ...values]);
  }
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? Array.from<unknown>(value) : [];
}

/** Concatenates byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
