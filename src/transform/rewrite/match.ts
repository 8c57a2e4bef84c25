/**
 * Pattern matching over a graph. A match starts at a node of the pattern's first output (the root), walks
 * producers backwards (binding wildcards), then reaches the pattern nodes that hang off values already bound (for
 * example the other pools of three parallel pools on one input) through those values' uses. Each graph node
 * matches at most one pattern node. Matching backtracks over candidates and returns the first complete match.
 * The recursion follows the pattern, never the graph: its depth is bounded by the pattern's size.
 */
import type { Graph } from '../../ir/graph.js';
import type { Node, Value } from '../../ir/value.js';
import type { OpDef } from '../../ops/core/op.js';
import { RuleError } from './errors.js';
import {
  MatchSession,
  producerOf,
  type MatchedNode,
  type Pattern,
  type PatternNode,
  type PatternValue,
  type RepeatedNode,
} from './pattern.js';

/** A match of a pattern in a graph, read through the pattern's handles. */
export interface Match {
  /** The graph node matched by `handle`, with the op it matched and its attributes parsed by that op. */
  get<O extends OpDef>(handle: PatternNode<O>): MatchedNode<O>;
  /** The graph value bound to a wildcard, or standing for a pattern node's output. */
  value(value: PatternValue): Value;
  /** One sub-match per actual input of a variadic pattern node, in input order. */
  items<O extends OpDef, R>(handle: RepeatedNode<O, R>): readonly Match[];
  /** The graph values that stand for the pattern's outputs, in order. */
  readonly outputs: readonly Value[];
  /** Every graph node of the match (sub-matches included), in graph order. */
  readonly all: readonly Node[];
}

/** A node whose attributes the schema refused while matching, and why. */
export interface MatchProblem {
  readonly node: Node;
  readonly reason: string;
}

/** The outcome of matching at one root: a match, or none (with the nodes whose attributes did not parse). */
export type MatchAttempt =
  { readonly ok: true; readonly match: Match } | { readonly ok: false; readonly problems: readonly MatchProblem[] };

/** Where matching happens: the session (opset, caches) and the graph order of nodes (for `Match.all`). */
export interface MatchEnv {
  readonly session: MatchSession;
  readonly order: (node: Node) => number;
}

interface State {
  readonly nodes: Map<PatternNode, Node>;
  readonly values: Map<string, Value>;
  readonly used: Set<Node>;
  readonly items: Map<PatternNode, Match[]>;
}

interface Search {
  readonly env: MatchEnv;
  readonly problems: MatchProblem[];
  /** The graph of the root node: a match never reaches into another graph (a subgraph that reads its values). */
  readonly graph: Graph | null;
}

class MatchResult implements Match {
  readonly #session: MatchSession;
  readonly #nodes: ReadonlyMap<PatternNode, Node>;
  readonly #values: ReadonlyMap<string, Value>;
  readonly #items: ReadonlyMap<PatternNode, readonly Match[]>;

  constructor(
    session: MatchSession,
    state: State,
    readonly outputs: readonly Value[],
    readonly all: readonly Node[],
  ) {
    this.#session = session;
    this.#nodes = state.nodes;
    this.#values = state.values;
    this.#items = state.items;
  }

  get<O extends OpDef>(handle: PatternNode<O>): MatchedNode<O> {
    const node = this.#nodes.get(handle);
    if (node === undefined) throw new RuleError(`pattern node ${handle.describe()} is not part of this match`);
    const admission = handle.admit(this.#session, node);
    if (!admission.ok) throw new RuleError(`internal: ${node.label()} was matched but is not admitted`);
    return admission.matched;
  }

  value(value: PatternValue): Value {
    const bound = boundValue(value, this.#nodes, this.#values);
    if (bound === undefined) {
      const what = value.kind === 'wildcard' ? `wildcard '${value.name}'` : `an output of a pattern node`;
      throw new RuleError(`${what} is not bound by this match`);
    }
    return bound;
  }

  items<O extends OpDef, R>(handle: RepeatedNode<O, R>): readonly Match[] {
    const items = this.#items.get(handle);
    if (items === undefined) throw new RuleError(`pattern node ${handle.describe()} is not part of this match`);
    return items;
  }
}

function boundValue(
  value: PatternValue,
  nodes: ReadonlyMap<PatternNode, Node>,
  values: ReadonlyMap<string, Value>,
): Value | undefined {
  if (value.kind === 'wildcard') return values.get(value.name);
  const ref = producerOf(value);
  return ref === undefined ? undefined : nodes.get(ref.node)?.outputs[ref.index];
}

function clone(state: State): State {
  return {
    nodes: new Map(state.nodes),
    values: new Map(state.values),
    used: new Set(state.used),
    items: new Map(state.items),
  };
}

function emptyState(): State {
  return { nodes: new Map(), values: new Map(), used: new Set(), items: new Map() };
}

function matchValue(pattern: PatternValue, value: Value | null | undefined, state: State, search: Search) {
  if (value === null || value === undefined) return null;
  if (pattern.kind === 'wildcard') {
    const bound = state.values.get(pattern.name);
    if (bound !== undefined) return bound === value ? state : null;
    const next = clone(state);
    next.values.set(pattern.name, value);
    return next;
  }
  const ref = producerOf(pattern);
  const producer = value.producer();
  if (ref === undefined || producer === null || producer.outputs[ref.index] !== value) return null;
  return matchNode(ref.node, producer, state, search);
}

/** True when the actual inputs past the pattern's listed ones are allowed (declared optional, or `extraInputs`). */
function extraInputsAllowed(pattern: PatternNode, op: OpDef, node: Node): boolean {
  if (pattern.extraInputs) return true;
  const last = op.inputs[op.inputs.length - 1];
  for (let index = pattern.inputs.length; index < node.inputs.length; index += 1) {
    const formal = op.inputs[index] ?? (last?.variadic === true ? last : undefined);
    if (formal === undefined || (formal.optional !== true && formal.variadic !== true)) return false;
  }
  return true;
}

function matchNode(pattern: PatternNode, node: Node, state: State, search: Search): State | null {
  const existing = state.nodes.get(pattern);
  if (existing !== undefined) return existing === node ? state : null;
  if (state.used.has(node) || node.graph !== search.graph) return null;
  const admission = pattern.admit(search.env.session, node);
  if (!admission.ok) {
    if (admission.reason !== null) search.problems.push({ node, reason: admission.reason });
    return null;
  }
  let next: State | null = clone(state);
  next.nodes.set(pattern, node);
  next.used.add(node);
  if (pattern.repeated !== null) {
    if (node.inputs.length < pattern.repeated.min) return null;
    const items: Match[] = [];
    for (const input of node.inputs) {
      const item = matchItem(pattern.repeated.pattern, input, next, search);
      if (item === null) return null;
      next = item.state;
      items.push(item.match);
    }
    next.items.set(pattern, items);
    return next;
  }
  if (node.inputs.length < pattern.inputs.length || !extraInputsAllowed(pattern, admission.matched.op, node))
    return null;
  for (const [index, input] of pattern.inputs.entries()) {
    next = matchValue(input, node.inputs[index], next, search);
    if (next === null) return null;
  }
  return next;
}

/** Matches the pattern nodes not reached backwards, through the uses of values that are already bound. */
function complete(pattern: Pattern, state: State, search: Search): State | null {
  const pending = pattern.nodes.find((node) => !state.nodes.has(node) && boundInput(node, state) !== undefined);
  if (pending === undefined) return pattern.nodes.every((node) => state.nodes.has(node)) ? state : null;
  const bound = boundInput(pending, state);
  if (bound === undefined) return null;
  for (const use of bound.value.uses()) {
    if (use.index !== bound.index) continue;
    const next = matchNode(pending, use.node, state, search);
    const done = next === null ? null : complete(pattern, next, search);
    if (done !== null) return done;
  }
  return null;
}

function boundInput(node: PatternNode, state: State): { value: Value; index: number } | undefined {
  for (const [index, input] of node.inputs.entries()) {
    const value = boundValue(input, state.nodes, state.values);
    if (value !== undefined) return { value, index };
  }
  return undefined;
}

function toMatch(pattern: Pattern, state: State, env: MatchEnv): Match {
  const outputs = pattern.outputs.map((output) => {
    const value = boundValue(output, state.nodes, state.values);
    if (value === undefined) throw new RuleError('pattern: an output was not bound by the match');
    return value;
  });
  const all = [...state.used].sort((a, b) => env.order(a) - env.order(b));
  return new MatchResult(env.session, state, outputs, all);
}

function matchItem(
  pattern: Pattern,
  value: Value | null,
  outer: State,
  search: Search,
): { state: State; match: Match } | null {
  const [output] = pattern.outputs;
  if (output === undefined) return null;
  const start: State = { ...emptyState(), values: new Map(outer.values), used: new Set(outer.used) };
  const matched = matchValue(output, value, start, search);
  const done = matched === null ? null : complete(pattern, matched, search);
  if (done === null) return null;
  const next = clone(outer);
  for (const node of done.used) next.used.add(node);
  for (const [name, bound] of done.values) next.values.set(name, bound);
  return { state: next, match: toMatch(pattern, done, search.env) };
}

/** Matches `pattern` with its root at `node`. */
export function matchAt(node: Node, pattern: Pattern, env: MatchEnv): MatchAttempt {
  const search: Search = { env, problems: [], graph: node.graph };
  const state = matchNode(pattern.root, node, emptyState(), search);
  const done = state === null ? null : complete(pattern, state, search);
  if (done === null) return { ok: false, problems: search.problems };
  return { ok: true, match: toMatch(pattern, done, env) };
}

/** Every match of `pattern` in `graph` at `opset`, one per root node (in graph order); for tests and tools. */
export function findMatches(graph: Graph, pattern: Pattern, opset: number): Match[] {
  const positions = new Map(graph.nodes.map((node, index) => [node, index] as const));
  const env: MatchEnv = { session: new MatchSession(opset), order: (node) => positions.get(node) ?? -1 };
  const found: Match[] = [];
  for (const node of graph.nodes) {
    const attempt = matchAt(node, pattern, env);
    if (attempt.ok) found.push(attempt.match);
  }
  return found;
}
