import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { evaluate } from '../../src/runtime/reference.js';

describe('evaluate per-node timing hook', () => {
  it('reports every node once, in graph order, with a non-negative time, and leaves the outputs unchanged', () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, [1, 2]);
    b.output(b.mul(b.relu(x), x), 'y');
    const model = b.build();
    const feeds = new Map([['x', Tensor.float32([1, 2], [-1, 3])]]);
    const seen: { op: string; ms: number }[] = [];
    const timed = evaluate(model, feeds, { onNodeTimed: (node, ms) => seen.push({ op: node.opType, ms }) });
    expect(seen.map((s) => s.op)).toEqual(['Relu', 'Mul']);
    expect(seen.every((s) => s.ms >= 0)).toBe(true);
    expect(timed.get('y')?.toNumbers()).toEqual([-0, 9]);
    expect(evaluate(model, feeds).get('y')?.toNumbers()).toEqual([-0, 9]);
  });
});
