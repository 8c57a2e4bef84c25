import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { OpError } from '../../src/ir/errors.js';
import { Tensor } from '../../src/ir/tensor.js';
import { MaxPool } from '../../src/ops/max-pool.js';
import { evaluate } from '../../src/runtime/reference.js';
import { iota, runOp, runOp1 } from './op-harness.js';

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

  it('returns Indices as flat row-major offsets into the whole input, batch and channel included', () => {
    const [y, indices] = runOp(MaxPool, [iota([1, 2, 3, 3])], { kernelShape: [2, 2] }, { outputCount: 2 });
    expect(y?.toNumbers()).toEqual([4, 5, 7, 8, 13, 14, 16, 17]);
    expect(indices?.dtype).toBe(DataType.INT64);
    expect(indices?.dims).toEqual([1, 2, 2, 2]);
    expect(indices?.toNumbers()).toEqual([4, 5, 7, 8, 13, 14, 16, 17]);
  });

  it('returns column-major spatial offsets for storage_order=1', () => {
    // (h, w) -> h + w*H with H = 3; channel 1 adds 9.
    const [, indices] = runOp(
      MaxPool,
      [iota([1, 2, 3, 3])],
      { kernelShape: [2, 2], storageOrder: 1 },
      { outputCount: 2 },
    );
    expect(indices?.toNumbers()).toEqual([4, 7, 5, 8, 13, 16, 14, 17]);
  });

  it('picks the first maximum in window order for Indices and never points into the padding', () => {
    const x = Tensor.float32([1, 1, 1, 4], [-1, 7, 7, -3]);
    const [y, indices] = runOp(MaxPool, [x], { kernelShape: [1, 3], pads: [0, 1, 0, 1] }, { outputCount: 2 });
    expect(y?.toNumbers()).toEqual([7, 7, 7, 7]);
    expect(indices?.toNumbers()).toEqual([1, 1, 1, 2]);
  });

  it('applies the ceil-mode last-window rule (5 -> 3 with k2 s2 p1)', () => {
    const y = runOp1(MaxPool, [iota([1, 1, 1, 5])], {
      kernelShape: [1, 2],
      strides: [1, 2],
      pads: [0, 1, 0, 1],
      ceilMode: 1,
    });
    expect(y.toNumbers()).toEqual([0, 2, 4]);
  });

  it('pools 1-D and 3-D inputs with the same kernel', () => {
    expect(
      runOp1(MaxPool, [Tensor.float32([1, 1, 4], [3, 1, 4, 1])], { kernelShape: [2], strides: [2] }).toNumbers(),
    ).toEqual([3, 4]);
    const y = runOp1(MaxPool, [iota([1, 1, 2, 2, 2])], { kernelShape: [2, 2, 2] });
    expect(y.dims).toEqual([1, 1, 1, 1, 1]);
    expect(y.toNumbers()).toEqual([7]);
  });

  it('pools with dilations', () => {
    // Taps 0 and 2 of each window: max(x0, x2), max(x1, x3).
    expect(
      runOp1(MaxPool, [Tensor.float32([1, 1, 4], [5, 1, 2, 9])], { kernelShape: [2], dilations: [2] }).toNumbers(),
    ).toEqual([5, 9]);
  });

  it('pools uint8 exactly', () => {
    const x = new Tensor(DataType.UINT8, [1, 1, 1, 3], Uint8Array.from([200, 7, 255]));
    const y = runOp1(MaxPool, [x], { kernelShape: [1, 2] });
    expect(y.dtype).toBe(DataType.UINT8);
    expect(y.toNumbers()).toEqual([200, 255]);
  });

  it('refuses an int32 input, naming the type', () => {
    const b = new GraphBuilder();
    const x = b.input('x', DataType.INT32, [1, 1, 4, 4]);
    expect(() => b.op1(MaxPool, [x], { kernelShape: [2, 2] })).toThrow(/int32/);
  });

  it('infers ceil-mode output dims for a symbolic size where the last-window rule cannot fire', () => {
    const b = new GraphBuilder();
    const x = b.input('x', DataType.FLOAT, [1, 8, 'H', 'W']);
    const y = b.op1(MaxPool, [x], { kernelShape: [3, 3], strides: [2, 2], ceilMode: 1 });
    // pad_end + stride = 2 <= span 3, so ceil((H - 3)/2) + 1 is exact: H = 3..8 gives 1, 2, 2, 3, 3, 4.
    const height = y.type?.shape?.[2];
    if (height === undefined || typeof height === 'number') throw new Error('expected a symbolic H');
    expect([3, 4, 5, 6, 7, 8].map((h) => height.evaluate(new Map([['H', h]])))).toEqual([1, 2, 2, 3, 3, 4]);
  });
});
