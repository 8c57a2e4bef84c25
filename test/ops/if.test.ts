/**
 * If (https://onnx.ai/onnx/operators/onnx__If.html): the branch that runs is chosen by the single element of
 * `cond`; branches read the enclosing graphs' values by name; the outputs' types are the union of the branches'
 * (equal dims kept, differing ones unknown; If-1 required one shape); versions 1, 11, 13, 16, 19, 21, 23, 24, 25.
 * Also: the subgraph-aware passes (check, dce, infer-shapes), the encode → decode → evaluate round trip and the
 * resource limits inside a branch. Expected values are hand-derived from the spec.
 */
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../src/export/model.js';
import { GraphBuilder } from '../../src/graph/builder.js';
import { subgraphsOf } from '../../src/graph/subgraphs.js';
import { DataType } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/graph.js';
import { LimitError } from '../../src/ir/limits.js';
import { Tensor, tensorFromNumbers } from '../../src/ir/tensor.js';
import { formatType, Value, type Node } from '../../src/ir/value.js';
import { versionAt } from '../../src/ops/core/op.js';
import { inferNode } from '../../src/ops/core/registry.js';
import { If } from '../../src/ops/if.js';
import { evaluate, MAX_SUBGRAPH_DEPTH } from '../../src/runtime/reference.js';
import { checkModel } from '../../src/transform/passes/check.js';
import { dcePass } from '../../src/transform/passes/dce.js';
import { inferGraphTypes } from '../../src/transform/passes/infer-shapes.js';

const BOOL = { dtype: DataType.BOOL, shape: [] };

/** y = If(c, then: x + 1, else: x · 10) on x float[3], c bool[] — both branches read the outer x. */
function addOrScale(): Model {
  const b = new GraphBuilder({ name: 'if_add_or_scale', opset: 17 });
  const x = b.input('x', DataType.FLOAT, [3]);
  const c = b.input('c', DataType.BOOL, []);
  const [y] = b.if(
    c,
    (t) => [t.add(x, t.constant('one', Tensor.float32([], [1])))],
    (e) => [e.mul(x, e.constant('ten', Tensor.float32([], [10])))],
    { name: 'pick' },
  );
  if (y === undefined) throw new Error('no If output');
  b.output(y, 'y');
  return b.build();
}

function feeds(c: boolean): Map<string, Tensor> {
  return new Map([
    ['x', Tensor.float32([3], [1, -2, 0.5])],
    ['c', tensorFromNumbers(DataType.BOOL, [], [c ? 1 : 0])],
  ]);
}

function ifNode(model: Model): Node {
  const node = model.graph.nodes.find((n) => n.opType === 'If');
  if (node === undefined) throw new Error('no If node');
  return node;
}

describe('If', () => {
  it('runs then_branch when cond is true and else_branch when it is false', () => {
    const model = addOrScale();
    expect(checkModel(model)).toEqual([]);
    expect(evaluate(model, feeds(true)).get('y')?.toNumbers()).toEqual([2, -1, 1.5]);
    expect(evaluate(model, feeds(false)).get('y')?.toNumbers()).toEqual([10, -20, 5]);
  });

  it('takes cond from a one-element tensor of any rank, and refuses more than one element', () => {
    const b = new GraphBuilder({ name: 'cond_rank', opset: 17 });
    const x = b.input('x', DataType.FLOAT, [2]);
    const c = b.input('c', DataType.BOOL, ['n']);
    const [y] = b.if(
      c,
      (t) => [t.neg(x)],
      (e) => [e.relu(x)],
    );
    if (y === undefined) throw new Error('no If output');
    b.output(y, 'y');
    const model = b.build();
    const run = (cond: number[]): number[] | undefined =>
      evaluate(
        model,
        new Map([
          ['x', Tensor.float32([2], [3, -4])],
          ['c', tensorFromNumbers(DataType.BOOL, [cond.length], cond)],
        ]),
      )
        .get('y')
        ?.toNumbers();
    expect(run([1])).toEqual([-3, 4]);
    expect(run([0])).toEqual([3, 0]);
    expect(() => run([1, 1])).toThrow(/cond must hold a single element/);
  });

  it('reads values computed in the enclosing graphs, two levels up in a nested If', () => {
    const b = new GraphBuilder({ name: 'nested', opset: 17 });
    const x = b.input('x', DataType.FLOAT, [2]);
    const c = b.input('c', DataType.BOOL, []);
    const d = b.input('d', DataType.BOOL, []);
    const r = b.relu(x, { name: 'outer_relu' });
    const [y] = b.if(
      c,
      (t) => {
        const twice = t.add(r, r);
        const [inner] = t.if(
          d,
          (tt) => [tt.add(twice, x)],
          (te) => [te.neg(r)],
          { name: 'inner' },
        );
        if (inner === undefined) throw new Error('no inner output');
        return [inner];
      },
      (e) => [e.identity(x)],
      { name: 'outer' },
    );
    if (y === undefined) throw new Error('no If output');
    b.output(y, 'y');
    const model = b.build();
    expect(checkModel(model)).toEqual([]);
    const run = (cv: boolean, dv: boolean): number[] | undefined =>
      evaluate(
        model,
        new Map([
          ['x', Tensor.float32([2], [3, -4])],
          ['c', tensorFromNumbers(DataType.BOOL, [], [cv ? 1 : 0])],
          ['d', tensorFromNumbers(DataType.BOOL, [], [dv ? 1 : 0])],
        ]),
      )
        .get('y')
        ?.toNumbers();
    // relu(x) = [3, 0]; then/then: 2·relu(x) + x = [9, -4]; then/else: -relu(x) = [-3, -0]; else: x.
    expect(run(true, true)).toEqual([9, -4]);
    expect(run(true, false)).toEqual([-3, -0]);
    expect(run(false, true)).toEqual([3, -4]);
  });

  it('types each output as the union of the branches: equal dims stay, others become unknown', () => {
    const b = new GraphBuilder({ name: 'union', opset: 17 });
    const a = b.input('a', DataType.FLOAT, [2, 3]);
    const z = b.input('z', DataType.FLOAT, [2, 4]);
    const c = b.input('c', DataType.BOOL, []);
    const [y, same] = b.if(
      c,
      (t) => [t.relu(a), t.neg(a)],
      (e) => [e.relu(z), e.relu(a)],
    );
    if (y === undefined || same === undefined) throw new Error('no If outputs');
    expect(formatType(y.type)).toMatch(/^float32\[2, [^\]0-9]+\]$/);
    expect(formatType(same.type)).toBe('float32[2, 3]');
    b.output(y, 'y');
    b.output(same, 'same');
    const model = b.build();
    const cond = (v: number): Map<string, Tensor> =>
      new Map([
        ['a', Tensor.float32([2, 3], [1, 2, 3, 4, 5, 6])],
        ['z', Tensor.float32([2, 4], [1, 2, 3, 4, 5, 6, 7, 8])],
        ['c', tensorFromNumbers(DataType.BOOL, [], [v])],
      ]);
    expect(evaluate(model, cond(1)).get('y')?.dims).toEqual([2, 3]);
    expect(evaluate(model, cond(0)).get('y')?.dims).toEqual([2, 4]);
    // If-1 (opsets 1..10) needed both branches to give one shape; from If-11 they may differ.
    const node = ifNode(model);
    const types = [BOOL];
    expect(() => inferNode(node, 10, types, 2, () => undefined)).toThrow(/If-1 needs both branches/);
    expect(formatType(inferNode(node, 11, types, 2, () => undefined)[1] ?? null)).toBe('float32[2, 3]');
  });

  it('refuses branches of different element types or output counts, naming the output', () => {
    const b = new GraphBuilder({ name: 'bad', opset: 17 });
    const x = b.input('x', DataType.FLOAT, [2]);
    const c = b.input('c', DataType.BOOL, []);
    expect(() =>
      b.if(
        c,
        (t) => [t.relu(x)],
        (e) => [e.shape(x)],
      ),
    ).toThrow(/output 0 is float32\[2\] in then_branch but int64\[1\] in else_branch/);
    expect(() =>
      b.if(
        c,
        (t) => [t.relu(x), t.neg(x)],
        (e) => [e.relu(x)],
      ),
    ).toThrow(/then_branch has 2 output\(s\) but else_branch has 1/);
    // A refused If leaves nothing behind: x has no uses, the graph no nodes.
    expect(b.graph.nodes).toHaveLength(0);
    expect(x.uses()).toHaveLength(0);
  });

  it('refuses a non-bool cond, and exists at the spec versions', () => {
    const node = ifNode(addOrScale());
    expect(() => inferNode(node, 17, [{ dtype: DataType.INT64, shape: [] }], 1, () => undefined)).toThrow(/bool/);
    const versions = [1, 10, 11, 12, 13, 15, 16, 18, 19, 20, 21, 22, 23, 24, 25].map((o) => versionAt(If, o));
    expect(versions).toEqual([1, 1, 11, 11, 13, 13, 16, 16, 19, 19, 21, 21, 23, 24, 25]);
  });

  it('survives encode → decode and gives the same answers', () => {
    const bytes = encodeModel(addOrScale());
    const model = decodeModel(bytes);
    expect(checkModel(model)).toEqual([]);
    const node = ifNode(model);
    const branchOps = (name: string): string[] => {
      const attribute = node.attributes.get(name);
      return attribute?.kind === 'graph' ? attribute.value.nodes.map((n) => n.opType) : [];
    };
    expect([branchOps('then_branch'), branchOps('else_branch')]).toEqual([['Add'], ['Mul']]);
    expect(evaluate(model, feeds(true)).get('y')?.toNumbers()).toEqual([2, -1, 1.5]);
    expect(evaluate(model, feeds(false)).get('y')?.toNumbers()).toEqual([10, -20, 5]);
    // A second trip gives the same bytes.
    expect(encodeModel(model)).toEqual(bytes);
  });

  it('counts a branch’s work toward the evaluation’s limits', () => {
    const model = addOrScale();
    // Each branch node reads 3 (+1) elements and writes 3; the If itself reads cond and writes 3.
    expect(() => evaluate(model, feeds(true), { limits: { maxWork: 5 } })).toThrow(LimitError);
    expect(() => evaluate(model, feeds(true), { limits: { maxNodes: 2 } })).toThrow(/maxNodes/);
    expect(
      evaluate(model, feeds(true), { limits: { maxNodes: 3 } })
        .get('y')
        ?.toNumbers(),
    ).toEqual([2, -1, 1.5]);
  });
});

describe('nested Ifs', () => {
  /** `depth` Ifs, each in the then branch of the one before; the innermost negates x. */
  function nested(depth: number): Model {
    const b = new GraphBuilder({ name: 'deep', opset: 17 });
    const x = b.input('x', DataType.FLOAT, [1]);
    const c = b.input('c', DataType.BOOL, []);
    const level = (g: GraphBuilder, left: number): Value => {
      if (left === 0) return g.neg(x);
      const [y] = g.if(
        c,
        (t) => [level(t, left - 1)],
        (e) => [e.identity(x)],
      );
      if (y === undefined) throw new Error('no If output');
      return y;
    };
    b.output(level(b, depth), 'y');
    return b.build();
  }
  const run = (model: Model): number[] | undefined =>
    evaluate(
      model,
      new Map([
        ['x', Tensor.float32([1], [2])],
        ['c', tensorFromNumbers(DataType.BOOL, [], [1])],
      ]),
    )
      .get('y')
      ?.toNumbers();

  it(`run to ${MAX_SUBGRAPH_DEPTH} levels, and deeper nesting is refused, not recursed into`, () => {
    expect(run(nested(MAX_SUBGRAPH_DEPTH))).toEqual([-2]);
    expect(() => run(nested(MAX_SUBGRAPH_DEPTH + 1))).toThrow(/nested 65 deep; the reference runs at most 64/);
  });
});

describe('passes with subgraphs', () => {
  it('dce keeps a node whose output only a branch reads', () => {
    const b = new GraphBuilder({ name: 'dce_outer_read', opset: 17 });
    const x = b.input('x', DataType.FLOAT, [2]);
    const c = b.input('c', DataType.BOOL, []);
    const r = b.relu(x, { name: 'only_read_by_branch' });
    const [y] = b.if(
      c,
      (t) => [t.neg(r)],
      (e) => [e.identity(x)],
    );
    if (y === undefined) throw new Error('no If output');
    b.neg(x, { name: 'dead' });
    b.output(y, 'y');
    const model = b.build();
    const result = dcePass.run(model);
    expect(result.notes).toEqual(["removed Neg node 'dead'"]);
    expect(model.graph.nodes.map((n) => n.name)).toContain('only_read_by_branch');
    expect(checkModel(model)).toEqual([]);
    const run = evaluate(
      model,
      new Map([
        ['x', Tensor.float32([2], [3, -4])],
        ['c', tensorFromNumbers(DataType.BOOL, [], [1])],
      ]),
    );
    expect(run.get('y')?.toNumbers()).toEqual([-3, -0]);
  });

  it('topological sort puts the producer of a value a branch reads before the If', () => {
    const model = addOrScale();
    const graph = model.graph;
    const x = graph.lookup('x');
    if (x === undefined) throw new Error('no x');
    // Appended after the If, then read by the then branch's Add: the order is no longer topological.
    const late = graph.addNode({ opType: 'Neg', inputs: [x], outputs: ['late'], name: 'late' });
    const add = subgraphsOf(ifNode(model)).find((g) => g.nodes[0]?.opType === 'Add')?.nodes[0];
    const lateValue = late.outputs[0];
    if (add === undefined || lateValue === undefined) throw new Error('no then branch');
    add.setInput(0, lateValue);
    expect(graph.nodes.map((n) => n.name)).toEqual(['pick', 'late']);
    graph.topologicalSort();
    expect(graph.nodes.map((n) => n.name)).toEqual(['late', 'pick']);
    // then: -x + 1.
    expect(evaluate(model, feeds(true)).get('y')?.toNumbers()).toEqual([0, 3, 0.5]);
  });

  it('check names a value a branch uses that no scope defines', () => {
    const model = addOrScale();
    const then = subgraphsOf(ifNode(model)).find((g) => g.nodes[0]?.opType === 'Add');
    const add = then?.nodes[0];
    if (then === undefined || add === undefined) throw new Error('no then branch');
    const ghost = model.graph.registerValue(new Value('ghost', { dtype: DataType.FLOAT, shape: [3] }));
    add.setInput(0, ghost);
    const problems = checkModel(model);
    expect(
      problems.some((p) => /input 0 'ghost' is used before it is defined/.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });

  it('check refuses a branch value that shadows an enclosing name', () => {
    const model = addOrScale();
    const then = subgraphsOf(ifNode(model))[0];
    const add = then?.nodes[0];
    const output = add?.outputs[0];
    if (then === undefined || output === undefined) throw new Error('no then branch');
    then.renameValue(output, 'x');
    expect(checkModel(model).join('\n')).toMatch(/value name 'x' .* is already defined in an enclosing graph/);
  });

  it('shape inference types the If output from its branches with the enclosing graph’s types', () => {
    const model = addOrScale();
    const y = ifNode(model).outputs[0];
    if (y === undefined) throw new Error('no output');
    y.type = null;
    inferGraphTypes(model.graph, model.opset);
    expect(formatType(y.type)).toBe('float32[3]');
  });
});
