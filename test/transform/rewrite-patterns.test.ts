import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { Attr } from '../../src/ir/attribute.js';
import { DataType } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/graph.js';
import { AveragePool } from '../../src/ops/average-pool.js';
import { Concat } from '../../src/ops/concat.js';
import { Flatten } from '../../src/ops/flatten.js';
import { Identity } from '../../src/ops/identity.js';
import { MaxPool } from '../../src/ops/max-pool.js';
import { separablePoolPass } from '../../src/transform/passes/separable-pool.js';
import { applyRules } from '../../src/transform/rewrite/apply.js';
import { findMatches } from '../../src/transform/rewrite/match.js';
import { PatternBuilder } from '../../src/transform/rewrite/pattern.js';
import { accept, type RewriteRule } from '../../src/transform/rewrite/rule.js';

/** x [1, 2, 8, 8] with a 2×2 MaxPool (attributes left at their defaults) and a 3×3 one (stride 2). */
function twoPools(): Model {
  const b = new GraphBuilder({ opset: 17 });
  const x = b.input('x', DataType.FLOAT, [1, 2, 8, 8]);
  b.output(b.maxPool(x, { kernelShape: [2, 2] }, { name: 'small' }), 'a');
  b.output(b.maxPool(x, { kernelShape: [3, 3], strides: [2, 2] }, { name: 'large' }), 'b');
  return b.build();
}

describe('typed patterns', () => {
  it('hand the check the attributes parsed by the op, with the spec defaults for absent ones', () => {
    const p = new PatternBuilder();
    const pool = p.op(MaxPool, [p.input('x')]);
    p.outputs(pool);
    const model = twoPools();
    const [small] = findMatches(model.graph, p.build(), model.opset);
    const matched = small?.get(pool);
    expect(matched?.node.name).toBe('small');
    expect(matched?.op).toBe(MaxPool);
    // MaxPool spec: ceil_mode 0, storage_order 0, auto_pad NOTSET; strides/pads/dilations absent mean 1s and 0s.
    expect(matched?.attrs).toMatchObject({
      kernelShape: [2, 2],
      ceilMode: 0,
      storageOrder: 0,
      autoPad: 'NOTSET',
      strides: undefined,
      pads: undefined,
      dilations: undefined,
    });
  });

  it('constrain attributes with where: a node that fails it is no match', () => {
    const p = new PatternBuilder();
    const x = p.input('x');
    const pool = p.op(MaxPool, [x], { where: (attrs) => attrs.kernelShape[0] === 3 });
    p.outputs(pool);
    const model = twoPools();
    const matches = findMatches(model.graph, p.build(), model.opset);
    expect(matches.map((match) => match.get(pool).node.name)).toEqual(['large']);
    expect(matches[0]?.get(pool).attrs.strides).toEqual([2, 2]);
    expect(matches[0]?.value(x).name).toBe('x');
  });

  it('match any of several ops and say which op each node matched', () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, [1, 1, 4, 4]);
    b.output(b.maxPool(x, { kernelShape: [2, 2] }, { name: 'max' }), 'a');
    b.output(b.averagePool(x, { kernelShape: [2, 2] }, { name: 'avg' }), 'b');
    b.output(b.relu(x), 'c');
    const model = b.build();
    const p = new PatternBuilder();
    const pool = p.anyOf([MaxPool, AveragePool], [p.input('x')]);
    p.outputs(pool);
    const matched = findMatches(model.graph, p.build(), model.opset).map((match) => match.get(pool));
    expect(matched.map((m) => [m.node.name, m.op.opType, m.attrs.kernelShape])).toEqual([
      ['max', 'MaxPool', [2, 2]],
      ['avg', 'AveragePool', [2, 2]],
    ]);
  });

  it('refer to a second output of a node', () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, [1, 1, 4, 4]);
    const [, indices] = b.op(MaxPool, [x], { kernelShape: [2, 2] }, { name: 'pool', outputCount: 2 });
    if (indices === undefined) throw new Error('no Indices output');
    b.output(b.identity(indices, { name: 'copy' }), 'i');
    const model = b.build();
    const p = new PatternBuilder();
    const pool = p.op(MaxPool, [p.input('x')]);
    const copy = p.op(Identity, [pool.output(1)]);
    p.outputs(copy);
    const [match] = findMatches(model.graph, p.build(), model.opset);
    expect(match?.get(copy).node.name).toBe('copy');
    expect(match?.value(pool.output(1))).toBe(indices);
    expect(match?.all.map((node) => node.name)).toEqual(['pool', 'copy']);
  });

  it('match a variadic node item by item, with typed handles per item', () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, [1, 2, 4, 4]);
    const levels = [4, 2].map((k) => b.flatten(b.maxPool(x, { kernelShape: [k, k], strides: [k, k] })));
    b.output(b.concat(levels, { axis: 1 }, { name: 'cat' }), 'y');
    const model = b.build();
    const p = new PatternBuilder();
    const concat = p.each(Concat, (item) => {
      const pool = item.op(MaxPool, [item.input('x')]);
      return { output: item.op(Flatten, [pool]), pool };
    });
    p.outputs(concat);
    const [match] = findMatches(model.graph, p.build(), model.opset);
    expect(match?.get(concat).attrs.axis).toBe(1);
    expect(match?.items(concat).map((item) => item.get(concat.item.pool).attrs.kernelShape)).toEqual([
      [4, 4],
      [2, 2],
    ]);
    expect(match?.all).toHaveLength(5);
  });

  it('report a node whose attributes the op refuses, naming the node and the attribute', () => {
    const model = twoPools();
    model.graph.nodes.find((node) => node.name === 'large')?.attributes.set('bogus', Attr.int(1));
    const result = separablePoolPass.run(model);
    expect(result.modified).toBe(true);
    const refused = result.events?.filter((event) => event.kind === 'refused') ?? [];
    expect(refused.map((event) => [event.rule, event.where])).toEqual([['separable-pool', "MaxPool node 'large'"]]);
    expect(refused[0]?.detail).toMatch(/MaxPool node 'large': attribute 'bogus' is not an attribute of this op/);
  });
});

describe('typed replacements', () => {
  it('serialize attribute overrides through the op schema, dropping one set to its default', () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, [1, 1, 9, 9]);
    b.output(b.maxPool(x, { kernelShape: [3, 3], ceilMode: 1, strides: [2, 2] }, { name: 'pool' }), 'y');
    const model = b.build();
    const p = new PatternBuilder();
    const input = p.input('x');
    const pool = p.op(MaxPool, [input], { where: (attrs) => attrs.ceilMode === 1 });
    p.outputs(pool);
    const rule: RewriteRule<null> = {
      name: 'floor-mode',
      description: 'test: ceil_mode 1 -> 0 with stride 3',
      pattern: p.build(),
      check: () => accept(null),
      rewrite: (r, match) => r.like(match.get(pool), [r.use(match.value(input))], { ceilMode: 0, strides: [3, 3] }),
    };
    expect(applyRules(model, [rule]).modified).toBe(true);
    const [node] = model.graph.nodes;
    expect(node?.attributes.has('ceil_mode')).toBe(false);
    expect(node?.attributes.get('strides')).toEqual(Attr.ints([3, 3]));
    expect(node?.attributes.get('kernel_shape')).toEqual(Attr.ints([3, 3]));
    // floor((9 - 3) / 3) + 1 = 3
    expect(model.graph.outputs[0]?.type?.shape).toEqual([1, 1, 3, 3]);
  });
});
