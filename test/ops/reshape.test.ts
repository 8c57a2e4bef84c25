import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Reshape } from '../../src/ops/reshape.js';
import { constant, feed, inferShape, runOp1 } from './run-op.js';

const x = Tensor.float32(
  [2, 3, 4],
  Array.from({ length: 24 }, (_, i) => i),
);
const shape = (dims: number[]): Tensor => Tensor.int64([dims.length], dims);

describe('Reshape', () => {
  it('infers -1 and copies 0 from the input', () => {
    expect(runOp1(Reshape, [feed(x), feed(shape([0, -1]))], {}).dims).toEqual([2, 12]);
    expect(runOp1(Reshape, [feed(x), feed(shape([-1, 2, 2]))], {}).dims).toEqual([6, 2, 2]);
  });

  it('keeps the element order', () => {
    expect(runOp1(Reshape, [feed(x), feed(shape([4, 6]))], {}).toNumbers()).toEqual(x.toNumbers());
  });

  it('treats 0 as a real dim with allowzero = 1', () => {
    const empty = Tensor.zeros(DataType.FLOAT, [0, 3]);
    expect(runOp1(Reshape, [feed(empty), feed(shape([3, 0]))], { allowzero: 1 }).dims).toEqual([3, 0]);
  });

  it('infers symbolic shapes from a constant shape input', () => {
    const input = { dtype: DataType.FLOAT, shape: ['N', 8, 'H', 'W'] };
    expect(inferShape(Reshape, [input, constant(shape([0, 0, -1]))], {})).toEqual(['N', '8', '?']);
    expect(
      inferShape(Reshape, [{ dtype: DataType.FLOAT, shape: ['N', 8, 4, 4] }, constant(shape([0, -1]))], {}),
    ).toEqual(['N', '128']);
    expect(inferShape(Reshape, [{ dtype: DataType.FLOAT, shape: ['N', 6] }, constant(shape([-1, 2, 1]))], {})).toEqual([
      '3*N',
      '2',
      '1',
    ]);
  });

  it('gives unknown dims of the right rank for a computed shape', () => {
    expect(inferShape(Reshape, [feed(x), { dtype: DataType.INT64, shape: [2] }], {})).toEqual(['?', '?']);
  });

  it('refuses an element-count mismatch, two -1s and dims below -1, naming the shapes', () => {
    expect(() => runOp1(Reshape, [feed(x), feed(shape([5, 5]))], {})).toThrow(
      /\[2, 3, 4\] to \[5, 5\].*24 elements cannot become 25/,
    );
    expect(() => runOp1(Reshape, [feed(x), feed(shape([-1, -1]))], {})).toThrow(/at most one dim may be -1/);
    expect(() => runOp1(Reshape, [feed(x), feed(shape([-2, 12]))], {})).toThrow(/dims must be >= -1/);
    expect(() => runOp1(Reshape, [feed(x), feed(shape([5, -1]))], {})).toThrow(/not divisible by 5/);
  });
});
