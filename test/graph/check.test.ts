import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { DataType } from '../../src/ir/dtype.js';
import { CheckError } from '../../src/ir/errors.js';
import { Graph, Model } from '../../src/ir/graph.js';
import { assertValidModel, checkModel } from '../../src/transform/passes/check.js';
import { dcePass } from '../../src/transform/passes/dce.js';
import { inferGraphShapes } from '../../src/transform/passes/infer-shapes.js';

const f32 = (shape: number[]) => ({ dtype: DataType.FLOAT, shape });

function model(): { m: Model; g: Graph } {
  const g = new Graph('g');
  const m = new Model(g, 17);
  return { m, g };
}

describe('checker', () => {
  it('accepts a small valid model', () => {
    const { m, g } = model();
    const x = g.addInput('x', f32([1, 1, 4, 4]));
    const node = g.addNode({
      opType: 'MaxPool',
      inputs: [x],
      outputs: ['y'],
      attributes: new Map([['kernel_shape', Attr.ints([2, 2])]]),
    });
    inferGraphShapes(g, 17);
    g.addOutput(node.outputs[0]!);
    expect(checkModel(m)).toEqual([]);
  });

  it('reports a node that uses a value before it is defined', () => {
    const { m, g } = model();
    const x = g.addInput('x', f32([2]));
    const late = g.addNode({ opType: 'Relu', inputs: [x], outputs: ['late'] });
    g.addNode({ opType: 'Relu', inputs: [late.outputs[0]!], outputs: ['early'], before: late, name: 'early_relu' });
    expect(checkModel(m).join('\n')).toMatch(/Relu node 'early_relu': input 0 'late' is used before it is defined/);
  });

  it('reports an unknown op, a bad attribute and a missing opset import, each naming the node', () => {
    const { m, g } = model();
    const x = g.addInput('x', f32([1, 1, 4, 4]));
    g.addNode({ opType: 'FancyPool', inputs: [x], outputs: 1, name: 'fancy' });
    g.addNode({
      opType: 'MaxPool',
      inputs: [x],
      outputs: 1,
      name: 'mp',
      attributes: new Map([
        ['kernel_shape', Attr.ints([2, 2])],
        ['ceil', Attr.int(1)],
      ]),
    });
    g.addNode({ opType: 'Relu', inputs: [x], outputs: 1, name: 'custom', domain: 'com.example' });
    const problems = checkModel(m).join('\n');
    expect(problems).toMatch(/FancyPool node 'fancy': op 'FancyPool' is unknown/);
    expect(problems).toMatch(/MaxPool node 'mp': attribute 'ceil' is not an attribute of this op/);
    expect(problems).toMatch(/node 'custom': domain 'com.example' is not in opset_import/);
  });

  it('reports a declared output type that contradicts inference', () => {
    const { m, g } = model();
    const x = g.addInput('x', f32([1, 1, 4, 4]));
    const node = g.addNode({
      opType: 'MaxPool',
      inputs: [x],
      outputs: ['y'],
      name: 'mp',
      attributes: new Map([['kernel_shape', Attr.ints([2, 2])]]),
    });
    node.outputs[0]!.type = f32([1, 1, 4, 4]);
    g.addOutput(node.outputs[0]!);
    expect(() => assertValidModel(m)).toThrow(CheckError);
    expect(checkModel(m).join('\n')).toMatch(
      /declared float32\[1, 1, 4, 4\] but its inputs give float32\[1, 1, 3, 3\]/,
    );
  });

  it('reports an IR version too old for the opset', () => {
    const { m, g } = model();
    m.irVersion = 6;
    g.addInput('x', f32([1]));
    expect(checkModel(m).join('\n')).toMatch(/ir_version 6 is too old for opset 17/);
  });
});

describe('dce', () => {
  it('removes nodes and initializers that do not reach an output', () => {
    const { m, g } = model();
    const x = g.addInput('x', f32([2]));
    const live = g.addNode({ opType: 'Relu', inputs: [x], outputs: ['live'] });
    const dead = g.addNode({ opType: 'Sigmoid', inputs: [x], outputs: ['dead'] });
    g.addNode({ opType: 'Relu', inputs: [dead.outputs[0]!], outputs: ['dead2'] });
    g.addOutput(live.outputs[0]!);
    const result = dcePass.run(m);
    expect(result.modified).toBe(true);
    expect(g.nodes.map((n) => n.outputs[0]!.name)).toEqual(['live']);
    expect(dcePass.run(m).modified).toBe(false);
  });
});
