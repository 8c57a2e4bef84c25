/**
 * UTF-8 conversion for protobuf `bytes` fields that ONNX uses as strings (attribute `s`, `string_data`).
 */

const lenient = new TextDecoder('utf-8');
const strict = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Bytes → text, replacing invalid sequences with U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string {
  return lenient.decode(bytes);
}

/** Bytes → text, or undefined when the bytes are not valid UTF-8 (so the caller can keep the bytes). */
export function utf8DecodeStrict(bytes: Uint8Array): string | undefined {
  try {
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Text → UTF-8 bytes. */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}
