/**
 * Walking every tensor of a model: initializers and attribute tensors, in subgraphs too.
 */
import type { Graph, Model } from '../ir/graph.js';
import type { Tensor } from '../ir/tensor.js';

function* graphTensors(graph: Graph): Generator<Tensor> {
  for (const value of graph.initializers.values()) if (value.constValue !== null) yield value.constValue;
  for (const node of graph.nodes) {
    for (const attribute of node.attributes.values()) {
      if (attribute.kind === 'tensor') yield attribute.value;
      else if (attribute.kind === 'tensors') yield* attribute.value;
      else if (attribute.kind === 'graph') yield* graphTensors(attribute.value);
      else if (attribute.kind === 'graphs') for (const sub of attribute.value) yield* graphTensors(sub);
    }
  }
}

/** Every tensor of `model` whose bytes are still in a source (not read yet). */
export function* pendingTensors(model: Model): Generator<Tensor> {
  for (const tensor of graphTensors(model.graph)) if (tensor.pendingSource() !== undefined) yield tensor;
}
