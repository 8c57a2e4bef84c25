/**
 * Dead-code elimination: removes nodes none of whose outputs reach a graph output, and unused initializers.
 */
import type { Model } from '../../ir/graph.js';
import type { Node } from '../../ir/value.js';
import type { Pass } from './pass.js';

/** The `dce` pass. */
export const dcePass: Pass = {
  name: 'dce',
  description: 'remove nodes and initializers that do not contribute to a graph output',
  inPlace: true,
  run(model: Model) {
    const graph = model.graph;
    const live = new Set<Node>();
    const stack = graph.outputs.map((value) => value.producer()).filter((node): node is Node => node !== null);
    while (stack.length > 0) {
      const node = stack.pop();
      if (node === undefined || live.has(node)) continue;
      live.add(node);
      for (const input of node.inputs) {
        const producer = input?.producer();
        if (producer !== null && producer !== undefined) stack.push(producer);
      }
    }
    const dead = graph.nodes.filter((node) => !live.has(node));
    for (const node of [...dead].reverse()) graph.removeNode(node, { safe: false });
    const unusedInits = [...graph.initializers.values()].filter(
      (v) => v.uses().length === 0 && !v.isGraphOutput() && !v.isGraphInput(),
    );
    for (const init of unusedInits) graph.removeInitializer(init);
    const notes = [
      ...dead.map((node) => `removed ${node.label()}`),
      ...unusedInits.map((v) => `removed initializer '${v.name}'`),
    ];
    return { model, modified: notes.length > 0, notes };
  },
};
