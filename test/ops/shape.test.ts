import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Shape } from '../../src/ops/shape.js';
import { feed, inferOp, runOp1 } from './run-op.js';

const x = Tensor.zeros(DataType.FLOAT, [3, 4, 5]);
const dims = (t: Tensor): bigint[] => Array.from(t.data as BigInt64Array);

describe('Shape', () => {
  it('returns the dims as int64', () => {
    const y = runOp1(Shape, [feed(x)], {});
    expect(y.dtype).toBe(DataType.INT64);
    expect(dims(y)).toEqual([3n, 4n, 5n]);
  });

  it('slices with start/end (negative from the back, clamped, empty when start >= end)', () => {
    expect(dims(runOp1(Shape, [feed(x)], { start: 1 }))).toEqual([4n, 5n]);
    expect(dims(runOp1(Shape, [feed(x)], { start: -1 }))).toEqual([5n]);
    expect(dims(runOp1(Shape, [feed(x)], { end: -1 }))).toEqual([3n, 4n]);
    expect(dims(runOp1(Shape, [feed(x)], { start: -10, end: 10 }))).toEqual([3n, 4n, 5n]);
    expect(dims(runOp1(Shape, [feed(x)], { start: 2, end: 1 }))).toEqual([]);
  });

  it('infers the length from the rank even with symbolic dims', () => {
    expect(inferOp(Shape, [{ dtype: DataType.FLOAT, shape: ['N', 'C', 'H', 'W'] }], { start: 2 })[0]).toEqual({
      dtype: DataType.INT64,
      shape: [2],
    });
  });
});
