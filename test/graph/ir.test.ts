import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { DataType } from '../../src/ir/dtype.js';
import { GraphError } from '../../src/ir/errors.js';
import { Graph } from '../../src/ir/graph.js';

const f32 = { dtype: DataType.FLOAT, shape: [1, 2, 4, 4] };

function chain(): { graph: Graph; x: ReturnType<Graph['addInput']> } {
  const graph = new Graph('g');
  const x = graph.addInput('x', f32);
  return { graph, x };
}

describe('IR use-def links', () => {
  it('records producers and uses as nodes are added', () => {
    const { graph, x } = chain();
    const relu = graph.addNode({ opType: 'Relu', inputs: [x], outputs: 1 });
    const y = relu.outputs[0]!;
    const add = graph.addNode({ opType: 'Add', inputs: [y, y], outputs: ['sum'] });
    expect(y.producer()).toBe(relu);
    expect(
      y
        .uses()
        .map((u) => u.index)
        .sort(),
    ).toEqual([0, 1]);
    expect(y.consumers()).toEqual([add]);
    expect(x.producer()).toBeNull();
    expect(add.outputs[0]!.name).toBe('sum');
  });

  it('rewires every use and graph output with replaceAllUsesWith', () => {
    const { graph, x } = chain();
    const a = graph.addNode({ opType: 'Relu', inputs: [x], outputs: 1 }).outputs[0]!;
    const b = graph.addNode({ opType: 'Sigmoid', inputs: [x], outputs: 1 }).outputs[0]!;
    const user = graph.addNode({ opType: 'Add', inputs: [a, x], outputs: 1 });
    graph.addOutput(a);
    a.replaceAllUsesWith(b);
    expect(user.inputs[0]).toBe(b);
    expect(a.uses()).toHaveLength(0);
    expect(b.uses()).toHaveLength(1);
    expect(graph.outputs[0]).toBe(b);
  });

  it('refuses to remove a node whose output is still used, naming the user', () => {
    const { graph, x } = chain();
    const relu = graph.addNode({ opType: 'Relu', inputs: [x], outputs: 1, name: 'r' });
    graph.addNode({ opType: 'Sigmoid', inputs: [relu.outputs[0]!], outputs: 1, name: 's' });
    expect(() => graph.removeNode(relu)).toThrow(/used by Sigmoid node 's'/);
  });

  it('refuses to remove a node that produces a graph output', () => {
    const { graph, x } = chain();
    const relu = graph.addNode({ opType: 'Relu', inputs: [x], outputs: 1 });
    graph.addOutput(relu.outputs[0]!);
    expect(() => graph.removeNode(relu)).toThrow(GraphError);
  });

  it('removes an unused node and drops its links', () => {
    const { graph, x } = chain();
    const relu = graph.addNode({ opType: 'Relu', inputs: [x], outputs: 1 });
    graph.removeNode(relu);
    expect(graph.nodes).toHaveLength(0);
    expect(x.uses()).toHaveLength(0);
    expect(graph.lookup(relu.outputs[0]!.name)).toBeUndefined();
  });

  it('makes value and node names unique', () => {
    const { graph, x } = chain();
    const first = graph.addNode({ opType: 'Relu', inputs: [x], outputs: ['y'], name: 'n' });
    const second = graph.addNode({ opType: 'Relu', inputs: [x], outputs: ['y'], name: 'n' });
    expect(first.outputs[0]!.name).toBe('y');
    expect(second.outputs[0]!.name).toBe('y_1');
    expect(second.name).toBe('n_1');
    expect(() => graph.addInput('x', f32)).toThrow(/already defined/);
  });

  it('sorts nodes topologically, keeping valid order stable', () => {
    const { graph, x } = chain();
    const a = graph.addNode({ opType: 'Relu', inputs: [x], outputs: 1, name: 'a' });
    const c = graph.addNode({ opType: 'Relu', inputs: [x], outputs: 1, name: 'c' });
    // Insert a consumer of c before a: the sort must move it after c.
    const b = graph.addNode({
      opType: 'Add',
      inputs: [a.outputs[0]!, c.outputs[0]!],
      outputs: 1,
      name: 'b',
      before: a,
    });
    expect(graph.nodes.map((n) => n.name)).toEqual(['b', 'a', 'c']);
    graph.topologicalSort();
    expect(graph.nodes.map((n) => n.name)).toEqual(['a', 'c', 'b']);
    expect(b.inputs).toHaveLength(2);
  });

  it('reports a cycle naming a node on it', () => {
    const { graph, x } = chain();
    const a = graph.addNode({ opType: 'Add', inputs: [x, x], outputs: 1, name: 'a' });
    const b = graph.addNode({ opType: 'Relu', inputs: [a.outputs[0]!], outputs: 1, name: 'b' });
    a.setInput(1, b.outputs[0]!);
    expect(() => graph.topologicalSort()).toThrow(/cycle through .* node '[ab]'/);
  });

  it('refuses a value from another graph as input', () => {
    const { graph } = chain();
    const other = new Graph('other');
    const foreign = other.addInput('z', f32);
    expect(() =>
      graph.addNode({ opType: 'Relu', inputs: [foreign], outputs: 1, attributes: new Map([['alpha', Attr.float(1)]]) }),
    ).toThrow(/not in this graph/);
  });
});
