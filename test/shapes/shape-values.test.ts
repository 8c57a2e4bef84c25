import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { formatShape } from '../../src/ir/dim.js';
import { DataType } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/graph.js';
import { inferGraphShapes } from '../../src/transform/passes/infer-shapes.js';
import { Tensor } from '../../src/ir/tensor.js';
import type { Value } from '../../src/ir/value.js';
import { Expand } from '../../src/ops/expand.js';
import { evaluate } from '../../src/runtime/reference.js';

/** Infers the whole graph and returns the output's shape as text. */
function inferredShape(model: Model, value: Value): string {
  inferGraphShapes(model.graph, model.opset);
  return formatShape(value.type?.shape);
}

const int64 = (b: GraphBuilder, name: string, values: readonly number[]): Value =>
  b.constant(name, Tensor.int64([values.length], values));
const scalar = (b: GraphBuilder, name: string, value: number): Value => b.constant(name, Tensor.int64([], [value]));

describe('shape values in shape inference (Shape → Gather → arithmetic → Concat → Reshape/Expand)', () => {
  it('gives Reshape(x, [Shape(x)[0], -1]) the shape [N, 48] for x: [N, 3, 4, 4]', () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, ['N', 3, 4, 4]);
    const n = b.gather(b.shapeOf(x), scalar(b, 'zero', 0));
    const shape = b.concat([b.unsqueeze(n, [0]), int64(b, 'rest', [-1])], { axis: 0 });
    const y = b.reshape(x, shape);
    b.output(y, 'y');
    const model = b.build();
    expect(inferredShape(model, y)).toBe('[N, 48]');
    expect(evaluate(model, new Map([['x', Tensor.zeros(DataType.FLOAT, [2, 3, 4, 4])]])).get('y')?.dims).toEqual([
      2, 48,
    ]);
  });

  it('folds Shape → Gather → Mul/Add over static dims to a constant shape ([2·3, 4+12] = [6, 16])', () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, [2, 3, 4, 4]);
    const s = b.shapeOf(x);
    const rows = b.mul(b.gather(s, scalar(b, 'i0', 0)), b.gather(s, scalar(b, 'i1', 1)));
    const cols = b.add(b.gather(s, scalar(b, 'i2', 2)), scalar(b, 'twelve', 12));
    const y = b.reshape(x, b.concat([b.unsqueeze(rows, [0]), b.unsqueeze(cols, [0])], { axis: 0 }));
    b.output(y, 'y');
    expect(inferredShape(b.build(), y)).toBe('[6, 16]');
  });

  it('keeps symbolic dims through Div and Slice: [N, C, H, W] (C = 8) → [N, 2, C/2, H, W] = [N, 2, 4, H, W]', () => {
    const b = new GraphBuilder({ opset: 13 });
    const x = b.input('x', DataType.FLOAT, ['N', 8, 'H', 'W']);
    const s = b.shapeOf(x);
    const half = b.div(b.gather(s, int64(b, 'c', [1])), int64(b, 'two', [2]));
    const shape = b.concat(
      [
        b.slice(s, { starts: [0], ends: [1], axes: [0] }),
        int64(b, 'groups', [2]),
        half,
        b.slice(s, { starts: [2], ends: [4], axes: [0] }),
      ],
      { axis: 0 },
    );
    const y = b.reshape(x, shape);
    b.output(y, 'y');
    const model = b.build();
    expect(inferredShape(model, y)).toBe('[N, 2, 4, H, W]');
    expect(evaluate(model, new Map([['x', Tensor.zeros(DataType.FLOAT, [1, 8, 5, 7])]])).get('y')?.dims).toEqual([
      1, 2, 4, 5, 7,
    ]);
  });

  it('divides a symbolic dim: Reshape to [N, C, floor(H/2), 2, W] from Shape(x)[2] / 2', () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, ['N', 3, 'H', 'W']);
    const s = b.shapeOf(x);
    const h2 = b.div(b.gather(s, int64(b, 'h', [2])), int64(b, 'two', [2]));
    const shape = b.concat(
      [b.gather(s, int64(b, 'nc', [0, 1])), h2, int64(b, 'pair', [2]), b.gather(s, int64(b, 'w', [3]))],
      { axis: 0 },
    );
    const y = b.reshape(x, shape);
    b.output(y, 'y');
    const model = b.build();
    expect(inferredShape(model, y)).toBe('[N, 3, floor((H)/2), 2, W]');
    expect(evaluate(model, new Map([['x', Tensor.zeros(DataType.FLOAT, [1, 3, 6, 5])]])).get('y')?.dims).toEqual([
      1, 3, 3, 2, 5,
    ]);
  });

  it('expands to Shape(other): a [1, C, 1, 1] bias to [N, C, H, W]', () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, ['N', 4, 'H', 'W']);
    const bias = b.constant('bias', Tensor.float32([1, 4, 1, 1], [1, 2, 3, 4]));
    const y = b.op1(Expand, [bias, b.shapeOf(x)], {});
    b.output(y, 'y');
    const model = b.build();
    expect(inferredShape(model, y)).toBe('[N, 4, H, W]');
  });
});
