import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Split } from '../../src/ops/split.js';
import { constant, feed, inferOp, runOp, runRaw, values } from './run-op.js';

const x = Tensor.float32([6], [1, 2, 3, 4, 5, 6]);

describe('Split', () => {
  it('cuts into equal parts, one per output', () => {
    expect(runOp(Split, [feed(x)], {}, { outputCount: 3 }).map(values)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it('uses the split input (opset 13) and the split attribute (opset 11)', () => {
    expect(runOp(Split, [feed(x), feed(Tensor.int64([2], [2, 4]))], {}, { outputCount: 2 }).map(values)).toEqual([
      [1, 2],
      [3, 4, 5, 6],
    ]);
    expect(runRaw('Split', 11, [x], { split: Attr.ints([5, 1]) }, 2).map(values)).toEqual([[1, 2, 3, 4, 5], [6]]);
  });

  it('uses num_outputs from opset 18 with a smaller last part (ceil(5/2) = 3, then 2)', () => {
    const five = Tensor.float32([5], [1, 2, 3, 4, 5]);
    expect(runOp(Split, [feed(five)], { numOutputs: 2 }, { outputCount: 2, opset: 18 }).map(values)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('splits a symbolic axis into floor/ceil parts', () => {
    const types = inferOp(
      Split,
      [{ dtype: DataType.FLOAT, shape: ['N', 'H'] }],
      { axis: -1, numOutputs: 2 },
      { outputCount: 2, opset: 18 },
    );
    expect(types.map((t) => t?.shape?.map(String))).toEqual([
      ['N', 'ceil((H)/2)'],
      ['N', 'H - ceil((H)/2)'],
    ]);
    const fixed = inferOp(
      Split,
      [{ dtype: DataType.FLOAT, shape: ['N', 'H'] }, constant(Tensor.int64([2], [1, 1]))],
      { axis: 0 },
      { outputCount: 2 },
    );
    expect(fixed.map((t) => t?.shape?.map(String))).toEqual([
      ['1', 'H'],
      ['1', 'H'],
    ]);
  });

  it('refuses splits that do not add up, and uneven equal splits', () => {
    expect(() => runOp(Split, [feed(x), feed(Tensor.int64([2], [2, 2]))], {}, { outputCount: 2 })).toThrow(
      /split \[2, 2\] sums to 4, but the axis has size 6/,
    );
    expect(() => runOp(Split, [feed(x)], {}, { outputCount: 4 })).toThrow(/size 6 cannot be split into 4 equal parts/);
  });
});
