/**
 * Errors of the export layer that are not about reading bytes (those are `DecodeError`s, in src/ir/errors.ts).
 */
import { SppkitError } from '../ir/errors.js';

/** A model that cannot be written as asked: over protobuf's 2 GiB limit inline, or an unusable output location. */
export class EncodeError extends SppkitError {
  constructor(message: string) {
    super('E_ENCODE', message);
  }
}
