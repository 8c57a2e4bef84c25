/**
 * Errors of the rewrite engine: a malformed pattern, a rule whose check or rewrite throws, a replacement that
 * does not fit its pattern. A refused site is not an error: a check returns its reason.
 */
import { SppkitError } from '../../ir/errors.js';

/** A rule or pattern failed; the message names the rule and, where there is one, the site. */
export class RuleError extends SppkitError {
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super('E_RULE', message);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
