/**
 * Rewrite rules: a pattern, a check that accepts (returning its bindings) or refuses (returning why), and a
 * replacement written with the ordinary GraphBuilder on a scratch graph, which the engine splices in. Rules are
 * applied in array order; every site where a rule fired or was refused is reported, so `--explain` can say where
 * a rewrite did not apply and why.
 *
 * The engine keeps everything a rule did not touch: untouched nodes, values and initializers are never
 * recreated. The values that replace a pattern's outputs take over their names (so graph outputs keep theirs),
 * and nodes or initializers that fed only the replaced nodes (Constant shapes, BatchNorm parameters) go with them.
 */
import type { Attribute } from '../../ir/attribute.js';
import { GraphBuilder } from '../../graph/builder.js';
import type { Graph, Model } from '../../ir/graph.js';
import { inferNodeTypes, mergeTypes } from '../passes/infer-shapes.js';
import type { Node, TensorType, Value } from '../../ir/value.js';
import { findMatches, type Match } from './match.js';
import type { Pattern } from './pattern.js';

/** What a rule's check says: apply with these bindings, or not, and why. */
export type CheckResult<B> =
  | { readonly ok: true; readonly bindings: B }
  /** `quiet`: the site is not a near miss worth reporting (e.g. the rule's own output). */
  | { readonly ok: false; readonly reason: string; readonly quiet?: boolean };

/** Accepts a site with `bindings` (passed to `rewrite`, never stored on the rule). */
export function accept<B>(bindings: B): CheckResult<B> {
  return { ok: true, bindings };
}

/** Refuses a site, saying why (reported by `--explain`). */
export function refuse(reason: string): { readonly ok: false; readonly reason: string } {
  return { ok: false, reason };
}

/** Refuses a site without reporting it. */
export function skip(reason: string): { readonly ok: false; readonly reason: string; readonly quiet: true } {
  return { ok: false, reason, quiet: true };
}

/** What a rule's `rewrite` writes its replacement with. */
export interface Replacement {
  /** A builder on a scratch graph at the model's opset; what it builds is spliced into the model. */
  readonly b: GraphBuilder;
  /** The scratch stand-in for a value of the model (optionally seen with another type, e.g. dynamic H/W). */
  use(value: Value, type?: TensorType): Value;
  /** A copy of a model node (same op, attributes with `overrides` applied) on scratch inputs; its outputs. */
  like(node: Node, inputs: readonly (Value | null)[], overrides?: ReadonlyMap<string, Attribute>): Value[];
}

/** What a check sees besides the match. */
export interface RuleContext {
  readonly model: Model;
  /** A value's type: the declared one, else what inference gives (without storing it on the value). */
  typeOf(value: Value): TensorType | null;
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

const MAX_REWRITES_PER_RULE = 10_000;

function describeSite(match: Match): string {
  return match.all.map((node) => node.label()).join(', ');
}

/** A value computed inside the match but also used outside it prevents the rewrite; says which. */
function escapingUse(match: Match): string | undefined {
  const inside = new Set(match.all);
  for (const node of match.all) {
    for (const output of node.outputs) {
      if (match.outputs.includes(output)) continue;
      const outside = output.consumers().filter((user) => !inside.has(user));
      if (outside.length > 0)
        return `value '${output.name}' (output of ${node.label()}) is also used by ${outside.map((u) => u.label()).join(', ')}, outside the pattern`;
      if (output.isGraphOutput()) return `value '${output.name}' (output of ${node.label()}) is a graph output`;
    }
  }
  return undefined;
}

/** Types of every value as inference sees them, without storing them (a node that cannot be inferred gives null). */
function typeView(model: Model): (value: Value) => TensorType | null {
  const types = new Map<Value, TensorType | null>();
  const typeOf = (value: Value): TensorType | null => value.type ?? types.get(value) ?? null;
  for (const node of model.graph.nodes) {
    if (node.outputs.every((output) => output.type !== null)) continue;
    let inferred: (TensorType | null)[] = [];
    try {
      inferred = inferNodeTypes(node, model.opset, typeOf);
    } catch {
      // Unknown ops or untyped inputs: their outputs stay untyped.
    }
    node.outputs.forEach((output, index) =>
      types.set(output, mergeTypes(output.type, inferred[index] ?? null) ?? output.type),
    );
  }
  return typeOf;
}

/** Applies `rules` in order until none fires any more; returns whether the model changed and every event. */
export function applyRules(
  model: Model,
  rules: readonly RewriteRule<unknown>[],
): { modified: boolean; events: RuleEvent[] } {
  const graph = model.graph;
  const events: RuleEvent[] = [];
  const refused = new Set<string>();
  let modified = false;
  for (const rule of rules) {
    for (let round = 0; round < MAX_REWRITES_PER_RULE; round += 1) {
      let fired = false;
      const context: RuleContext = { model, typeOf: typeView(model) };
      for (const match of findMatches(graph, rule.pattern)) {
        const key = `${rule.name}|${match.all
          .map((node) => node.name)
          .sort()
          .join('|')}`;
        const result = rule.check(match, context);
        const escape = result.ok ? escapingUse(match) : undefined;
        if (!result.ok || escape !== undefined) {
          const reason = result.ok ? (escape ?? '') : result.reason;
          const quiet = !result.ok && result.quiet === true;
          if (!quiet && !refused.has(key))
            events.push({ rule: rule.name, kind: 'refused', where: describeSite(match), detail: reason });
          refused.add(key);
          continue;
        }
        const where = describeSite(match);
        const detail = splice(context, rule, match, result.bindings);
        events.push({ rule: rule.name, kind: 'fired', where, detail });
        modified = true;
        fired = true;
        break;
      }
      if (!fired) break;
    }
  }
  if (modified) graph.topologicalSort();
  return { modified, events };
}

/** Builds the replacement on a scratch graph and splices it into the model in place of the match. */
function splice<B>(context: RuleContext, rule: RewriteRule<B>, match: Match, bindings: B): string {
  const model = context.model;
  const graph = model.graph;
  const scratch = new GraphBuilder({ opset: model.opset, name: `${rule.name}-replacement` });
  const toHost = new Map<Value, Value>();
  const fromHost = new Map<Value, Value>();
  const replacement: Replacement = {
    b: scratch,
    use(value: Value, type?: TensorType): Value {
      const known = type === undefined ? fromHost.get(value) : undefined;
      if (known !== undefined) return known;
      const stand = scratch.graph.addInput(scratch.graph.uniqueName(value.name), type ?? context.typeOf(value));
      stand.constValue = value.constValue;
      toHost.set(stand, value);
      if (type === undefined) fromHost.set(value, stand);
      return stand;
    },
    like(node: Node, inputs: readonly (Value | null)[], overrides?: ReadonlyMap<string, Attribute>): Value[] {
      const attributes = new Map(node.attributes);
      for (const [name, attribute] of overrides ?? []) attributes.set(name, attribute);
      const copy = scratch.graph.addNode({
        opType: node.opType,
        domain: node.domain,
        inputs,
        outputs: node.outputs.length,
        attributes,
        name: node.opType,
      });
      const types = inferNodeTypes(copy, model.opset);
      copy.outputs.forEach((output, index) => {
        output.type = types[index] ?? null;
      });
      return [...copy.outputs];
    },
  };
  const results = rule.rewrite(replacement, match, bindings);
  if (results.length !== match.outputs.length)
    throw new Error(
      `rule '${rule.name}' returned ${results.length} values for ${match.outputs.length} pattern outputs`,
    );
  const root = match.all[match.all.length - 1];
  const prefix = root === undefined || root.name === '' ? rule.name : `${root.name}/${rule.name}`;
  for (const init of scratch.graph.initializers.values()) {
    if (init.constValue === null) continue;
    toHost.set(init, graph.addInitializer(graph.uniqueName(`${prefix}/${init.name}`), init.constValue));
  }
  // A node that computes a pattern output is named after the node it replaces; the others after the root.
  const replaces = new Map<Value, Node | null>(
    results.map((value, index) => [value, match.outputs[index]?.producer() ?? null]),
  );
  const created = new Set<Value>();
  for (const node of scratch.graph.nodes) {
    const inputs = node.inputs.map((value) => (value === null ? null : hostValue(toHost, value, rule.name)));
    const replaced = node.outputs
      .map((output) => replaces.get(output))
      .find((old) => old !== undefined && old !== null && old.name !== '');
    const name =
      replaced === undefined || replaced === null ? `${prefix}/${node.name}` : `${replaced.name}/${rule.name}`;
    const hostNode = graph.addNode({
      opType: node.opType,
      domain: node.domain,
      inputs,
      outputs: node.outputs.map((v) => `${prefix}/${v.name}`),
      attributes: node.attributes,
      name,
    });
    hostNode.outputs.forEach((output, index) => {
      output.type = node.outputs[index]?.type ?? null;
      const scratchValue = node.outputs[index];
      if (scratchValue !== undefined) toHost.set(scratchValue, output);
      created.add(output);
    });
  }
  const feeders = new Set(match.all.flatMap((node) => node.inputs.filter((v): v is Value => v !== null)));
  const renames: { value: Value; name: string; type: TensorType | null }[] = [];
  match.outputs.forEach((old, index) => {
    const result = results[index];
    if (result === undefined) return;
    const neu = hostValue(toHost, result, rule.name);
    if (old.isGraphOutput() && !created.has(neu))
      throw new Error(`rule '${rule.name}' replaced graph output '${old.name}' by an existing value`);
    old.replaceAllUsesWith(neu);
    if (created.has(neu))
      renames.push({ value: neu, name: old.name, type: old.isGraphOutput() || neu.isGraphOutput() ? old.type : null });
  });
  for (const node of [...match.all].reverse()) graph.removeNode(node);
  for (const { value, name, type } of renames) {
    if (graph.lookup(name) === undefined) graph.renameValue(value, name);
    const merged = type === null ? value.type : mergeTypes(type, value.type);
    if (merged !== undefined) value.type = merged;
  }
  removeDeadFeeders(graph, feeders);
  return `replaced ${match.all.length} node(s) with ${scratch.graph.nodes.length} (${opSummary(scratch.graph)})`;
}

function hostValue(toHost: ReadonlyMap<Value, Value>, value: Value, rule: string): Value {
  const host = toHost.get(value);
  if (host === undefined)
    throw new Error(
      `rule '${rule}': replacement value '${value.name}' is not an input, constant or node output of the replacement`,
    );
  return host;
}

function opSummary(graph: Graph): string {
  const counts = new Map<string, number>();
  for (const node of graph.nodes) counts.set(node.opType, (counts.get(node.opType) ?? 0) + 1);
  return [...counts].map(([op, n]) => (n === 1 ? op : `${op}×${n}`)).join(', ') || 'no nodes';
}

/** Removes nodes and initializers that fed only the replaced nodes (and are now unused), transitively. */
function removeDeadFeeders(graph: Graph, feeders: ReadonlySet<Value>): void {
  const stack = [...feeders];
  while (stack.length > 0) {
    const value = stack.pop();
    if (
      value === undefined ||
      value.graph !== graph ||
      value.uses().length > 0 ||
      value.isGraphOutput() ||
      value.isGraphInput()
    )
      continue;
    const producer = value.producer();
    if (producer === null) {
      if (graph.initializers.get(value.name) === value) graph.removeInitializer(value);
      continue;
    }
    if (producer.outputs.some((output) => output.uses().length > 0 || output.isGraphOutput())) continue;
    const inputs = producer.inputs.filter((v): v is Value => v !== null);
    graph.removeNode(producer);
    stack.push(...inputs);
  }
}
