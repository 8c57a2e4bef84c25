/**
 * Tile, CumSum, Trilu, DepthToSpace, SpaceToDepth and LogSoftmax: hand-derived cases for what the ONNX
 * conformance data does not cover (opset-1 Tile, zero repeats, integer wrapping, exclusive + reverse, diagonal
 * offsets, strings, symbolic inference, the opset-11 LogSoftmax flattening, errors).
 */
import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { CumSum } from '../../src/ops/cum-sum.js';
import { DepthToSpace } from '../../src/ops/depth-to-space.js';
import { LogSoftmax } from '../../src/ops/log-softmax.js';
import { SpaceToDepth } from '../../src/ops/space-to-depth.js';
import { Tile } from '../../src/ops/tile.js';
import { Trilu } from '../../src/ops/trilu.js';
import { constant, feed, inferShape, runOp1, runRaw, values } from './run-op.js';

const f32 = (dims: number[], list: number[]): Tensor => Tensor.float32(dims, list);
const i32 = (dims: number[], list: number[]): Tensor => new Tensor(DataType.INT32, dims, Int32Array.from(list));
const i64 = (dims: number[], list: number[]): Tensor => Tensor.int64(dims, list);
const iota = (dims: number[]): Tensor =>
  f32(
    dims,
    Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => i),
  );

describe('Tile', () => {
  it('repeats along every axis (the spec example) and allows zero repeats', () => {
    const y = runOp1(Tile, [feed(f32([2, 2], [1, 2, 3, 4])), constant(i64([2], [1, 2]))], {});
    expect(y.dims).toEqual([2, 4]);
    expect(values(y)).toEqual([1, 2, 1, 2, 3, 4, 3, 4]);
    expect(runOp1(Tile, [feed(f32([2], [1, 2])), constant(i64([1], [0]))], {}).dims).toEqual([0]);
    const words = new Tensor(DataType.STRING, [2], ['a', 'b']);
    expect(runOp1(Tile, [feed(words), constant(i64([1], [2]))], {}).data).toEqual(['a', 'b', 'a', 'b']);
  });

  it('repeats along one axis with the float tiles and axis inputs of opset 1', () => {
    const [y] = runRaw('Tile', 1, [f32([1, 2], [1, 2]), f32([], [3]), f32([], [0])]);
    expect(y?.dims).toEqual([3, 2]);
    expect(y === undefined ? [] : values(y)).toEqual([1, 2, 1, 2, 1, 2]);
  });

  it('multiplies symbolic dims by constant repeats', () => {
    const shape = inferShape(Tile, [{ dtype: DataType.FLOAT, shape: ['N', 3] }, constant(i64([2], [2, 1]))], {});
    expect(shape).toEqual(['2*N', '3']);
  });

  it('refuses repeats of the wrong length or below zero', () => {
    const x = f32([2, 2], [1, 2, 3, 4]);
    expect(() => runOp1(Tile, [feed(x), constant(i64([1], [2]))], {})).toThrow(
      /Tile node .*repeats \[2\] must have one entry per axis of input \[2, 2\]/,
    );
    expect(() => runOp1(Tile, [feed(x), constant(i64([2], [1, -1]))], {})).toThrow(/must be integers >= 0/);
  });
});

describe('CumSum', () => {
  const x = f32([5], [1, 2, 3, 4, 5]);
  const axis = (value: number): Tensor => i64([], [value]);

  it('sums inclusively or exclusively, forwards or in reverse', () => {
    expect(values(runOp1(CumSum, [feed(x), constant(axis(0))], {}))).toEqual([1, 3, 6, 10, 15]);
    expect(values(runOp1(CumSum, [feed(x), constant(axis(0))], { exclusive: 1 }))).toEqual([0, 1, 3, 6, 10]);
    expect(values(runOp1(CumSum, [feed(x), constant(axis(0))], { reverse: 1 }))).toEqual([15, 14, 12, 9, 5]);
    expect(values(runOp1(CumSum, [feed(x), constant(axis(0))], { exclusive: 1, reverse: 1 }))).toEqual([
      14, 12, 9, 5, 0,
    ]);
  });

  it('sums along a negative axis given as int32', () => {
    // [[1, 2, 3], [4, 5, 6]] along the last axis.
    const y = runOp1(CumSum, [feed(f32([2, 3], [1, 2, 3, 4, 5, 6])), constant(i32([], [-1]))], {});
    expect(values(y)).toEqual([1, 3, 6, 4, 9, 15]);
  });

  it('wraps int32 and int64 sums like C', () => {
    const y = runOp1(CumSum, [feed(i32([2], [2147483647, 1])), constant(axis(0))], {});
    expect(values(y)).toEqual([2147483647, -2147483648]);
    const big = new Tensor(DataType.INT64, [2], BigInt64Array.from([2n ** 63n - 1n, 1n]));
    const z = runOp1(CumSum, [feed(big), constant(axis(0))], {});
    expect(z.data instanceof BigInt64Array ? Array.from(z.data) : []).toEqual([2n ** 63n - 1n, -(2n ** 63n)]);
  });

  it('refuses an axis out of range, naming x', () => {
    expect(() => runOp1(CumSum, [feed(x), constant(axis(1))], {})).toThrow(
      /CumSum node .*axis 1 is out of range for rank 1 \(valid: -1..0\) \(x .*\[5\]\)/,
    );
  });
});

describe('Trilu', () => {
  // [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
  const x = iota([3, 3]);

  it('keeps the upper or lower triangle, the diagonal shifted by k', () => {
    expect(values(runOp1(Trilu, [feed(x)], {}))).toEqual([0, 1, 2, 0, 4, 5, 0, 0, 8]);
    expect(values(runOp1(Trilu, [feed(x), constant(i64([], [1]))], {}))).toEqual([0, 1, 2, 0, 0, 5, 0, 0, 0]);
    expect(values(runOp1(Trilu, [feed(x), constant(i64([], [-1]))], { upper: 0 }))).toEqual([
      0, 0, 0, 3, 0, 0, 6, 7, 0,
    ]);
    expect(values(runOp1(Trilu, [feed(x), constant(i64([], [5]))], {}))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('works per matrix of a batch and on strings', () => {
    const y = runOp1(Trilu, [feed(iota([2, 2, 2]))], { upper: 0 });
    expect(values(y)).toEqual([0, 0, 2, 3, 4, 0, 6, 7]);
    const words = new Tensor(DataType.STRING, [2, 2], ['a', 'b', 'c', 'd']);
    expect(runOp1(Trilu, [feed(words)], {}).data).toEqual(['a', 'b', '', 'd']);
  });

  it('refuses rank 1', () => {
    expect(() => runOp1(Trilu, [feed(f32([3], [1, 2, 3]))], {})).toThrow(/Trilu node .*rank >= 2, got \[3\]/);
  });
});

describe('DepthToSpace, SpaceToDepth', () => {
  // Channels 0..7 of a 1×1 image, blocksize 2: output (c, i, j) reads channel (i·2 + j)·2 + c (DCR)
  // or c·4 + i·2 + j (CRD).
  const x = iota([1, 8, 1, 1]);

  it('orders channels by DCR (default) or CRD', () => {
    const dcr = runOp1(DepthToSpace, [feed(x)], { blocksize: 2 });
    expect(dcr.dims).toEqual([1, 2, 2, 2]);
    expect(values(dcr)).toEqual([0, 2, 4, 6, 1, 3, 5, 7]);
    expect(values(runOp1(DepthToSpace, [feed(x)], { blocksize: 2, mode: 'CRD' }))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('SpaceToDepth inverts DepthToSpace in DCR mode', () => {
    // [[0, 1], [2, 3]] → channels (i·2 + j): 0, 1, 2, 3.
    expect(values(runOp1(SpaceToDepth, [feed(iota([1, 1, 2, 2]))], { blocksize: 2 }))).toEqual([0, 1, 2, 3]);
    const image = iota([2, 2, 4, 6]);
    const packed = runOp1(SpaceToDepth, [feed(image)], { blocksize: 2 });
    expect(packed.dims).toEqual([2, 8, 2, 3]);
    expect(values(runOp1(DepthToSpace, [feed(packed)], { blocksize: 2 }))).toEqual(values(image));
  });

  it('keep symbolic dims', () => {
    const input = { dtype: DataType.FLOAT, shape: ['N', 8, 'H', 'W'] };
    expect(inferShape(DepthToSpace, [input], { blocksize: 2 })).toEqual(['N', '2', '2*H', '2*W']);
    expect(inferShape(SpaceToDepth, [input], { blocksize: 2 })).toEqual(['N', '32', 'floor((H)/2)', 'floor((W)/2)']);
  });

  it('refuse channels or sizes that are not multiples of the block', () => {
    expect(() => runOp1(DepthToSpace, [feed(iota([1, 6, 1, 1]))], { blocksize: 2 })).toThrow(
      /DepthToSpace node .*channels 6 of input .*\[1, 6, 1, 1\] must be a multiple of blocksize² = 4/,
    );
    expect(() => runOp1(SpaceToDepth, [feed(iota([1, 1, 3, 2]))], { blocksize: 2 })).toThrow(
      /SpaceToDepth node .*height 3 .*must be a multiple of blocksize 2/,
    );
  });
});

describe('LogSoftmax', () => {
  it('gives log(1/n) for equal inputs, even large ones', () => {
    const y = runOp1(LogSoftmax, [feed(f32([2], [1000, 1000]))], {});
    expect(values(y)).toHaveLength(2);
    for (const v of values(y)) expect(v).toBeCloseTo(-Math.LN2, 6);
  });

  it('normalises over the flattened trailing dims before opset 13 and over one axis from 13', () => {
    const x = f32([1, 2, 2], [5, 5, 5, 5]);
    const [old] = runRaw('LogSoftmax', 11, [x]);
    // Opset 11, axis 1: one row of 4 equal values → -ln 4 each; opset 13, axis 1: columns of 2 → -ln 2.
    expect(old === undefined ? [] : values(old).map((v) => Math.round(v * 1e5) / 1e5)).toEqual(
      Array(4).fill(Math.round(-Math.log(4) * 1e5) / 1e5),
    );
    const now = runOp1(LogSoftmax, [feed(x)], { axis: 1 });
    expect(values(now).map((v) => Math.round(v * 1e5) / 1e5)).toEqual(Array(4).fill(Math.round(-Math.LN2 * 1e5) / 1e5));
  });

  it('refuses an axis out of range', () => {
    expect(() => runOp1(LogSoftmax, [feed(f32([2], [1, 2]))], { axis: 1 })).toThrow(
      /LogSoftmax node .*axis 1 is out of range for rank 1/,
    );
  });
});
