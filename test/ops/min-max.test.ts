import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Max } from '../../src/ops/max.js';
import { Min } from '../../src/ops/min.js';
import { feed, inferShape, runOp1, values } from './run-op.js';

describe('Max / Min', () => {
  it('take the elementwise extreme of three inputs with broadcasting', () => {
    const a = Tensor.float32([2, 2], [1, 5, 3, 0]);
    const b = Tensor.float32([2], [2, 2]);
    const c = Tensor.float32([], [4]);
    expect(values(runOp1(Max, [feed(a), feed(b), feed(c)], {}))).toEqual([4, 5, 4, 4]);
    expect(values(runOp1(Min, [feed(a), feed(b), feed(c)], {}))).toEqual([1, 2, 2, 0]);
  });

  it('return the single input unchanged', () => {
    expect(values(runOp1(Max, [feed(Tensor.float32([2], [3, 1]))], {}))).toEqual([3, 1]);
  });

  it('propagate NaN', () => {
    expect(values(runOp1(Max, [feed(Tensor.float32([1], [NaN])), feed(Tensor.float32([1], [1]))], {}))).toEqual([NaN]);
  });

  it('compare uint64 above 2^63 as unsigned', () => {
    const big = new Tensor(DataType.UINT64, [1], BigUint64Array.from([2n ** 63n + 1n]));
    const one = new Tensor(DataType.UINT64, [1], BigUint64Array.from([1n]));
    expect((runOp1(Max, [feed(big), feed(one)], {}).data as BigUint64Array)[0]).toBe(2n ** 63n + 1n);
  });

  it('infer the broadcast shape of symbolic inputs', () => {
    expect(
      inferShape(
        Min,
        [
          { dtype: DataType.FLOAT, shape: ['N', 1] },
          { dtype: DataType.FLOAT, shape: [1, 'C'] },
        ],
        {},
      ),
    ).toEqual(['N', 'C']);
  });

  it('refuse inputs of different types', () => {
    expect(() => runOp1(Max, [feed(Tensor.float32([1], [1])), feed(Tensor.int64([1], [1]))], {})).toThrow(
      /float32 and input 1 is int64/,
    );
  });
});
