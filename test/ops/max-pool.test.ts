import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/graph/dtype.js';
import { OpError } from '../../src/graph/errors.js';
import { Tensor } from '../../src/graph/tensor.js';
import { MaxPool } from '../../src/ops/max-pool.js';
import { evaluate } from '../../src/runtime/reference.js';

describe('MaxPool', () => {
  it('pools a hand-computed 4x4 with k2 s2', () => {
    const b = new GraphBuilder();
    const x = b.input('x', DataType.FLOAT, [1, 1, 4, 4]);
    b.output(b.op1(MaxPool, [x], { kernelShape: [2, 2], strides: [2, 2] }), 'y');
    const input = Tensor.float32([1, 1, 4, 4], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    const y = evaluate(b.build(), new Map([['x', input]])).get('y');
    expect(y?.dims).toEqual([1, 1, 2, 2]);
    expect(Array.from(y?.data as Float32Array)).toEqual([6, 8, 14, 16]);
  });

  it('keeps a symbolic H through a same-padded stride-1 pool', () => {
    const b = new GraphBuilder();
    const x = b.input('x', DataType.FLOAT, [1, 8, 'H', 'W']);
    const y = b.op1(MaxPool, [x], { kernelShape: [5, 5], pads: [2, 2, 2, 2] });
    expect(y.type?.shape?.map(String)).toEqual(['1', '8', 'H', 'W']);
  });

  it('never lets padding win on all-negative input', () => {
    const b = new GraphBuilder();
    const x = b.input('x', DataType.FLOAT, [1, 1, 1, 3]);
    b.output(b.op1(MaxPool, [x], { kernelShape: [1, 3], pads: [0, 1, 0, 1] }), 'y');
    const y = evaluate(b.build(), new Map([['x', Tensor.float32([1, 1, 1, 3], [-3, -1, -2])]])).get('y');
    expect(Array.from(y?.data as Float32Array)).toEqual([-1, -1, -1]);
  });

  it('refuses an unknown attribute at build time, naming it', () => {
    const b = new GraphBuilder();
    const x = b.input('x', DataType.FLOAT, [1, 1, 4, 4]);
    expect(() => b.op1(MaxPool, [x], { kernelShape: [2, 2], bogus: 1 } as never)).toThrow(/attribute 'bogus'/);
  });

  it('refuses a kernel larger than the padded input', () => {
    const b = new GraphBuilder();
    const x = b.input('x', DataType.FLOAT, [1, 1, 3, 3]);
    expect(() => b.op1(MaxPool, [x], { kernelShape: [5, 5] })).toThrow(OpError);
  });
});
