/**
 * Dead-code elimination: removes nodes none of whose outputs reach a graph output, and unused initializers.
 * A value that a node's subgraph (If's branches) reads from the enclosing graph is an input of that node: its
 * producer lives as long as the node does. A removed node's subgraphs are emptied, so they hold on to nothing.
 */
import { discardGraph, outerReads, subgraphsOf } from '../../graph/subgraphs.js';
import type { Model } from '../../ir/graph.js';
import type { Node, Value } from '../../ir/value.js';
import type { Pass } from './pass.js';

/** The `dce` pass. */
export const dcePass: Pass = {
  name: 'dce',
  description: 'remove nodes and initializers that do not contribute to a graph output',
  inPlace: true,
  run(model: Model) {
    const graph = model.graph;
    const live = new Set<Node>();
    const readBySubgraphs = new Set<Value>();
    const stack = graph.outputs.map((value) => value.producer()).filter((node): node is Node => node !== null);
    while (stack.length > 0) {
      const node = stack.pop();
      if (node === undefined || live.has(node)) continue;
      live.add(node);
      const reads = subgraphsOf(node).flatMap((sub) => [...outerReads(sub)]);
      for (const value of reads) readBySubgraphs.add(value);
      for (const input of [...node.inputs, ...reads]) {
        const producer = input?.producer();
        if (producer !== null && producer !== undefined) stack.push(producer);
      }
    }
    const dead = graph.nodes.filter((node) => !live.has(node));
    for (const node of [...dead].reverse()) {
      for (const sub of subgraphsOf(node)) discardGraph(sub);
      graph.removeNode(node, { safe: false });
    }
    const unusedInits = [...graph.initializers.values()].filter(
      (v) => v.uses().length === 0 && !v.isGraphOutput() && !v.isGraphInput() && !readBySubgraphs.has(v),
    );
    for (const init of unusedInits) graph.removeInitializer(init);
    const notes = [
      ...dead.map((node) => `removed ${node.label()}`),
      ...unusedInits.map((v) => `removed initializer '${v.name}'`),
    ];
    return { model, modified: notes.length > 0, notes };
  },
};
