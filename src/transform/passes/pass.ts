/**
 * Passes: named model transformations with a stated contract, run by one runner.
 */
import { SppkitError } from '../../ir/errors.js';
import type { Model } from '../../ir/graph.js';
import type { RuleEvent } from '../rewrite/rule.js';

/** What a pass returns. */
export interface PassResult {
  /** The resulting model (the same object for in-place passes). */
  readonly model: Model;
  /** Whether anything changed. */
  readonly modified: boolean;
  /** Human-readable notes: where a rule fired, and why it did not elsewhere. */
  readonly notes: readonly string[];
  /** Rewrite passes: every site where a rule fired or was refused, and why (for `--explain`). */
  readonly events?: readonly RuleEvent[];
}

/** What the runner records per pass. */
export interface PassRecord {
  readonly pass: string;
  readonly modified: boolean;
  readonly notes: readonly string[];
  readonly events: readonly RuleEvent[];
}

/** A named pass. In-place passes mutate and return their input model; functional ones return a new model. */
export interface Pass {
  readonly name: string;
  readonly description: string;
  readonly inPlace: boolean;
  run(model: Model): PassResult;
}

/** A pass failed; the message names the pass. */
export class PassError extends SppkitError {
  constructor(
    readonly pass: string,
    readonly failure: unknown,
  ) {
    super('E_PASS', `pass '${pass}' failed: ${failure instanceof Error ? failure.message : String(failure)}`);
  }
}

/** Runs passes in order, checking each one's contract and wrapping its errors with its name. */
export function runPasses(model: Model, passes: readonly Pass[]): { model: Model; results: PassRecord[] } {
  const results: PassRecord[] = [];
  let current = model;
  for (const pass of passes) {
    let result: PassResult;
    try {
      result = pass.run(current);
    } catch (error) {
      throw new PassError(pass.name, error);
    }
    if (pass.inPlace && result.model !== current)
      throw new PassError(pass.name, new Error('an in-place pass returned a different model'));
    if (!pass.inPlace && result.modified && result.model === current)
      throw new PassError(pass.name, new Error('a functional pass modified its input model'));
    results.push({ pass: pass.name, modified: result.modified, notes: result.notes, events: result.events ?? [] });
    current = result.model;
  }
  return { model: current, results };
}
