/**
 * Applying rules to a model, as a worklist. Rules run in array order, each until it no longer fires. Every node is
 * tried once as the root of the rule's pattern, in graph order; after a rewrite only the nodes it created or
 * touched, and their neighbours as far as the pattern reaches, are tried again. The scan never restarts, and the
 * type view is updated as rewrites happen rather than recomputed, so the engine's own work is linear in the graph
 * for patterns of bounded size. Replacements are placed where the node order stays topological (order.ts), so a
 * sorted graph is never re-sorted. Every site where a rule fired or was refused is reported, so `--explain` can
 * say where a rewrite did not apply and why. A site whose replacement cannot be typed because the match reads a
 * value of unknown type (after an op sppkit does not implement) is refused with that reason, not an error.
 */
import { hasSubgraphs, outerReads, subgraphsOf } from '../../graph/subgraphs.js';
import type { Model } from '../../ir/graph.js';
import type { Node } from '../../ir/value.js';
import { RuleError } from './errors.js';
import { matchAt, type Match, type MatchEnv } from './match.js';
import { NodeOrder } from './order.js';
import { MatchSession } from './pattern.js';
import type { CheckResult, RewriteRule, RuleContext, RuleEvent } from './rule.js';
import { splice, UntypedSiteError, type SpliceResult } from './splice.js';
import { TypeView } from './type-view.js';

/** Work counters of one `applyRules` call. */
export interface RuleStats {
  /** Times a pattern was matched at a root node whose op fits the pattern's root. */
  readonly attempts: number;
  /** Rewrites done. */
  readonly rewrites: number;
}

/** What `applyRules` returns. */
export interface RuleRun {
  readonly modified: boolean;
  readonly events: RuleEvent[];
  readonly stats: RuleStats;
}

/** Rewrites one rule may do per node of the model (plus a constant): more means it keeps matching its own output. */
const REWRITES_PER_NODE = 8;
const MIN_REWRITE_LIMIT = 10_000;

/** Applies `rules` in order, each until it no longer fires; in place. */
export function applyRules(model: Model, rules: readonly RewriteRule<unknown>[]): RuleRun {
  const graph = model.graph;
  // A graph that comes unsorted is sorted at the end (when changed); a sorted one stays sorted as rewrites go.
  let unordered = !isTopologicallyOrdered(model);
  const order = new NodeOrder(graph);
  const env: MatchEnv = { session: new MatchSession(model.opset), order: (node) => order.rank(node) };
  const types = new TypeView(model);
  const context: RuleContext = { model, typeOf: (value) => types.typeOf(value) };
  const reported = new Set<string>();
  const ids = new WeakMap<Node, number>();
  let nextId = 0;
  const siteKey = (rule: string, nodes: readonly Node[]): string => {
    const keys = nodes.map((node) => {
      const known = ids.get(node);
      if (known !== undefined) return known;
      ids.set(node, (nextId += 1));
      return nextId;
    });
    return `${rule}|${keys.sort((a, b) => a - b).join(',')}`;
  };
  const events: RuleEvent[] = [];
  const refuse = (rule: string, nodes: readonly Node[], detail: string): void => {
    const key = siteKey(rule, nodes);
    if (reported.has(key)) return;
    reported.add(key);
    events.push({ rule, kind: 'refused', where: describeSite(nodes), detail });
  };
  let attempts = 0;
  let rewrites = 0;
  for (const rule of rules) {
    const limit = MIN_REWRITE_LIMIT + REWRITES_PER_NODE * graph.nodes.length;
    const queue = new Worklist(graph.nodes);
    let fired = 0;
    for (let node = queue.take(); node !== undefined; node = queue.take()) {
      if (node.graph !== graph || rule.pattern.root.opOf(node) === undefined) continue;
      attempts += 1;
      const attempt = matchAt(node, rule.pattern, env);
      if (!attempt.ok) {
        for (const problem of attempt.problems) refuse(rule.name, [problem.node], problem.reason);
        continue;
      }
      const match = attempt.match;
      const result = checked(rule, match, context);
      const escape = result.ok ? escapingUse(match) : undefined;
      if (!result.ok || escape !== undefined) {
        if (result.ok || result.quiet !== true)
          refuse(rule.name, match.all, result.ok ? (escape ?? '') : result.reason);
        continue;
      }
      if (fired + 1 > limit)
        throw new RuleError(
          `rule '${rule.name}' fired ${fired + 1} times on ${graph.nodes.length} nodes; ` +
            `it keeps matching its own output`,
        );
      const where = describeSite(match.all);
      const done = rewritten({ model, types, order }, rule, match, result.bindings, fired + 1, where);
      if (done instanceof UntypedSiteError) {
        refuse(rule.name, match.all, done.reason);
        continue;
      }
      fired += 1;
      unordered ||= !done.ordered;
      events.push({ rule: rule.name, kind: 'fired', where, detail: done.detail });
      for (const neighbour of neighbourhood(done.touched, rule.pattern.span - 1, rule.pattern.throughUses))
        queue.add(neighbour);
    }
    rewrites += fired;
  }
  if (rewrites > 0 && unordered) graph.topologicalSort();
  return { modified: rewrites > 0, events, stats: { attempts, rewrites } };
}

/** Taken entries a worklist keeps before it drops them (amortized O(1) per entry). */
const COMPACT_AFTER = 4096;

/** A FIFO of nodes without duplicates; it lets go of the nodes it has handed out. */
class Worklist {
  #items: Node[];
  readonly #queued: Set<Node>;
  #head = 0;

  constructor(nodes: readonly Node[]) {
    this.#items = [...nodes];
    this.#queued = new Set(nodes);
  }

  add(node: Node): void {
    if (this.#queued.has(node)) return;
    this.#queued.add(node);
    this.#items.push(node);
  }

  take(): Node | undefined {
    const node = this.#items[this.#head];
    if (node === undefined) return undefined;
    this.#head += 1;
    this.#queued.delete(node);
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return node;
  }
}

/** The rule's check; an exception from it is an error naming the rule and the site. */
function checked<B>(rule: RewriteRule<B>, match: Match, context: RuleContext): CheckResult<B> {
  try {
    return rule.check(match, context);
  } catch (error) {
    throw failure(rule.name, 'check', describeSite(match.all), error);
  }
}

/**
 * The rule's rewrite, spliced in; an exception from it is an error naming the rule and the site, except the one
 * saying that the site reads a value of unknown type (returned: the site is refused).
 */
function rewritten<B>(
  { model, types, order }: { model: Model; types: TypeView; order: NodeOrder },
  rule: RewriteRule<B>,
  match: Match,
  bindings: B,
  serial: number,
  where: string,
): SpliceResult | UntypedSiteError {
  try {
    return splice(model, types, order, rule, match, bindings, serial);
  } catch (error) {
    if (error instanceof UntypedSiteError) return error;
    throw failure(rule.name, 'rewrite', where, error);
  }
}

function failure(rule: string, phase: string, where: string, error: unknown): RuleError {
  const message = error instanceof Error ? error.message : String(error);
  return new RuleError(`rule '${rule}' failed in its ${phase} at ${where}: ${message}`, { cause: error });
}

function describeSite(nodes: readonly Node[]): string {
  return nodes.map((node) => node.label()).join(', ');
}

/** A value computed inside the match but also used outside it prevents the rewrite; says which. */
function escapingUse(match: Match): string | undefined {
  const inside = new Set(match.all);
  for (const node of match.all) {
    for (const output of node.outputs) {
      if (match.outputs.includes(output)) continue;
      const outside = output.consumers().filter((user) => !inside.has(user));
      if (outside.length > 0)
        return (
          `value '${output.name}' (output of ${node.label()}) is also used by ` +
          `${outside.map((u) => u.label()).join(', ')}, outside the pattern`
        );
      if (output.isGraphOutput()) return `value '${output.name}' (output of ${node.label()}) is a graph output`;
    }
  }
  return undefined;
}

/**
 * The nodes within `depth` steps of `seeds` (seeds included), a step going to a producer or a user of a node's
 * values, and, when the pattern finds nodes through the uses of a bound value, to the other users of its inputs.
 * Any match that contains a seed has its root in there. Breadth-first, without recursion.
 */
function neighbourhood(seeds: Iterable<Node>, depth: number, siblings: boolean): Node[] {
  const seen = new Set<Node>(seeds);
  let frontier = [...seen];
  for (let step = 0; step < depth && frontier.length > 0; step += 1) {
    const following: Node[] = [];
    const visit = (node: Node | null): void => {
      if (node === null || seen.has(node)) return;
      seen.add(node);
      following.push(node);
    };
    for (const node of frontier) {
      for (const input of node.inputs) {
        visit(input?.producer() ?? null);
        if (siblings && input !== null) for (const user of input.consumers()) visit(user);
      }
      for (const output of node.outputs) for (const user of output.consumers()) visit(user);
    }
    frontier = following;
  }
  return [...seen];
}

/** True when every node comes after the producers of its inputs and of its subgraphs' outer reads (one pass). */
function isTopologicallyOrdered(model: Model): boolean {
  const graph = model.graph;
  const placed = new Set<Node>();
  for (const node of graph.nodes) {
    // What a node's subgraphs (If's branches) read from this graph must come before it too.
    const reads = hasSubgraphs(node) ? subgraphsOf(node).flatMap((sub) => [...outerReads(sub)]) : [];
    for (const input of [...node.inputs, ...reads]) {
      const producer = input?.producer() ?? null;
      if (producer !== null && producer.graph === graph && !placed.has(producer)) return false;
    }
    placed.add(node);
  }
  return true;
}
