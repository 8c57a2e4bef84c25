/**
 * Rewrite rules: a typed pattern, a check that accepts (returning its bindings) or refuses (returning why), and a
 * replacement written with the ordinary GraphBuilder on a scratch graph, which the engine splices in (apply.ts).
 *
 *   const p = new PatternBuilder();
 *   const x = p.input('x');
 *   const pool = p.op(MaxPool, [x], { where: (attrs) => attrs.kernelShape.length === 2 });
 *   p.outputs(pool);
 *   const rule: RewriteRule<{ k: number }> = {
 *     name: 'example', description: '...', pattern: p.build(),
 *     check: (match) => {
 *       const { attrs, node } = match.get(pool);
 *       return attrs.ceilMode === 0 ? accept({ k: attrs.kernelShape[0] ?? 1 }) : refuse(`${node.label()} ...`);
 *     },
 *     rewrite: (r, match, { k }) => r.like(match.get(pool), [r.use(match.value(x))], { kernelShape: [k, 1] }),
 *   };
 *
 * A check never throws to refuse: it returns `refuse(reason)` (or `skip(reason)` for a site not worth reporting).
 * An exception from a check or a rewrite is a real error, reported with the rule's name.
 */
import type { GraphBuilder } from '../../graph/builder.js';
import type { Model } from '../../ir/graph.js';
import type { TensorType, Value } from '../../ir/value.js';
import type { OpDef } from '../../ops/core/op.js';
import type { Match } from './match.js';
import type { AttrsOf, MatchedNode, Pattern } from './pattern.js';
import type { TypeFact } from './type-view.js';

/** A refusal: why a site was not rewritten. `quiet`: not a near miss worth reporting (e.g. the rule's own output). */
export interface Refusal {
  readonly ok: false;
  readonly reason: string;
  readonly quiet?: boolean;
}

/** What a rule's check says: apply with these bindings, or not, and why. */
export type CheckResult<B> = { readonly ok: true; readonly bindings: B } | Refusal;

/** Accepts a site with `bindings` (passed to `rewrite`, never stored on the rule). */
export function accept<B>(bindings: B): CheckResult<B> {
  return { ok: true, bindings };
}

/** Refuses a site, saying why (reported by `--explain`). */
export function refuse(reason: string): Refusal {
  return { ok: false, reason };
}

/** Refuses a site without reporting it. */
export function skip(reason: string): Refusal {
  return { ok: false, reason, quiet: true };
}

/** The signal `refusing` turns into a refusal; never escapes it. */
class RefusalSignal extends Error {}

/**
 * Runs `read`, which reports problems through a `fail(reason)` callback (as the op layer's geometry helpers do),
 * and returns its value, or the refusal `fail` was called with. Other exceptions propagate.
 */
export function refusing<T>(
  read: (fail: (reason: string) => never) => T,
): { readonly ok: true; readonly value: T } | Refusal {
  try {
    return {
      ok: true,
      value: read((reason) => {
        throw new RefusalSignal(reason);
      }),
    };
  } catch (error) {
    if (error instanceof RefusalSignal) return refuse(error.message);
    throw error;
  }
}

/** What a rule's `rewrite` writes its replacement with. */
export interface Replacement {
  /** A builder on a scratch graph at the model's opset; what it builds is spliced into the model. */
  readonly b: GraphBuilder;
  /** The scratch stand-in for a value of the model (optionally seen with another type, e.g. dynamic H/W). */
  use(value: Value, type?: TensorType): Value;
  /**
   * A copy of a matched node (same op and attributes) on scratch inputs, with typed attribute `overrides`
   * serialized through the op's schema (a value equal to the default, or undefined, removes the attribute).
   */
  like<O extends OpDef>(
    matched: MatchedNode<O>,
    inputs: readonly (Value | null)[],
    overrides?: Partial<AttrsOf<O>>,
  ): Value[];
}

/** What a check sees besides the match. */
export interface RuleContext {
  readonly model: Model;
  /** A value's type: the declared one, else what inference gives; or why it is not known. */
  typeOf(value: Value): TypeFact;
}

/** A rewrite rule. `B` is what `check` hands to `rewrite`. */
export interface RewriteRule<B> {
  readonly name: string;
  readonly description: string;
  readonly pattern: Pattern;
  /** Decides whether the match may be rewritten. Pure: must not edit the model. */
  check(match: Match, context: RuleContext): CheckResult<B>;
  /** Builds the values that replace the pattern's outputs, in order. */
  rewrite(replacement: Replacement, match: Match, bindings: B): readonly Value[];
}

/** One site where a rule fired or was refused. */
export interface RuleEvent {
  readonly rule: string;
  readonly kind: 'fired' | 'refused';
  /** The matched nodes, e.g. `MaxPool node '/m.0/MaxPool', MaxPool node '/m.1/MaxPool'`. */
  readonly where: string;
  /** What was done, or why not. */
  readonly detail: string;
}

/** Text of a rule event for notes and `--explain`. */
export function formatEvent(event: RuleEvent): string {
  return `${event.rule}: ${event.kind} at ${event.where}: ${event.detail}`;
}
