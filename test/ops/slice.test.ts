import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Slice } from '../../src/ops/slice.js';
import { constant, feed, inferShape, runOp1, runRaw, values } from './run-op.js';

const ints = (...v: (number | bigint)[]): Tensor => Tensor.int64([v.length], v);
const x = Tensor.float32([2, 5], [0, 1, 2, 3, 4, 10, 11, 12, 13, 14]);
const INT64_MAX = 2n ** 63n - 1n;

describe('Slice', () => {
  it('takes [1, 4) of the last axis', () => {
    expect(values(runOp1(Slice, [feed(x), feed(ints(1)), feed(ints(4)), feed(ints(1))], {}))).toEqual([
      1, 2, 3, 11, 12, 13,
    ]);
  });

  it('clamps out-of-range ends and treats INT64_MAX as the end', () => {
    expect(values(runOp1(Slice, [feed(x), feed(ints(3)), feed(ints(INT64_MAX)), feed(ints(-1))], {}))).toEqual([
      3, 4, 13, 14,
    ]);
    expect(runOp1(Slice, [feed(x), feed(ints(7)), feed(ints(9)), feed(ints(1))], {}).dims).toEqual([2, 0]);
  });

  it('walks backwards with a negative step (start clamped to d-1, end to -1)', () => {
    const y = runOp1(Slice, [feed(x), feed(ints(100)), feed(ints(-100)), feed(ints(1)), feed(ints(-2))], {});
    expect(values(y)).toEqual([4, 2, 0, 14, 12, 10]);
  });

  it('uses steps > 1 and negative axes', () => {
    expect(
      values(runOp1(Slice, [feed(x), feed(ints(0, 0)), feed(ints(2, 5)), feed(ints(-2, -1)), feed(ints(1, 3))], {})),
    ).toEqual([0, 3, 10, 13]);
  });

  it('reads starts/ends/axes attributes at opset 1', () => {
    const [y] = runRaw('Slice', 1, [x], { starts: Attr.ints([1]), ends: Attr.ints([2]), axes: Attr.ints([0]) });
    expect(y === undefined ? [] : values(y)).toEqual([10, 11, 12, 13, 14]);
  });

  it('infers symbolic lengths: open end, negative bounds and steps', () => {
    const input = { dtype: DataType.FLOAT, shape: ['N', 'H'] };
    expect(inferShape(Slice, [input, constant(ints(1)), constant(ints(INT64_MAX)), constant(ints(1))], {})).toEqual([
      'N',
      'H - 1',
    ]);
    expect(inferShape(Slice, [input, constant(ints(0)), constant(ints(-1)), constant(ints(1))], {})).toEqual([
      'N',
      'H - 1',
    ]);
    expect(inferShape(Slice, [input, constant(ints(-3)), constant(ints(INT64_MAX)), constant(ints(1))], {})).toEqual([
      'N',
      '3',
    ]);
    expect(
      inferShape(
        Slice,
        [input, constant(ints(0)), constant(ints(INT64_MAX)), constant(ints(1)), constant(ints(2))],
        {},
      ),
    ).toEqual(['N', 'ceil((H)/2)']);
  });

  it('gives an unknown dim where the clamp depends on the symbolic size, and keeps unsliced axes', () => {
    const input = { dtype: DataType.FLOAT, shape: ['N', 'H'] };
    expect(inferShape(Slice, [input, constant(ints(0)), constant(ints(2)), constant(ints(1))], {})).toEqual(['N', '?']);
    expect(
      inferShape(
        Slice,
        [input, { dtype: DataType.INT64, shape: [1] }, { dtype: DataType.INT64, shape: [1] }, constant(ints(1))],
        {},
      ),
    ).toEqual(['N', '?']);
  });

  it('refuses a zero step, repeated axes and mismatched lengths', () => {
    expect(() => runOp1(Slice, [feed(x), feed(ints(0)), feed(ints(1)), feed(ints(1)), feed(ints(0))], {})).toThrow(
      /step for axis 1 is 0/,
    );
    expect(() => runOp1(Slice, [feed(x), feed(ints(0, 0)), feed(ints(1, 1)), feed(ints(1, -1))], {})).toThrow(
      /repeat axis 1/,
    );
    expect(() => runOp1(Slice, [feed(x), feed(ints(0, 0)), feed(ints(1))], {})).toThrow(/same length/);
  });
});
