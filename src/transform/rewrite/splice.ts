/**
 * Splicing a replacement into the model. The rule builds its replacement with the ordinary GraphBuilder on a
 * scratch graph; the engine copies those nodes into the model, rewires the uses of the pattern's outputs, and
 * removes the matched nodes (and the nodes or initializers that fed only them: Constant shapes, BatchNorm
 * parameters). Everything else is kept as it is: untouched nodes, values and initializers are never recreated.
 * The values that replace a pattern's outputs take over their names, so graph outputs keep theirs.
 *
 * A replacement is typed as it is built. When building it fails and the match reads a value whose type is unknown
 * (it comes from an op sppkit does not implement, and the model declares nothing), the site cannot be rewritten
 * safely: `UntypedSiteError` says so, before anything in the model changed, and the engine refuses the site.
 */
import { GraphBuilder } from '../../graph/builder.js';
import { copySubgraph, hasSubgraphs, ownerIn } from '../../graph/subgraphs.js';
import type { Attribute } from '../../ir/attribute.js';
import { SppkitError } from '../../ir/errors.js';
import type { Graph, Model } from '../../ir/graph.js';
import type { Node, TensorType, Value } from '../../ir/value.js';
import type { AttrSchema } from '../../ops/core/attributes.js';
import type { OpDef } from '../../ops/core/op.js';
import { inferNodeTypes, mergeTypes } from '../passes/infer-shapes.js';
import { RuleError } from './errors.js';
import type { Match } from './match.js';
import type { AttrsOf, MatchedNode } from './pattern.js';
import type { Replacement, RewriteRule } from './rule.js';
import type { NodeOrder } from './order.js';
import type { TypeView } from './type-view.js';

/** Building a replacement failed for want of the type of a value the match reads; the model is unchanged. */
export class UntypedSiteError extends SppkitError {
  constructor(readonly reason: string) {
    super('E_RULE', reason);
  }
}

/** What a splice did: its note, the nodes it created, and the nodes around it whose neighbourhood changed. */
export interface SpliceResult {
  readonly detail: string;
  readonly created: readonly Node[];
  /** False when the replacement could not be placed where the node order stays topological (it was appended). */
  readonly ordered: boolean;
  /** Created nodes, the users of the replacement values, and the producers of the values the match read. */
  readonly touched: ReadonlySet<Node>;
}

/**
 * Builds the replacement on a scratch graph and splices it into the model in place of the match. `serial` numbers
 * the rule's rewrites: it names what replaces unnamed nodes, so names stay unique without searching.
 */
export function splice<B>(
  model: Model,
  types: TypeView,
  order: NodeOrder,
  rule: RewriteRule<B>,
  match: Match,
  bindings: B,
  serial: number,
): SpliceResult {
  const graph = model.graph;
  const scratch = new GraphBuilder({ opset: model.opset, name: `${rule.name}-replacement` });
  const toHost = new Map<Value, Value>();
  const fromHost = new Map<Value, Value>();
  const replacement: Replacement = {
    b: scratch,
    use(value: Value, type?: TensorType): Value {
      const known = type === undefined ? fromHost.get(value) : undefined;
      if (known !== undefined) return known;
      const stand = scratch.graph.addInput(scratch.graph.uniqueName(value.name), type ?? knownType(types, value));
      stand.constValue = value.constValue;
      toHost.set(stand, value);
      if (type === undefined) fromHost.set(value, stand);
      return stand;
    },
    like<O extends OpDef>(matched: MatchedNode<O>, inputs: readonly (Value | null)[], overrides?: Partial<AttrsOf<O>>) {
      const node = matched.node;
      const attributes = new Map(node.attributes);
      const schema: AttrSchema = matched.op.attributes;
      const entries: [string, unknown][] = Object.entries(overrides ?? {});
      for (const [key, value] of entries) {
        const spec = schema[key];
        if (spec === undefined)
          throw new RuleError(
            `rule '${rule.name}': ${matched.op.opType} has no attribute '${key}' (for ${node.label()})`,
          );
        if (
          (spec.since !== undefined && model.opset < spec.since) ||
          (spec.until !== undefined && model.opset > spec.until)
        )
          throw new RuleError(
            `rule '${rule.name}': attribute '${spec.onnxName}' of ${node.label()} ` +
              `does not exist at opset ${model.opset}`,
          );
        const attribute = spec.serialize(value);
        if (attribute === undefined) attributes.delete(spec.onnxName);
        else attributes.set(spec.onnxName, attribute);
      }
      const copy = scratch.graph.addNode({
        opType: node.opType,
        domain: node.domain,
        inputs,
        outputs: node.outputs.length,
        attributes,
        name: node.opType,
      });
      const inferred = inferNodeTypes(copy, model.opset);
      copy.outputs.forEach((output, index) => {
        output.type = inferred[index] ?? null;
      });
      return [...copy.outputs];
    },
  };
  let results: readonly Value[];
  try {
    results = rule.rewrite(replacement, match, bindings);
  } catch (error) {
    const untyped = untypedRead(types, match);
    if (untyped === undefined || !(error instanceof SppkitError) || error instanceof RuleError) throw error;
    throw new UntypedSiteError(`${untyped}; the replacement cannot be typed without it (${error.message})`);
  }
  if (results.length !== match.outputs.length)
    throw new RuleError(
      `rule '${rule.name}' returned ${results.length} values for ${match.outputs.length} pattern outputs`,
    );
  const root = match.all[match.all.length - 1];
  const prefix = root === undefined || root.name === '' ? `${rule.name}_${serial}` : `${root.name}/${rule.name}`;
  for (const init of scratch.graph.initializers.values()) {
    if (init.constValue === null) continue;
    toHost.set(init, graph.addInitializer(graph.uniqueName(`${prefix}/${init.name}`), init.constValue));
  }
  const place = placement(graph, order, match, [...toHost.values()], scratch.graph.nodes.length);
  // A node that computes a pattern output is named after the node it replaces; the others after the root.
  const replaces = new Map<Value, Node | null>(
    results.map((value, index) => [value, match.outputs[index]?.producer() ?? null]),
  );
  const createdValues = new Set<Value>();
  const created: Node[] = [];
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
      attributes: hostAttributes(node, graph, (value) => hostValue(toHost, value, rule.name)),
      name,
      ...(place.before === undefined ? {} : { before: place.before }),
    });
    hostNode.outputs.forEach((output, index) => {
      const scratchValue = node.outputs[index];
      output.type = scratchValue?.type ?? null;
      if (scratchValue !== undefined) toHost.set(scratchValue, output);
      createdValues.add(output);
    });
    created.push(hostNode);
  }
  order.commit(created, place.ranks, place.before);
  const feeders = new Set(match.all.flatMap((node) => node.inputs.filter((v): v is Value => v !== null)));
  const renames: { value: Value; name: string; type: TensorType | null }[] = [];
  const replacements: Value[] = [];
  match.outputs.forEach((old, index) => {
    const result = results[index];
    if (result === undefined) return;
    const neu = hostValue(toHost, result, rule.name);
    if (old.isGraphOutput() && !createdValues.has(neu))
      throw new RuleError(`rule '${rule.name}' replaced graph output '${old.name}' by an existing value`);
    old.replaceAllUsesWith(neu);
    replacements.push(neu);
    if (createdValues.has(neu))
      renames.push({ value: neu, name: old.name, type: old.isGraphOutput() || neu.isGraphOutput() ? old.type : null });
  });
  removeMatched(graph, match.all);
  for (const { value, name, type } of renames) {
    if (graph.lookup(name) === undefined) graph.renameValue(value, name);
    const merged = type === null ? value.type : mergeTypes(type, value.type);
    if (merged !== undefined) value.type = merged;
  }
  const touched = new Set<Node>(created);
  for (const value of replacements) for (const user of value.consumers()) touched.add(user);
  for (const producer of removeDeadFeeders(graph, feeders)) touched.add(producer);
  types.invalidate(replacements);
  const summary =
    `replaced ${match.all.length} node(s) with ${scratch.graph.nodes.length} ` + `(${opSummary(scratch.graph)})`;
  return { detail: summary, created, touched, ordered: place.ordered };
}

/**
 * Where the replacement's nodes go: right before the first node (in graph order) that reads a pattern output (or
 * holds a subgraph that does), or at the end when none does, provided every model value the replacement reads is
 * computed before that point. So the node order stays topological and the graph never needs re-sorting. When that
 * is not possible (a value the replacement reads is computed after a reader of the outputs, or no rank room is
 * left), they are appended and `ordered` is false.
 */
function placement(
  graph: Graph,
  order: NodeOrder,
  match: Match,
  reads: readonly Value[],
  count: number,
): { before: Node | undefined; ranks: readonly number[]; ordered: boolean } {
  const inside = new Set(match.all);
  let before: Node | undefined;
  for (const output of match.outputs)
    for (const reader of output.consumers()) {
      // A node of a subgraph (If's branch) reads through the node of this graph that holds it.
      const user = ownerIn(graph, reader);
      if (user === undefined || inside.has(user)) continue;
      if (before === undefined || order.rank(user) < order.rank(before)) before = user;
    }
  const limit = before === undefined ? Infinity : order.rank(before);
  const readable = reads.every((value) => {
    const producer = value.producer();
    return producer === null || producer.graph !== graph || order.rank(producer) < limit;
  });
  const ranks = readable ? order.place(count, before) : undefined;
  if (ranks !== undefined) return { before, ranks, ordered: true };
  return { before: undefined, ranks: order.place(count, undefined) ?? [], ordered: false };
}

/** Removes the matched nodes, users before producers (the engine's node order need not be topological). */
function removeMatched(graph: Graph, nodes: readonly Node[]): void {
  const remaining = new Set(nodes);
  while (remaining.size > 0) {
    const free = [...remaining].find((node) =>
      node.outputs.every((output) => output.consumers().every((user) => !remaining.has(user))),
    );
    if (free === undefined)
      throw new RuleError(`the matched nodes ${[...remaining].map((n) => n.label()).join(', ')} form a cycle`);
    graph.removeNode(free);
    remaining.delete(free);
  }
}

/** `input 'x' has no known type: <why>` for the first value the match reads from outside whose type is unknown. */
function untypedRead(types: TypeView, match: Match): string | undefined {
  const inside = new Set(match.all);
  for (const node of match.all) {
    for (const input of node.inputs) {
      const producer = input?.producer() ?? null;
      if (input === null || (producer !== null && inside.has(producer))) continue;
      const fact = types.typeOf(input);
      if (!fact.known) return `input '${input.name}' has no known type: ${fact.why}`;
    }
  }
  return undefined;
}

function knownType(types: TypeView, value: Value): TensorType | null {
  const fact = types.typeOf(value);
  return fact.known ? fact.type : null;
}

function hostValue(toHost: ReadonlyMap<Value, Value>, value: Value, rule: string): Value {
  const host = toHost.get(value);
  if (host === undefined)
    throw new RuleError(
      `rule '${rule}': replacement value '${value.name}' is not an input, constant or node output of the replacement`,
    );
  return host;
}

/**
 * A replacement node's attributes for the host: its subgraphs (If's branches) copied into the host's scope, their
 * reads of replacement values rewired to the host's values; other attributes as they are.
 */
function hostAttributes(node: Node, host: Graph, toHost: (value: Value) => Value): Map<string, Attribute> {
  if (!hasSubgraphs(node)) return node.attributes;
  const attributes = new Map<string, Attribute>();
  for (const [name, attribute] of node.attributes) {
    if (attribute.kind === 'graph')
      attributes.set(name, { ...attribute, value: copySubgraph(attribute.value, host, toHost) });
    else if (attribute.kind === 'graphs')
      attributes.set(name, { ...attribute, value: attribute.value.map((sub) => copySubgraph(sub, host, toHost)) });
    else attributes.set(name, attribute);
  }
  return attributes;
}

function opSummary(graph: Graph): string {
  const counts = new Map<string, number>();
  for (const node of graph.nodes) counts.set(node.opType, (counts.get(node.opType) ?? 0) + 1);
  return [...counts].map(([op, n]) => (n === 1 ? op : `${op}×${n}`)).join(', ') || 'no nodes';
}

/**
 * Removes nodes and initializers that fed only the replaced nodes (and are now unused), transitively; returns the
 * producers, still in the graph, of the values whose uses changed.
 */
function removeDeadFeeders(graph: Graph, feeders: ReadonlySet<Value>): Set<Node> {
  const stack = [...feeders];
  const producers = new Set<Node>();
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === undefined || value.graph !== graph) continue;
    const producer = value.producer();
    if (value.uses().length > 0 || value.isGraphOutput() || value.isGraphInput()) {
      if (producer !== null) producers.add(producer);
      continue;
    }
    if (producer === null) {
      if (graph.initializers.get(value.name) === value) graph.removeInitializer(value);
      continue;
    }
    if (producer.outputs.some((output) => output.uses().length > 0 || output.isGraphOutput())) {
      producers.add(producer);
      continue;
    }
    const inputs = producer.inputs.filter((v): v is Value => v !== null);
    producers.delete(producer);
    graph.removeNode(producer);
    stack.push(...inputs);
  }
  return producers;
}
