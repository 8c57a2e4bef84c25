import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Concat } from '../../src/ops/concat.js';
import { feed, inferShape, runOp1, values } from './run-op.js';

const a = Tensor.float32([2, 2], [1, 2, 3, 4]);
const b = Tensor.float32([2, 1], [5, 6]);

describe('Concat', () => {
  it('joins along axis 1 and along the negative axis -1 alike', () => {
    expect(values(runOp1(Concat, [feed(a), feed(b)], { axis: 1 }))).toEqual([1, 2, 5, 3, 4, 6]);
    expect(runOp1(Concat, [feed(a), feed(b)], { axis: -1 }).dims).toEqual([2, 3]);
  });

  it('joins int64 along axis 0', () => {
    const y = runOp1(Concat, [feed(Tensor.int64([1], [7])), feed(Tensor.int64([2], [8, 9]))], { axis: 0 });
    expect(Array.from(y.data as BigInt64Array)).toEqual([7n, 8n, 9n]);
  });

  it('sums symbolic dims along the axis', () => {
    const f = (shape: (number | string)[]): { dtype: DataType; shape: (number | string)[] } => ({
      dtype: DataType.FLOAT,
      shape,
    });
    expect(inferShape(Concat, [f(['N', 'C', 4]), f(['N', 'C', 1]), f(['N', 'C', 'K'])], { axis: 2 })).toEqual([
      'N',
      'C',
      'K + 5',
    ]);
    expect(inferShape(Concat, [f(['N', 16]), f(['N', 4])], { axis: 1 })).toEqual(['N', '20']);
  });

  it('refuses inputs that differ off the axis, naming the shapes', () => {
    expect(() => runOp1(Concat, [feed(a), feed(b)], { axis: 0 })).toThrow(/\[2, 2\].*\[2, 1\].*axis 1/);
  });

  it('refuses an axis outside the rank', () => {
    expect(() => runOp1(Concat, [feed(a), feed(a)], { axis: 2 })).toThrow(/axis 2 is out of range for rank 2/);
  });
});
