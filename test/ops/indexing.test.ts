/**
 * GatherElements, ScatterElements, ScatterND, NonZero and TopK: hand-derived cases for what the ONNX conformance
 * data does not cover (negative indices, reductions on integers and bool, strings, NaN, ties, exact int64, the
 * opset-9 `k` attribute, symbolic inference, errors).
 */
import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { GatherElements } from '../../src/ops/gather-elements.js';
import { NonZero } from '../../src/ops/non-zero.js';
import { ScatterElements } from '../../src/ops/scatter-elements.js';
import { ScatterND } from '../../src/ops/scatter-nd.js';
import { TopK } from '../../src/ops/top-k.js';
import { constant, feed, inferShape, runOp, runOp1, runRaw, values } from './run-op.js';

const f32 = (dims: number[], list: number[]): Tensor => Tensor.float32(dims, list);
const i32 = (dims: number[], list: number[]): Tensor => new Tensor(DataType.INT32, dims, Int32Array.from(list));
const i64 = (dims: number[], list: number[]): Tensor => Tensor.int64(dims, list);
const text = (dims: number[], list: string[]): Tensor => new Tensor(DataType.STRING, dims, list);

describe('GatherElements', () => {
  it('picks along the axis, negative indices counting from the back', () => {
    // data [[1, 2], [3, 4]], axis 1: out[i][j] = data[i][indices[i][j]].
    const data = f32([2, 2], [1, 2, 3, 4]);
    expect(values(runOp1(GatherElements, [feed(data), constant(i64([2, 2], [0, 0, 1, 0]))], { axis: 1 }))).toEqual([
      1, 1, 4, 3,
    ]);
    expect(values(runOp1(GatherElements, [feed(data), constant(i32([1, 2], [-1, 0]))], { axis: 1 }))).toEqual([2, 1]);
    // axis 0 with fewer rows of indices than data: out[i][j] = data[indices[i][j]][j].
    expect(values(runOp1(GatherElements, [feed(data), constant(i64([1, 2], [1, 0]))], { axis: 0 }))).toEqual([3, 2]);
  });

  it('moves strings, and takes the shape of indices, symbolic dims included', () => {
    const words = text([3], ['a', 'b', 'c']);
    expect(runOp1(GatherElements, [feed(words), constant(i64([2], [2, 0]))], {}).data).toEqual(['c', 'a']);
    const shape = inferShape(
      GatherElements,
      [
        { dtype: DataType.FLOAT, shape: ['N', 5] },
        { dtype: DataType.INT64, shape: ['N', 'K'] },
      ],
      { axis: 1 },
    );
    expect(shape).toEqual(['N', 'K']);
  });

  it('refuses an index out of range, naming the index, the axis and both shapes', () => {
    const data = f32([2, 2], [1, 2, 3, 4]);
    const outOfRange = (): unknown => runOp1(GatherElements, [feed(data), constant(i64([1, 1], [2]))], { axis: 1 });
    expect(outOfRange).toThrow(/GatherElements node .*index 2 at \[0, 0\] of indices int64\[1, 1\] is out of range/);
    expect(outOfRange).toThrow(/for axis 1 of data float32\[2, 2\] \(valid: -2\.\.1\)/);
    expect(() => runOp1(GatherElements, [feed(data), constant(i64([2], [0, 1]))], {})).toThrow(
      /must have the rank of data/,
    );
  });
});

describe('ScatterElements', () => {
  it('writes updates along axis 0 (the spec example)', () => {
    const data = Tensor.zeros(DataType.FLOAT, [3, 3]);
    const indices = i64([2, 3], [1, 0, 2, 0, 2, 1]);
    const updates = f32([2, 3], [1, 1.1, 1.2, 2, 2.1, 2.2]);
    const y = runOp1(ScatterElements, [feed(data), constant(indices), constant(updates)], {});
    expect(values(y).map((v) => Math.round(v * 10) / 10)).toEqual([2, 1.1, 0, 1, 0, 2.2, 0, 2.1, 1.2]);
  });

  it('combines duplicates with add, mul, max and min; integers wrap, bool uses or/and', () => {
    const data = i32([3], [5, 65536, 5]);
    const run = (reduction: 'add' | 'mul' | 'max' | 'min', indices: number[], updates: number[]): number[] =>
      values(
        runOp1(
          ScatterElements,
          [feed(data), constant(i64([indices.length], indices)), constant(i32([updates.length], updates))],
          { reduction },
          { opset: 18 },
        ),
      );
    expect(run('add', [0, 0, -1], [1, 2, 3])).toEqual([8, 65536, 8]);
    // 65536 * 65536 = 2^32 wraps to 0 in int32.
    expect(run('mul', [1], [65536])).toEqual([5, 0, 5]);
    expect(run('max', [0, 2], [9, 1])).toEqual([9, 65536, 5]);
    expect(run('min', [0, 2], [9, 1])).toEqual([5, 65536, 1]);
    const flags = new Tensor(DataType.BOOL, [2], Uint8Array.from([0, 1]));
    const updates = new Tensor(DataType.BOOL, [2], Uint8Array.from([1, 0]));
    const or = runOp1(ScatterElements, [feed(flags), constant(i64([2], [0, 1])), constant(updates)], {
      reduction: 'add',
    });
    expect(values(or)).toEqual([1, 1]);
    const and = runOp1(ScatterElements, [feed(flags), constant(i64([2], [0, 1])), constant(updates)], {
      reduction: 'mul',
    });
    expect(values(and)).toEqual([0, 0]);
  });

  it('refuses max before opset 18 and a reduction on strings', () => {
    const data = f32([2], [1, 2]);
    expect(() =>
      runOp1(
        ScatterElements,
        [feed(data), constant(i64([1], [0])), constant(f32([1], [5]))],
        { reduction: 'max' },
        { opset: 17 },
      ),
    ).toThrow(/ScatterElements node .*reduction 'max' needs opset 18 or later \(opset 17 allows none, add, mul\)/);
    expect(() =>
      runOp1(ScatterElements, [feed(text([1], ['a'])), constant(i64([1], [0])), constant(text([1], ['b']))], {
        reduction: 'add',
      }),
    ).toThrow(/reduction 'add' is not defined for string\[1\]/);
  });
});

describe('ScatterND', () => {
  it('writes single elements (the spec example) and whole slices, with negative indices', () => {
    const data = f32([8], [1, 2, 3, 4, 5, 6, 7, 8]);
    const y = runOp1(
      ScatterND,
      [feed(data), constant(i64([4, 1], [4, 3, 1, 7])), constant(f32([4], [9, 10, 11, 12]))],
      {},
    );
    expect(values(y)).toEqual([1, 11, 3, 10, 9, 6, 7, 12]);
    const grid = Tensor.zeros(DataType.FLOAT, [2, 2]);
    const rows = runOp1(ScatterND, [feed(grid), constant(i64([1, 1], [-1])), constant(f32([1, 2], [5, 6]))], {});
    expect(values(rows)).toEqual([0, 0, 5, 6]);
  });

  it('multiplies int64 exactly with reduction mul', () => {
    const data = new Tensor(DataType.INT64, [2], BigInt64Array.from([3n, 2n ** 40n]));
    const updates = new Tensor(DataType.INT64, [2], BigInt64Array.from([2n ** 40n, 3n]));
    const y = runOp1(ScatterND, [feed(data), constant(i64([2, 1], [0, 1])), constant(updates)], { reduction: 'mul' });
    expect(y.data instanceof BigInt64Array ? Array.from(y.data) : []).toEqual([3n * 2n ** 40n, 3n * 2n ** 40n]);
  });

  it('refuses updates of the wrong shape and an index out of range', () => {
    const data = Tensor.zeros(DataType.FLOAT, [2, 3]);
    expect(() => runOp1(ScatterND, [feed(data), constant(i64([1, 1], [0])), constant(f32([2], [1, 2]))], {})).toThrow(
      /ScatterND node .*updates must have shape indices.shape\[:-1\] \+ data.shape\[k:\] = \[1, 3\]/,
    );
    expect(() => runOp1(ScatterND, [feed(data), constant(i64([1, 2], [0, 3])), constant(f32([1], [1]))], {})).toThrow(
      /index 3 \(tuple 0, position 1 of indices int64\[1, 2\]\) is out of range for axis 1 of data float32\[2, 3\]/,
    );
  });
});

describe('NonZero', () => {
  it('lists coordinates column by column in row-major order', () => {
    // [[1, 0], [1, 1]]: non-zero at (0,0), (1,0), (1,1).
    const y = runOp1(NonZero, [feed(f32([2, 2], [1, 0, 1, 1]))], {});
    expect(y.dims).toEqual([2, 3]);
    expect(values(y)).toEqual([0, 1, 1, 0, 0, 1]);
  });

  it('counts NaN but not -0, non-empty strings, and treats a scalar as 1-D', () => {
    expect(values(runOp1(NonZero, [feed(f32([4], [0, -0, NaN, 2]))], {}))).toEqual([2, 3]);
    expect(values(runOp1(NonZero, [feed(text([2], ['', 'a']))], {}))).toEqual([1]);
    const scalar = runOp1(NonZero, [feed(f32([], [5]))], {});
    expect(scalar.dims).toEqual([1, 1]);
  });

  it('infers [rank, ?] for a fed input and the exact count for a constant', () => {
    const fed = inferShape(NonZero, [{ dtype: DataType.FLOAT, shape: ['N', 3] }], {});
    expect(fed?.[0]).toBe('2');
    expect(fed?.[1]).toBe('?');
    expect(inferShape(NonZero, [constant(f32([3], [0, 4, 5]))], {})).toEqual(['1', '2']);
  });
});

describe('TopK', () => {
  const k = (n: number): Tensor => i64([1], [n]);

  it('keeps equal values in index order, for the largest and the smallest', () => {
    const x = f32([4], [3, 1, 3, 2]);
    const [top, topIndices] = runOp(TopK, [feed(x), constant(k(2))], {}, { outputCount: 2 });
    expect(top === undefined ? [] : values(top)).toEqual([3, 3]);
    expect(topIndices === undefined ? [] : values(topIndices)).toEqual([0, 2]);
    const [low, lowIndices] = runOp(TopK, [feed(x), constant(k(2))], { largest: 0 }, { outputCount: 2 });
    expect(low === undefined ? [] : values(low)).toEqual([1, 2]);
    expect(lowIndices === undefined ? [] : values(lowIndices)).toEqual([1, 3]);
  });

  it('ranks NaN above every number and compares int64 exactly', () => {
    const x = f32([3], [1, NaN, 2]);
    const [largest] = runOp(TopK, [feed(x), constant(k(1))], {}, { outputCount: 2 });
    expect(largest === undefined ? [] : values(largest)).toEqual([NaN]);
    const [smallest] = runOp(TopK, [feed(x), constant(k(3))], { largest: 0 }, { outputCount: 2 });
    expect(smallest === undefined ? [] : values(smallest)).toEqual([1, 2, NaN]);
    const big = new Tensor(DataType.INT64, [2], BigInt64Array.from([2n ** 60n, 2n ** 60n + 1n]));
    const [, indices] = runOp(TopK, [feed(big), constant(k(1))], {}, { outputCount: 2 });
    expect(indices === undefined ? [] : values(indices)).toEqual([1]);
  });

  it('takes k from the attribute before opset 10', () => {
    const [values9, indices9] = runRaw('TopK', 9, [f32([2, 3], [1, 5, 3, 6, 4, 2])], { k: Attr.int(1) }, 2);
    expect(values9 === undefined ? [] : values(values9)).toEqual([5, 6]);
    expect(indices9 === undefined ? [] : values(indices9)).toEqual([1, 0]);
  });

  it('infers k at the axis, symbolic dims kept', () => {
    expect(inferShape(TopK, [{ dtype: DataType.FLOAT, shape: ['N', 10] }, constant(k(3))], {})).toEqual(['N', '3']);
    expect(
      inferShape(
        TopK,
        [
          { dtype: DataType.FLOAT, shape: ['N', 10] },
          { dtype: DataType.INT64, shape: [1] },
        ],
        {},
      ),
    ).toEqual(['N', '?']);
  });

  it('refuses k larger than the axis, naming k, the axis and X', () => {
    expect(() => runOp(TopK, [feed(f32([2, 3], [1, 2, 3, 4, 5, 6])), constant(k(4))], {}, { outputCount: 2 })).toThrow(
      /TopK node .*k = 4 must be between 0 and 3, the size of axis 1 of X/,
    );
  });
});
