/**
 * Subgraphs: graphs held in node attributes (If's `then_branch`/`else_branch`). A subgraph's nodes may read values
 * of the enclosing graphs directly (the IR links them like any other input; `Graph.lookup` resolves names
 * outward), so the values a subgraph reads from outside are uses of the node that holds it: these helpers find
 * them, walk nested graphs, name values so that no enclosing name is shadowed, copy a subgraph into another scope,
 * and discard one without leaving uses behind.
 */
import type { Attribute } from '../ir/attribute.js';
import { Graph } from '../ir/graph.js';
import type { Node, Value } from '../ir/value.js';

/** The graphs a node holds in its attributes (`graph` and `graphs` kinds), in attribute order. */
export function subgraphsOf(node: Node): Graph[] {
  return [...node.attributes.values()].flatMap((attribute) =>
    attribute.kind === 'graph' ? [attribute.value] : attribute.kind === 'graphs' ? [...attribute.value] : [],
  );
}

/** True when the node holds a subgraph. */
export function hasSubgraphs(node: Node): boolean {
  for (const attribute of node.attributes.values())
    if (attribute.kind === 'graph' || (attribute.kind === 'graphs' && attribute.value.length > 0)) return true;
  return false;
}

/** Every node of `graph` and of the subgraphs nested in it, depth-first (a node before its subgraphs' nodes). */
export function nodesDeep(graph: Graph): Node[] {
  const found: Node[] = [];
  // Recursion follows the nesting of subgraphs, which is shallow; within a graph, nodes are a loop.
  const visit = (current: Graph): void => {
    for (const node of current.nodes) {
      found.push(node);
      for (const sub of subgraphsOf(node)) visit(sub);
    }
  };
  visit(graph);
  return found;
}

/**
 * The values that `graph` (with its nested subgraphs) reads but does not define: what it takes from the enclosing
 * graphs, through node inputs or as outputs of its own.
 */
export function outerReads(graph: Graph): Set<Value> {
  const defined = new Set<Value>();
  const read = new Set<Value>();
  const visit = (current: Graph): void => {
    for (const input of current.inputs) defined.add(input);
    for (const init of current.initializers.values()) defined.add(init);
    for (const node of current.nodes) {
      for (const input of node.inputs) if (input !== null) read.add(input);
      for (const output of node.outputs) defined.add(output);
      for (const sub of subgraphsOf(node)) visit(sub);
    }
    for (const output of current.outputs) read.add(output);
  };
  visit(graph);
  for (const value of defined) read.delete(value);
  return read;
}

/**
 * The node of `graph` that holds `node` in one of its subgraphs (nested at any depth), or `node` itself when it is
 * in `graph`; undefined when `node` is not under `graph` at all. Ordering a graph's nodes treats a subgraph's reads
 * as its owner's.
 */
export function ownerIn(graph: Graph, node: Node): Node | undefined {
  if (node.graph === graph) return node;
  let inner = node.graph;
  while (inner !== null && inner.parent !== graph) inner = inner.parent;
  if (inner === null) return undefined;
  const sub = inner;
  return graph.nodes.find((candidate) => subgraphsOf(candidate).includes(sub));
}

/**
 * A value name from `base` that is free in `graph` and names nothing visible from it in the enclosing graphs
 * (`base`, `base_1`, ...), so that a subgraph never shadows a value it could read.
 */
export function freshScopedName(graph: Graph, base: string): string {
  const free = (name: string): boolean => graph.uniqueName(name) === name && graph.parent?.lookup(name) === undefined;
  if (free(base)) return base;
  for (let i = 1; ; i += 1) if (free(`${base}_${i}`)) return `${base}_${i}`;
}

/**
 * Removes every node of `graph` and of its nested subgraphs, so that the values they read from outside no longer
 * list them as uses (for a subgraph that is dropped: a refused If, a removed node).
 */
export function discardGraph(graph: Graph): void {
  for (const node of [...graph.nodes].reverse()) {
    for (const sub of subgraphsOf(node)) discardGraph(sub);
    graph.removeNode(node, { safe: false });
  }
}

/**
 * A copy of `source` as a subgraph of `parent`: new values and nodes, the same names where they are free (no
 * enclosing name shadowed; see freshScopedName), nested subgraphs copied likewise. A value the source reads from
 * outside itself is replaced by `outer(value)`, which must be visible from `parent`.
 */
export function copySubgraph(source: Graph, parent: Graph, outer: (value: Value) => Value): Graph {
  const copy = new Graph(source.name, parent);
  copy.docString = source.docString;
  for (const [key, text] of source.metadataProps) copy.metadataProps.set(key, text);
  copy.preserved.push(...source.preserved);
  const mapped = new Map<Value, Value>();
  const map = (value: Value): Value => mapped.get(value) ?? outer(value);
  for (const input of source.inputs) {
    const value = copy.addInput(freshScopedName(copy, input.name), input.type);
    copyValueInfo(input, value);
    mapped.set(input, value);
  }
  for (const init of source.initializers.values()) {
    if (mapped.has(init) || init.constValue === null) continue;
    const value = copy.addInitializer(freshScopedName(copy, init.name), init.constValue);
    copyValueInfo(init, value);
    mapped.set(init, value);
  }
  for (const node of source.nodes) {
    const attributes = new Map<string, Attribute>();
    for (const [name, attribute] of node.attributes) attributes.set(name, copyAttribute(attribute, copy, map));
    const created = copy.addNode({
      opType: node.opType,
      domain: node.domain,
      inputs: node.inputs.map((value) => (value === null ? null : map(value))),
      outputs: node.outputs.map((output) => freshScopedName(copy, output.name)),
      attributes,
      name: node.name,
    });
    created.docString = node.docString;
    created.overload = node.overload;
    for (const [key, text] of node.metadataProps) created.metadataProps.set(key, text);
    created.preserved.push(...node.preserved);
    node.outputs.forEach((output, index) => {
      const value = created.outputs[index];
      if (value === undefined) return;
      copyValueInfo(output, value);
      mapped.set(output, value);
    });
  }
  copy.addOutput(...source.outputs.map(map));
  return copy;
}

function copyAttribute(attribute: Attribute, parent: Graph, outer: (value: Value) => Value): Attribute {
  if (attribute.kind === 'graph') return { ...attribute, value: copySubgraph(attribute.value, parent, outer) };
  if (attribute.kind === 'graphs')
    return { ...attribute, value: attribute.value.map((graph) => copySubgraph(graph, parent, outer)) };
  return attribute;
}

function copyValueInfo(from: Value, to: Value): void {
  to.type = from.type;
  to.docString = from.docString;
  to.opaqueType = from.opaqueType;
  for (const [key, text] of from.metadataProps) to.metadataProps.set(key, text);
}
