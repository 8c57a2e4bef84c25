import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Pad } from '../../src/ops/pad.js';
import { constant, feed, inferShape, runOp1, runRaw, values } from './run-op.js';

const row = Tensor.float32([1, 3], [1, 2, 3]);
const pads = (...v: number[]): Tensor => Tensor.int64([v.length], v);

describe('Pad', () => {
  it('pads with a constant (default 0, or constant_value)', () => {
    expect(values(runOp1(Pad, [feed(row), feed(pads(0, 1, 0, 2))], {}))).toEqual([0, 1, 2, 3, 0, 0]);
    expect(values(runOp1(Pad, [feed(row), feed(pads(0, 1, 0, 0)), feed(Tensor.float32([], [9]))], {}))).toEqual([
      9, 1, 2, 3,
    ]);
  });

  it('reflects without repeating the edge, repeats the edge, and wraps', () => {
    const p = feed(pads(0, 2, 0, 2));
    expect(values(runOp1(Pad, [feed(row), p], { mode: 'reflect' }))).toEqual([3, 2, 1, 2, 3, 2, 1]);
    expect(values(runOp1(Pad, [feed(row), p], { mode: 'edge' }))).toEqual([1, 1, 1, 2, 3, 3, 3]);
    expect(values(runOp1(Pad, [feed(row), p], { mode: 'wrap' }, { opset: 19 }))).toEqual([2, 3, 1, 2, 3, 1, 2]);
  });

  it('crops with negative pads', () => {
    expect(values(runOp1(Pad, [feed(row), feed(pads(0, -1, 0, 1))], {}))).toEqual([2, 3, 0]);
  });

  it('pads only the listed axes (opset 18), negative axes included', () => {
    const y = runOp1(Pad, [feed(row), feed(pads(1, 1)), null, feed(Tensor.int64([1], [-1]))], {}, { opset: 18 });
    expect(values(y)).toEqual([0, 1, 2, 3, 0]);
  });

  it('pads int64 data with an int64 constant', () => {
    const y = runOp1(Pad, [feed(Tensor.int64([2], [1, 2])), feed(pads(1, 0)), feed(Tensor.int64([], [-7]))], {});
    expect(Array.from(y.data as BigInt64Array)).toEqual([-7n, 1n, 2n]);
  });

  it('reads the pads and value attributes at opset 2', () => {
    const [y] = runRaw('Pad', 2, [row], { pads: Attr.ints([0, 1, 0, 0]), value: Attr.float(5) });
    expect(y === undefined ? [] : values(y)).toEqual([5, 1, 2, 3]);
  });

  it('infers symbolic padded sizes', () => {
    expect(inferShape(Pad, [{ dtype: DataType.FLOAT, shape: ['N', 'H'] }, constant(pads(0, 2, 0, 3))], {})).toEqual([
      'N',
      'H + 5',
    ]);
  });

  it('refuses wrong pads lengths, over-cropping and wrap before opset 19', () => {
    expect(() => runOp1(Pad, [feed(row), feed(pads(1, 1))], {})).toThrow(/pads \[1, 1\] must have 4 entries/);
    expect(() => runOp1(Pad, [feed(row), feed(pads(0, -2, 0, -2))], {})).toThrow(
      /crop more than axis 1 of size 3|negative size/,
    );
    expect(() => runOp1(Pad, [feed(row), feed(pads(0, 1, 0, 1))], { mode: 'wrap' })).toThrow(/needs opset 19/);
  });
});
