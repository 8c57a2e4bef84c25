import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Transpose } from '../../src/ops/transpose.js';
import { feed, inferShape, runOp1, values } from './run-op.js';

const x = Tensor.float32([2, 3], [1, 2, 3, 4, 5, 6]);

describe('Transpose', () => {
  it('reverses the axes by default', () => {
    const y = runOp1(Transpose, [feed(x)], {});
    expect(y.dims).toEqual([3, 2]);
    expect(values(y)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('applies perm on 3-D int64 data (output axis i = input axis perm[i])', () => {
    const t = Tensor.int64([2, 1, 2], [1, 2, 3, 4]);
    const y = runOp1(Transpose, [feed(t)], { perm: [2, 0, 1] });
    expect(y.dims).toEqual([2, 2, 1]);
    expect(Array.from(y.data as BigInt64Array)).toEqual([1n, 3n, 2n, 4n]);
  });

  it('permutes symbolic dims', () => {
    expect(
      inferShape(Transpose, [{ dtype: DataType.FLOAT, shape: ['N', 'C', 'H', 'W'] }], { perm: [0, 2, 3, 1] }),
    ).toEqual(['N', 'H', 'W', 'C']);
  });

  it('refuses a perm that is not a permutation', () => {
    expect(() => runOp1(Transpose, [feed(x)], { perm: [0, 0] })).toThrow(
      /perm \[0, 0\] is not a permutation of the 2 axes/,
    );
  });
});
