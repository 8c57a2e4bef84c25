/**
 * A pass made of rewrite rules: applies them in order (in place) and reports every site where one fired or was
 * refused.
 */
import type { Model } from '../../ir/graph.js';
import { applyRules } from '../rewrite/apply.js';
import { formatEvent, type RewriteRule } from '../rewrite/rule.js';
import type { Pass, PassResult } from './pass.js';

/** A pass that applies `rules` in order; `after` may finish the job when a rule fired (and add notes). */
export function rulePass(
  name: string,
  description: string,
  rules: readonly RewriteRule<unknown>[],
  after?: (model: Model) => { readonly modified: boolean; readonly notes: readonly string[] },
): Pass {
  return {
    name,
    description,
    inPlace: true,
    run(model: Model): PassResult {
      const { modified, events } = applyRules(model, rules);
      const fired = events.filter((event) => event.kind === 'fired').length;
      const notes = [`${fired} rewrite(s), ${events.length - fired} site(s) refused`, ...events.map(formatEvent)];
      if (!modified || after === undefined) return { model, modified, notes, events };
      const extra = after(model);
      return { model, modified: modified || extra.modified, notes: [...notes, ...extra.notes], events };
    },
  };
}
