import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { Attr } from '../../src/ir/attribute.js';
import { DataType } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/graph.js';
import { tensorsIdentical } from '../../src/ir/tensor.js';
import { MaxPool } from '../../src/ops/max-pool.js';
import { Relu } from '../../src/ops/relu.js';
import { evaluate } from '../../src/runtime/reference.js';
import { adaptiveSppDynamicPass } from '../../src/transform/passes/adaptive-spp-dynamic.js';
import { runPasses } from '../../src/transform/passes/pass.js';
import { rulePass } from '../../src/transform/passes/rule-pass.js';
import { separablePoolRule } from '../../src/transform/passes/separable-pool.js';
import { applyRules } from '../../src/transform/rewrite/apply.js';
import { PatternBuilder } from '../../src/transform/rewrite/pattern.js';
import { accept, type RewriteRule } from '../../src/transform/rewrite/rule.js';
import { TypeView } from '../../src/transform/rewrite/type-view.js';
import { randomInput } from '../passes/helpers.js';

/** A chain of `length` 3×3 MaxPools (stride 1, pads 1) on x [1, 2, 6, 6], then a Relu when `tail`. */
function poolChain(length: number, tail = false): Model {
  const b = new GraphBuilder({ opset: 17 });
  let x = b.input('x', DataType.FLOAT, [1, 2, 6, 6]);
  for (let i = 0; i < length; i += 1)
    x = b.maxPool(x, { kernelShape: [3, 3], pads: [1, 1, 1, 1] }, { name: `pool${i}` });
  b.output(tail ? b.relu(x, { name: 'tail' }) : x, 'y');
  return b.build();
}

/**
 * An adaptive-SPP-shaped export (2×2 MaxPool, Flatten, Concat) on a value `x` computed by `produce` from the graph
 * input `a`, whose type inference cannot tell.
 */
function sppOn(produce: (model: Model) => void): Model {
  const b = new GraphBuilder({ opset: 17 });
  b.input('a', DataType.FLOAT, [1, 2, 4, 4]);
  const model = b.model;
  produce(model);
  const graph = model.graph;
  const x = graph.lookup('x');
  if (x === undefined) throw new Error('no x');
  const pool = graph.addNode({
    opType: 'MaxPool',
    inputs: [x],
    outputs: 1,
    attributes: new Map([
      ['kernel_shape', Attr.ints([2, 2])],
      ['strides', Attr.ints([2, 2])],
    ]),
    name: 'pool',
  });
  const flat = graph.addNode({ opType: 'Flatten', inputs: pool.outputs, outputs: 1, name: 'flat' });
  const cat = graph.addNode({
    opType: 'Concat',
    inputs: flat.outputs,
    outputs: ['y'],
    attributes: new Map([['axis', Attr.int(1)]]),
    name: 'cat',
  });
  graph.addOutput(...cat.outputs);
  return model;
}

describe('refusals carry the reason a type is unknown', () => {
  it('an op sppkit does not know leaves its outputs untyped, and a check that needs the type says so', () => {
    const model = sppOn((m) => {
      m.opsetImports.set('com.example', 1);
      const a = m.graph.lookup('a') ?? null;
      m.graph.addNode({ opType: 'Mystery', domain: 'com.example', inputs: [a], outputs: ['x'], name: 'mystery' });
    });
    const result = adaptiveSppDynamicPass.run(model);
    expect(result.modified).toBe(false);
    expect(result.events?.map((event) => event.detail)).toEqual([
      expect.stringMatching(/^input 'x' has no known type: .*Mystery.*not implemented by sppkit/),
    ]);
  });

  it('an untyped graph input upstream is named in the reason', () => {
    const model = sppOn((m) => {
      const untyped = m.graph.addInput('u', null);
      m.graph.addNode({ opType: 'Relu', inputs: [untyped], outputs: ['x'], name: 'relu' });
    });
    const result = adaptiveSppDynamicPass.run(model);
    expect(result.events?.[0]?.detail).toMatch(
      /^input 'x' has no known type: 'u' is a graph input that declares no type/,
    );
  });

  it('infers a 20,000-node untyped chain without recursion', () => {
    const b = new GraphBuilder({ opset: 17 });
    let x = b.input('x', DataType.FLOAT, [1, 3]);
    for (let i = 0; i < 20_000; i += 1) x = b.relu(x, { name: `r${i}`, outputs: [`v${i}`] });
    b.output(x, 'y');
    const model = b.build();
    for (const node of model.graph.nodes) for (const output of node.outputs) output.type = null;
    const fact = new TypeView(model).typeOf(x);
    expect(fact).toEqual({ known: true, type: { dtype: DataType.FLOAT, shape: [1, 3] } });
  });
});

describe('errors in rules are errors', () => {
  const p = new PatternBuilder();
  p.outputs(p.op(MaxPool, [p.input('x')]));
  const boom: RewriteRule<null> = {
    name: 'boom',
    description: 'test: a rewrite that throws',
    pattern: p.build(),
    check: () => accept(null),
    rewrite: () => {
      throw new Error('kaput');
    },
  };

  it('reports an exception from a rewrite with the rule name and the site', () => {
    expect(() => applyRules(poolChain(1), [boom])).toThrow(
      /rule 'boom' failed in its rewrite at MaxPool node 'pool0': kaput/,
    );
  });

  it('is wrapped by the pass runner with the pass name', () => {
    expect(() => runPasses(poolChain(1), [rulePass('boom-pass', 'test', [boom])])).toThrow(
      /pass 'boom-pass' failed: rule 'boom' failed in its rewrite/,
    );
  });
});

describe('worklist', () => {
  it('revisits what a rewrite created: Relu(Relu(x)) -> Relu(x) collapses a chain of six', () => {
    const b = new GraphBuilder({ opset: 17 });
    let x = b.input('x', DataType.FLOAT, [2]);
    for (let i = 0; i < 6; i += 1) x = b.relu(x, { name: `r${i}` });
    b.output(x, 'y');
    const model = b.build();
    const p = new PatternBuilder();
    const input = p.input('x');
    const inner = p.op(Relu, [input]);
    p.outputs(p.op(Relu, [inner]));
    const rule: RewriteRule<null> = {
      name: 'relu-relu',
      description: 'test: Relu is idempotent',
      pattern: p.build(),
      check: () => accept(null),
      rewrite: (r, match) => r.like(match.get(inner), [r.use(match.value(input))]),
    };
    const { modified, stats } = applyRules(model, [rule]);
    expect(modified).toBe(true);
    expect(model.graph.nodes.map((node) => node.opType)).toEqual(['Relu']);
    expect(model.graph.outputs[0]?.name).toBe('y');
    expect(stats.rewrites).toBe(5);
    // Each Relu once, plus each created Relu once: no rescans.
    expect(stats.attempts).toBeLessThanOrEqual(6 + 5);
  });

  it('splits a 10,000-pool chain with match attempts linear in the node count, keeping the order', () => {
    const length = 10_000;
    const model = poolChain(length, true);
    const { modified, stats } = applyRules(model, [separablePoolRule]);
    expect(modified).toBe(true);
    expect(stats.rewrites).toBe(length);
    // Every original pool and every created 1-D pool is tried once (the 1-D ones fail `where`).
    expect(stats.attempts).toBeLessThanOrEqual(3 * length);
    // The replacements went where the order stays topological: no re-sort (whose recursion a chain this deep
    // would overflow), the tail still last.
    const nodes = model.graph.nodes;
    expect(nodes).toHaveLength(2 * length + 1);
    expect(
      nodes.every((node, i) => node.inputs[0] === (i === 0 ? model.graph.inputs[0] : nodes[i - 1]?.outputs[0])),
    ).toBe(true);
    expect(nodes.at(-1)?.name).toBe('tail');
    const pools = nodes.slice(0, -1);
    expect(pools.map((node) => node.attributes.get('kernel_shape')?.value).slice(0, 2)).toEqual([
      [3n, 1n],
      [1n, 3n],
    ]);
  }, 120_000);

  it('keeps a short split chain bit-identical', () => {
    const original = poolChain(4);
    const model = poolChain(4);
    applyRules(model, [separablePoolRule]);
    const feeds = new Map([['x', randomInput([1, 2, 6, 6], 5)]]);
    const [want, got] = [evaluate(original, feeds).get('y'), evaluate(model, feeds).get('y')];
    expect(want !== undefined && got !== undefined && tensorsIdentical(want, got)).toBe(true);
  });
});
