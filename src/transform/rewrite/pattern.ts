/**
 * Rewrite patterns, written with a builder whose nodes are created from op definitions:
 *
 *   const p = new PatternBuilder();
 *   const x = p.input('x');
 *   const pool = p.op(MaxPool, [x], { where: (attrs) => attrs.kernelShape.length === 2 });
 *   const either = p.anyOf([MaxPool, AveragePool], [x]);
 *   p.outputs(pool);
 *
 * A node handle is typed by its op(s): `match.get(pool).attrs` is MaxPool's parsed attributes. It stands for its
 * first output wherever a pattern value is expected; `pool.output(1)` is another output. `where` constrains the
 * parsed attributes: a node that fails it does not match (silently: it is not a site). Checks that should say why
 * a site is refused belong to the rule's `check`. A node may take extra trailing inputs (`extraInputs`; inputs the
 * op declares optional are always accepted), or a variadic list of inputs that each match one sub-pattern
 * (`p.each(Concat, (item) => item.op(Flatten, [item.op(MaxPool, [item.input('x')])]))`).
 */
import { isDefaultDomain } from '../../ir/graph.js';
import { OpError } from '../../ir/errors.js';
import type { Node } from '../../ir/value.js';
import { parseAttributes, type ParsedAttrs } from '../../ops/core/attributes.js';
import type { OpDef } from '../../ops/core/op.js';
import { RuleError } from './errors.js';

/** The parsed attributes of the op (or ops) `O`. */
export type AttrsOf<O extends OpDef> = ParsedAttrs<O['attributes']>;

/** A graph node as a match sees it: the node, the op definition it matched and its attributes parsed by that op. */
export interface MatchedNode<O extends OpDef = OpDef> {
  readonly node: Node;
  readonly op: O;
  readonly attrs: AttrsOf<O>;
}

/**
 * Narrows a matched node of several possible ops to those among `ops`: its attributes were parsed by the op it
 * matched, so they are that op's.
 */
export function isMatchOf<O extends OpDef>(matched: MatchedNode, ops: readonly O[]): matched is MatchedNode<O> {
  return ops.some((op) => op === matched.op);
}

/** Whether a graph node may stand for a pattern node: yes (parsed), no, or no with a reason worth reporting. */
export type Admission<O extends OpDef = OpDef> =
  { readonly ok: true; readonly matched: MatchedNode<O> } | { readonly ok: false; readonly reason: string | null };

/** One run of matching over one model: the opset attributes are parsed with, and the identity caches hang on. */
export class MatchSession {
  constructor(readonly opset: number) {}
}

/** A wildcard: matches any value; the same name must match the same value everywhere in a pattern. */
export class Wildcard {
  readonly kind = 'wildcard';
  constructor(readonly name: string) {}
}

/** Output `index` of a pattern node. */
export class NodeOutput {
  readonly kind = 'output';
  constructor(
    readonly node: PatternNode,
    readonly index: number,
  ) {}
}

/** A value in a pattern: a wildcard, a node (its first output) or another output of a node. */
export type PatternValue = Wildcard | PatternNode | NodeOutput;

/** Each actual input of a variadic pattern node matches `pattern` (whose one output stands for that input). */
export interface RepeatedInput {
  readonly pattern: Pattern;
  /** Fewest actual inputs accepted. */
  readonly min: number;
}

/** Options of a pattern node. */
export interface PatternNodeOptions<O extends OpDef> {
  /** A constraint on the parsed attributes (and the node); a node that fails it does not match. */
  readonly where?: (attrs: AttrsOf<O>, node: Node) => boolean;
  /** Accept graph nodes with more inputs than listed, even where the op does not declare them optional. */
  readonly extraInputs?: boolean;
}

/** One node of a pattern; a typed handle for `Match.get`. */
export class PatternNode<O extends OpDef = OpDef> {
  readonly kind = 'node';
  /** Decides admission; `O` only in its result, so a handle of one op is a handle of `OpDef`. */
  readonly #decide: (session: MatchSession, node: Node) => Admission<O>;
  /** Admissions per session and node: attributes are parsed once per node and handle. */
  readonly #admissions = new WeakMap<MatchSession, WeakMap<Node, Admission<O>>>();
  /** Accept extra trailing inputs beyond those the op declares optional. */
  readonly extraInputs: boolean;

  constructor(
    /** The op definitions a graph node may have. */
    readonly ops: readonly O[],
    readonly inputs: readonly PatternValue[],
    /** Instead of `inputs`: every actual input matches this sub-pattern. */
    readonly repeated: RepeatedInput | null,
    options: PatternNodeOptions<O>,
  ) {
    if (ops.length === 0) throw new RuleError('pattern: a node needs at least one op');
    const where = options.where;
    this.#decide = (session, node) => {
      const op = this.opOf(node);
      if (op === undefined) return { ok: false, reason: null };
      const parsed = parseOrReason(op, node, session.opset);
      if (typeof parsed === 'string') return { ok: false, reason: parsed };
      if (where !== undefined && !where(parsed, node)) return { ok: false, reason: null };
      return { ok: true, matched: { node, op, attrs: parsed } };
    };
    this.extraInputs = options.extraInputs ?? false;
  }

  /** Output `index` of this node as a pattern value. */
  output(index: number): NodeOutput {
    return new NodeOutput(this, index);
  }

  /** Op types, for messages (`MaxPool|AveragePool`). */
  describe(): string {
    return this.ops.map((op) => op.opType).join('|');
  }

  /** The op definition `node` has among this node's, if any. */
  opOf(node: Node): O | undefined {
    return this.ops.find(
      (op) =>
        op.opType === node.opType && (op.domain === '' ? isDefaultDomain(node.domain) : op.domain === node.domain),
    );
  }

  /**
   * Whether `node` may stand for this pattern node in `session`: its op is one of ours, its attributes parse with
   * the session's opset, and `where` holds. Cached per session and node.
   */
  admit(session: MatchSession, node: Node): Admission<O> {
    let cache = this.#admissions.get(session);
    if (cache === undefined) {
      cache = new WeakMap();
      this.#admissions.set(session, cache);
    }
    const known = cache.get(node);
    if (known !== undefined) return known;
    const admission = this.#decide(session, node);
    cache.set(node, admission);
    return admission;
  }
}

/** The attributes of `node` parsed by `op` at `opset`, or why they do not parse. */
function parseOrReason<O extends OpDef>(op: O, node: Node, opset: number): AttrsOf<O> | string {
  try {
    return parseAttributes(op.attributes, node.attributes, { node, opset });
  } catch (error) {
    // Only the schema's own refusals become a reason; anything else is a bug and propagates.
    if (error instanceof OpError && error.code === 'E_ATTR') return error.message;
    throw error;
  }
}

/** A variadic pattern node and the handles its item callback returned (for `Match.items` and `Match.get`). */
export class RepeatedNode<O extends OpDef, R> extends PatternNode<O> {
  constructor(
    ops: readonly O[],
    repeated: RepeatedInput,
    /** What the item callback returned: use its handles with each item match. */
    readonly item: R,
    options: PatternNodeOptions<O>,
  ) {
    super(ops, [], repeated, options);
  }
}

/** A finished pattern. */
export interface Pattern {
  /** Every node, in the order written (sub-pattern nodes are in their own patterns). */
  readonly nodes: readonly PatternNode[];
  /** The values a replacement must provide, in order; the first is a node output (the match's root). */
  readonly outputs: readonly PatternValue[];
  /** The node of the first output: every match is found starting there. */
  readonly root: PatternNode;
  /** Names of the wildcards (sub-patterns' included). */
  readonly wildcards: readonly string[];
  /** Pattern nodes, sub-patterns included: no two nodes of a match are farther apart than this minus one. */
  readonly span: number;
  /** True when some pattern nodes are found through the uses of a bound value, not backwards from the root. */
  readonly throughUses: boolean;
}

/** What an item callback of `each` returns: the item's value, or the value with named handles. */
export type ItemResult = PatternValue | { readonly output: PatternValue };

/** The pattern node a value refers to and the output index (wildcards: undefined). */
export function producerOf(value: PatternValue): { node: PatternNode; index: number } | undefined {
  if (value.kind === 'wildcard') return undefined;
  if (value.kind === 'output') return { node: value.node, index: value.index };
  return { node: value, index: 0 };
}

/** Builds a pattern; node methods take op definitions (`p.op(MaxPool, [x])`). */
export class PatternBuilder {
  readonly #nodes: PatternNode[] = [];
  readonly #wildcards: string[] = [];
  #outputs: PatternValue[] = [];

  /** A wildcard named `name` (shared by name with `each` items). */
  input(name: string): Wildcard {
    if (!this.#wildcards.includes(name)) this.#wildcards.push(name);
    return new Wildcard(name);
  }

  /** A node of `op` on `inputs`; the handle stands for its first output. */
  op<O extends OpDef>(op: O, inputs: readonly PatternValue[], options: PatternNodeOptions<O> = {}): PatternNode<O> {
    return this.anyOf([op], inputs, options);
  }

  /** A node of any of `ops` on `inputs`; `match.get(handle).attrs` is the union of their attributes. */
  anyOf<O extends OpDef>(
    ops: readonly O[],
    inputs: readonly PatternValue[],
    options: PatternNodeOptions<O> = {},
  ): PatternNode<O> {
    const node = new PatternNode(ops, inputs, null, options);
    this.#nodes.push(node);
    return node;
  }

  /**
   * A node of `op` whose every input matches the value `item` builds (on a fresh builder whose wildcards are
   * shared with this one by name). `item` may return `{ output, ...handles }`; the handles are `node.item`.
   */
  each<O extends OpDef, R extends ItemResult>(
    op: O,
    item: (builder: PatternBuilder) => R,
    options: PatternNodeOptions<O> & { readonly min?: number } = {},
  ): RepeatedNode<O, R> {
    const sub = new PatternBuilder();
    const result = item(sub);
    sub.outputs(itemValue(result));
    const pattern = sub.build();
    for (const name of pattern.wildcards) if (!this.#wildcards.includes(name)) this.#wildcards.push(name);
    const node = new RepeatedNode([op], { pattern, min: options.min ?? 1 }, result, options);
    this.#nodes.push(node);
    return node;
  }

  /** Declares the pattern's outputs (the values a replacement must provide, in order). */
  outputs(...values: PatternValue[]): void {
    this.#outputs = values;
  }

  /** The finished pattern. */
  build(): Pattern {
    const [first] = this.#outputs;
    const root = first === undefined ? undefined : producerOf(first);
    if (root === undefined) throw new RuleError('pattern: the first output must be a node output');
    // Nodes not reached backwards from the root are found through the uses of bound values.
    const reached = new Set<PatternNode>();
    const stack = [root.node];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (reached.has(node)) continue;
      reached.add(node);
      for (const input of node.inputs) {
        const ref = producerOf(input);
        if (ref !== undefined) stack.push(ref.node);
      }
    }
    const span = this.#nodes.reduce((total, node) => total + 1 + (node.repeated?.pattern.span ?? 0), 0);
    const throughUses = this.#nodes.some((node) => !reached.has(node) || node.repeated?.pattern.throughUses === true);
    return {
      nodes: [...this.#nodes],
      outputs: [...this.#outputs],
      root: root.node,
      wildcards: [...this.#wildcards],
      span,
      throughUses,
    };
  }
}

function itemValue(result: ItemResult): PatternValue {
  if (result instanceof Wildcard || result instanceof PatternNode || result instanceof NodeOutput) return result;
  return result.output;
}
