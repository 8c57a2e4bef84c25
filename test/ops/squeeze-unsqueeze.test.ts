import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Squeeze } from '../../src/ops/squeeze.js';
import { Unsqueeze } from '../../src/ops/unsqueeze.js';
import { constant, feed, inferShape, runOp1, runRaw } from './run-op.js';

const axes = (...v: number[]): Tensor => Tensor.int64([v.length], v);
const x = Tensor.zeros(DataType.FLOAT, [3, 4]);

describe('Unsqueeze', () => {
  it('inserts 1s at output positions, negative and unsorted axes included', () => {
    expect(runOp1(Unsqueeze, [feed(x), feed(axes(0))], {}).dims).toEqual([1, 3, 4]);
    expect(runOp1(Unsqueeze, [feed(x), feed(axes(3, 0))], {}).dims).toEqual([1, 3, 4, 1]);
    expect(runOp1(Unsqueeze, [feed(x), feed(axes(-1))], {}).dims).toEqual([3, 4, 1]);
  });

  it('reads axes from the attribute before opset 13', () => {
    expect(runRaw('Unsqueeze', 11, [x], { axes: Attr.ints([1]) })[0]?.dims).toEqual([3, 1, 4]);
  });

  it('keeps symbolic dims with constant axes; unknown rank for computed ones', () => {
    expect(inferShape(Unsqueeze, [{ dtype: DataType.FLOAT, shape: ['N', 'C'] }, constant(axes(2, 3))], {})).toEqual([
      'N',
      'C',
      '1',
      '1',
    ]);
    expect(
      inferShape(
        Unsqueeze,
        [
          { dtype: DataType.FLOAT, shape: ['N'] },
          { dtype: DataType.INT64, shape: [1] },
        ],
        {},
      ),
    ).toBeNull();
  });

  it('refuses repeated and out-of-range axes', () => {
    expect(() => runOp1(Unsqueeze, [feed(x), feed(axes(0, -4))], {})).toThrow(/repeat/);
    expect(() => runOp1(Unsqueeze, [feed(x), feed(axes(3))], {})).toThrow(/axis 3 is out of range for rank 3/);
  });
});

describe('Squeeze', () => {
  const y = Tensor.zeros(DataType.FLOAT, [1, 3, 1]);

  it('removes every 1 without axes, and only the listed ones with them', () => {
    expect(runOp1(Squeeze, [feed(y)], {}).dims).toEqual([3]);
    expect(runOp1(Squeeze, [feed(y), feed(axes(-1))], {}).dims).toEqual([1, 3]);
    expect(runRaw('Squeeze', 11, [y], { axes: Attr.ints([0]) })[0]?.dims).toEqual([3, 1]);
  });

  it('refuses to squeeze a dim that is not 1, naming it', () => {
    expect(() => runOp1(Squeeze, [feed(y), feed(axes(1))], {})).toThrow(/axis 1 of \[1, 3, 1\]: its size is 3/);
  });

  it('cannot tell which symbolic dims are 1 without axes', () => {
    expect(inferShape(Squeeze, [{ dtype: DataType.FLOAT, shape: ['N', 1, 'K'] }], {})).toBeNull();
    expect(inferShape(Squeeze, [{ dtype: DataType.FLOAT, shape: ['N', 1, 'K'] }, constant(axes(1))], {})).toEqual([
      'N',
      'K',
    ]);
  });
});
