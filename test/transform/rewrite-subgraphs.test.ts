/**
 * The rewrite engine and subgraphs: rules rewrite the main graph's nodes, a match never reaches across a graph
 * boundary (a branch's nodes reading the enclosing graph's values are not part of a pattern rooted outside, nor
 * the other way round), and the rewritten model still evaluates as before.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { nodesDeep } from '../../src/graph/subgraphs.js';
import { DataType } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/graph.js';
import { Tensor, tensorFromNumbers, tensorsIdentical } from '../../src/ir/tensor.js';
import { evaluate } from '../../src/runtime/reference.js';
import { adaptiveSppDynamicPass } from '../../src/transform/passes/adaptive-spp-dynamic.js';
import { separablePoolRule } from '../../src/transform/passes/separable-pool.js';
import { applyRules } from '../../src/transform/rewrite/apply.js';
import { randomInput } from '../passes/helpers.js';

/**
 * x [1, 2, 4, 4] → 2×2 MaxPool (main graph) → If: then Flatten + Concat of it (an adaptive-SPP export's shape,
 * split across the boundary), else a 3×3 same-padded MaxPool of x flattened (inside the branch).
 */
function split(): Model {
  const b = new GraphBuilder({ name: 'split', opset: 17 });
  const x = b.input('x', DataType.FLOAT, [1, 2, 4, 4]);
  const c = b.input('c', DataType.BOOL, []);
  const pooled = b.maxPool(x, { kernelShape: [2, 2], strides: [2, 2] }, { name: 'outer_pool' });
  const [y] = b.if(
    c,
    (t) => [t.concat([t.flatten(pooled, { axis: 1 })], { axis: 1 }, { name: 'inner_concat' })],
    (e) => [
      e.flatten(
        e.maxPool(e.maxPool(x, { kernelShape: [2, 2], strides: [2, 2] }), { kernelShape: [3, 3], pads: [1, 1, 1, 1] }),
        { axis: 1 },
      ),
    ],
  );
  if (y === undefined) throw new Error('no If output');
  b.output(y, 'y');
  return b.build();
}

function run(model: Model, c: number): Tensor | undefined {
  const feeds = new Map([
    ['x', randomInput([1, 2, 4, 4], 5)],
    ['c', tensorFromNumbers(DataType.BOOL, [], [c])],
  ]);
  return evaluate(model, feeds).get('y');
}

describe('rewrites and subgraphs', () => {
  it('an SPP pattern split across the boundary is not matched', () => {
    const model = split();
    const before = nodesDeep(model.graph).map((n) => n.opType);
    const result = adaptiveSppDynamicPass.run(model);
    expect(result.modified).toBe(false);
    expect(nodesDeep(model.graph).map((n) => n.opType)).toEqual(before);
  });

  it('rules rewrite the main graph only; a branch’s nodes are left as they are', () => {
    const model = split();
    const want = [run(model, 1), run(model, 0)];
    const branchOps = nodesDeep(model.graph)
      .filter((n) => n.graph !== model.graph)
      .map((n) => n.opType);
    const { modified } = applyRules(model, [separablePoolRule]);
    // The main graph's 2×2 pool is split in two; the branch's pools are not touched.
    expect(modified).toBe(true);
    expect(model.graph.nodes.filter((n) => n.opType === 'MaxPool')).toHaveLength(2);
    expect(
      nodesDeep(model.graph)
        .filter((n) => n.graph !== model.graph)
        .map((n) => n.opType),
    ).toEqual(branchOps);
    const got = [run(model, 1), run(model, 0)];
    got.forEach((tensor, i) => {
      const expected = want[i];
      expect(tensor !== undefined && expected !== undefined && tensorsIdentical(tensor, expected)).toBe(true);
    });
  });
});
