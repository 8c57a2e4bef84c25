import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Gather } from '../../src/ops/gather.js';
import { constant, feed, inferShape, runOp1, values } from './run-op.js';

const data = Tensor.float32([3, 2], [1, 2, 3, 4, 5, 6]);

describe('Gather', () => {
  it('picks rows along axis 0 with 2-D indices (output [2, 2, 2])', () => {
    const y = runOp1(Gather, [feed(data), feed(Tensor.int64([2, 2], [0, 2, 1, 1]))], {});
    expect(y.dims).toEqual([2, 2, 2]);
    expect(values(y)).toEqual([1, 2, 5, 6, 3, 4, 3, 4]);
  });

  it('picks columns along axis 1 with negative int32 indices', () => {
    const indices = new Tensor(DataType.INT32, [1], Int32Array.from([-1]));
    expect(values(runOp1(Gather, [feed(data), feed(indices)], { axis: 1 }))).toEqual([2, 4, 6]);
  });

  it('gives a scalar-indexed result one rank lower (Shape → Gather)', () => {
    const y = runOp1(Gather, [feed(Tensor.int64([4], [1, 8, 13, 17])), feed(Tensor.int64([], [2]))], {});
    expect(y.dims).toEqual([]);
    expect(Array.from(y.data as BigInt64Array)).toEqual([13n]);
  });

  it('infers shapes with symbolic dims', () => {
    expect(
      inferShape(
        Gather,
        [
          { dtype: DataType.FLOAT, shape: ['N', 'C', 7] },
          { dtype: DataType.INT64, shape: [3] },
        ],
        { axis: 2 },
      ),
    ).toEqual(['N', 'C', '3']);
  });

  it('refuses an out-of-range index at run time and, for constants, at build time', () => {
    expect(() => runOp1(Gather, [feed(data), feed(Tensor.int64([1], [3]))], {})).toThrow(
      /index 3 is out of range for axis 0 of size 3 \(valid: -3..2\)/,
    );
    expect(() => inferShape(Gather, [feed(data), constant(Tensor.int64([1], [-4]))], {})).toThrow(/index -4/);
  });
});
