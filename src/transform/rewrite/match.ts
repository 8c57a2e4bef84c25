/**
 * Pattern matching over a graph. A match starts at a node of the pattern's first output, walks producers
 * backwards (binding wildcards), then reaches the pattern nodes that hang off values already bound (for
 * example the other pools of three parallel pools on one input) through those values' uses. Each graph node
 * matches at most one pattern node. Matching backtracks over candidates and returns the first complete match.
 */
import type { Graph } from '../../ir/graph.js';
import type { Node, Value } from '../../ir/value.js';
import type { Pattern, PatternNode, PatternValue } from './pattern.js';

/** The default-domain spellings. */
const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);

/** A match of a pattern in a graph. */
export interface Match {
  /** Pattern node name → graph node. */
  readonly nodes: ReadonlyMap<string, Node>;
  /** Wildcard name → graph value. */
  readonly values: ReadonlyMap<string, Value>;
  /** Variadic pattern node name → one sub-match per actual input, in input order. */
  readonly items: ReadonlyMap<string, readonly Match[]>;
  /** The graph values that stand for the pattern's outputs, in order. */
  readonly outputs: readonly Value[];
  /** Every graph node of the match (sub-matches included), in graph order. */
  readonly all: readonly Node[];
}

interface State {
  readonly nodes: Map<PatternNode, Node>;
  readonly values: Map<string, Value>;
  readonly used: Set<Node>;
  readonly items: Map<string, Match[]>;
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

function matchValue(
  pattern: PatternValue,
  value: Value | null | undefined,
  state: State,
  outerInputs: ReadonlySet<string>,
): State | null {
  if (value === null || value === undefined) return null;
  if (pattern.kind === 'input') {
    const bound = state.values.get(pattern.name);
    if (bound !== undefined) return bound === value ? state : null;
    const next = clone(state);
    next.values.set(pattern.name, value);
    return next;
  }
  const producer = value.producer();
  if (producer === null || producer.outputs[pattern.index] !== value) return null;
  return matchNode(pattern.node, producer, state, outerInputs);
}

function matchNode(pattern: PatternNode, node: Node, state: State, outerInputs: ReadonlySet<string>): State | null {
  const existing = state.nodes.get(pattern);
  if (existing !== undefined) return existing === node ? state : null;
  if (state.used.has(node) || !DEFAULT_DOMAINS.has(node.domain) || !pattern.opTypes.includes(node.opType)) return null;
  let next: State | null = clone(state);
  next.nodes.set(pattern, node);
  next.used.add(node);
  if (pattern.repeated !== null) {
    if (node.inputs.length < pattern.repeated.min) return null;
    const items: Match[] = [];
    for (const input of node.inputs) {
      const item = matchItem(pattern.repeated.pattern, input, next, outerInputs);
      if (item === null) return null;
      next = item.state;
      items.push(item.match);
    }
    next.items.set(pattern.name, items);
    return next;
  }
  if (
    node.inputs.length < pattern.inputs.length ||
    (!pattern.extraInputs && node.inputs.length > pattern.inputs.length)
  )
    return null;
  for (const [index, input] of pattern.inputs.entries()) {
    next = matchValue(input, node.inputs[index], next, outerInputs);
    if (next === null) return null;
  }
  return next;
}

/** Matches the pattern nodes not reached backwards, through the uses of values that are already bound. */
function complete(pattern: Pattern, state: State, outerInputs: ReadonlySet<string>): State | null {
  const pending = pattern.nodes.find((node) => !state.nodes.has(node) && boundInput(node, state) !== undefined);
  if (pending === undefined) return pattern.nodes.every((node) => state.nodes.has(node)) ? state : null;
  const { value, index } = boundInput(pending, state) ?? { value: null, index: -1 };
  const candidates =
    value === null
      ? []
      : value
          .uses()
          .filter((use) => use.index === index)
          .map((use) => use.node);
  for (const candidate of candidates) {
    const next = matchNode(pending, candidate, state, outerInputs);
    const done = next === null ? null : complete(pattern, next, outerInputs);
    if (done !== null) return done;
  }
  return null;
}

function boundInput(node: PatternNode, state: State): { value: Value; index: number } | undefined {
  for (const [index, input] of node.inputs.entries()) {
    const value =
      input.kind === 'input' ? state.values.get(input.name) : state.nodes.get(input.node)?.outputs[input.index];
    if (value !== undefined) return { value, index };
  }
  return undefined;
}

function toMatch(pattern: Pattern, state: State, graphOrder: ReadonlyMap<Node, number>): Match {
  const nodes = new Map([...state.nodes].map(([patternNode, node]) => [patternNode.name, node] as const));
  const outputs = pattern.outputs.map((output) => {
    const value =
      output.kind === 'input' ? state.values.get(output.name) : state.nodes.get(output.node)?.outputs[output.index];
    if (value === undefined) throw new Error('pattern: an output was not bound by the match');
    return value;
  });
  const all = [...state.used].sort((a, b) => (graphOrder.get(a) ?? 0) - (graphOrder.get(b) ?? 0));
  return { nodes, values: state.values, items: state.items, outputs, all };
}

function matchItem(
  pattern: Pattern,
  value: Value | null,
  outer: State,
  outerInputs: ReadonlySet<string>,
): { state: State; match: Match } | null {
  const [output] = pattern.outputs;
  if (output === undefined) return null;
  const start: State = { ...emptyState(), values: new Map(outer.values), used: new Set(outer.used) };
  const matched = matchValue(output, value, start, outerInputs);
  const done = matched === null ? null : complete(pattern, matched, outerInputs);
  if (done === null) return null;
  const next = clone(outer);
  for (const node of done.used) next.used.add(node);
  for (const name of outerInputs) {
    const bound = done.values.get(name);
    if (bound !== undefined) next.values.set(name, bound);
  }
  const order = new Map(value?.graph?.nodes.map((node, i) => [node, i] as const) ?? []);
  return { state: next, match: toMatch(pattern, done, order) };
}

/** Every match of `pattern` in `graph`, one per node of the pattern's first output (in graph order). */
export function findMatches(graph: Graph, pattern: Pattern): Match[] {
  const [first] = pattern.outputs;
  if (first === undefined || first.kind !== 'output')
    throw new Error('pattern: the first output must be a node output');
  const outerInputs = new Set(pattern.inputs);
  const order = new Map(graph.nodes.map((node, i) => [node, i] as const));
  const found: Match[] = [];
  for (const node of graph.nodes) {
    if (node.outputs[first.index] === undefined) continue;
    const state = matchNode(first.node, node, emptyState(), outerInputs);
    const done = state === null ? null : complete(pattern, state, outerInputs);
    if (done !== null) found.push(toMatch(pattern, done, order));
  }
  return found;
}

/** Matches `pattern` with its first output at `node` (undefined when it does not match there). */
export function matchAt(node: Node, pattern: Pattern): Match | undefined {
  const [first] = pattern.outputs;
  const graph = node.graph;
  if (first === undefined || first.kind !== 'output' || graph === null) return undefined;
  const outerInputs = new Set(pattern.inputs);
  const state = matchNode(first.node, node, emptyState(), outerInputs);
  const done = state === null ? null : complete(pattern, state, outerInputs);
  return done === null ? undefined : toMatch(pattern, done, new Map(graph.nodes.map((n, i) => [n, i] as const)));
}
