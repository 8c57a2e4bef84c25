import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Flatten } from '../../src/ops/flatten.js';
import { feed, inferShape, runOp1 } from './run-op.js';

const x = Tensor.zeros(DataType.FLOAT, [2, 3, 4]);

describe('Flatten', () => {
  it('splits the dims at axis (default 1, 0 and rank allowed, negative counted from the back)', () => {
    expect(runOp1(Flatten, [feed(x)], {}).dims).toEqual([2, 12]);
    expect(runOp1(Flatten, [feed(x)], { axis: 0 }).dims).toEqual([1, 24]);
    expect(runOp1(Flatten, [feed(x)], { axis: 3 }).dims).toEqual([24, 1]);
    expect(runOp1(Flatten, [feed(x)], { axis: -1 }).dims).toEqual([6, 4]);
  });

  it('keeps a symbolic batch and multiplies known dims', () => {
    expect(inferShape(Flatten, [{ dtype: DataType.FLOAT, shape: ['N', 8, 3, 3] }], {})).toEqual(['N', '72']);
    expect(inferShape(Flatten, [{ dtype: DataType.FLOAT, shape: [2, 'C', 4] }], { axis: 2 })).toEqual(['2*C', '4']);
  });

  it('refuses axis rank + 1', () => {
    expect(() => runOp1(Flatten, [feed(x)], { axis: 4 })).toThrow(/axis 4 is out of range for rank 3 \(valid: -3..3\)/);
  });
});
