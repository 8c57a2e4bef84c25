/**
 * ReduceMin, ReduceProd, ReduceSumSquare, ReduceL1, ReduceL2, ReduceLogSum, ReduceLogSumExp, ArgMax and ArgMin:
 * hand-derived cases for what the ONNX conformance data does not cover (empty sets, NaN, integer wrapping, exact
 * int64, ties, symbolic inference, errors).
 */
import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { ArgMax } from '../../src/ops/arg-max.js';
import { ArgMin } from '../../src/ops/arg-min.js';
import { ReduceL1 } from '../../src/ops/reduce-l1.js';
import { ReduceL2 } from '../../src/ops/reduce-l2.js';
import { ReduceLogSum } from '../../src/ops/reduce-log-sum.js';
import { ReduceLogSumExp } from '../../src/ops/reduce-log-sum-exp.js';
import { ReduceMin } from '../../src/ops/reduce-min.js';
import { ReduceProd } from '../../src/ops/reduce-prod.js';
import { ReduceSumSquare } from '../../src/ops/reduce-sum-square.js';
import { constant, feed, inferShape, runOp1, runRaw, values } from './run-op.js';

const axes = (...list: number[]): Tensor => Tensor.int64([list.length], list);
const f32 = (dims: number[], list: number[]): Tensor => Tensor.float32(dims, list);
const i32 = (dims: number[], list: number[]): Tensor => new Tensor(DataType.INT32, dims, Int32Array.from(list));
const i64 = (dims: number[], list: bigint[]): Tensor => new Tensor(DataType.INT64, dims, BigInt64Array.from(list));
const opset18 = { opset: 18 };
/** The elements of an int64 tensor, exactly. */
const bigints = (tensor: Tensor): bigint[] => (tensor.data instanceof BigInt64Array ? Array.from(tensor.data) : []);

describe('ReduceMin', () => {
  it('takes the min over the axes attribute (opset 13) and the axes input (opset 18)', () => {
    // [[3, 1, 2], [0, 5, -1]]: row minima 1 and -1; column minima 0, 1, -1.
    const x = f32([2, 3], [3, 1, 2, 0, 5, -1]);
    const rows = runOp1(ReduceMin, [feed(x)], { axes: [1] }, { opset: 13 });
    expect(rows.dims).toEqual([2, 1]);
    expect(values(rows)).toEqual([1, -1]);
    const cols = runOp1(ReduceMin, [feed(x), constant(axes(0))], { keepdims: 0 }, opset18);
    expect(cols.dims).toEqual([3]);
    expect(values(cols)).toEqual([0, 1, -1]);
  });

  it('propagates NaN and gives +inf, the type maximum or true over an empty set', () => {
    expect(values(runOp1(ReduceMin, [feed(f32([3], [1, NaN, 0]))], {}, opset18))).toEqual([NaN]);
    expect(
      values(runOp1(ReduceMin, [feed(Tensor.zeros(DataType.FLOAT, [2, 0])), constant(axes(1))], {}, opset18)),
    ).toEqual([Infinity, Infinity]);
    expect(values(runOp1(ReduceMin, [feed(i32([0], [])), constant(axes(0))], {}, opset18))).toEqual([2147483647]);
    const emptyBytes = new Tensor(DataType.UINT8, [0], new Uint8Array(0));
    expect(values(runOp1(ReduceMin, [feed(emptyBytes), constant(axes(0))], {}, opset18))).toEqual([255]);
    const emptyBool = new Tensor(DataType.BOOL, [0], new Uint8Array(0));
    expect(values(runOp1(ReduceMin, [feed(emptyBool), constant(axes(0))], {}, { opset: 20 }))).toEqual([1]);
  });

  it('is a logical and over bool (opset 20) and exact over int64 beyond 2^53', () => {
    const flags = new Tensor(DataType.BOOL, [2, 2], Uint8Array.from([1, 1, 1, 0]));
    expect(values(runOp1(ReduceMin, [feed(flags), constant(axes(1))], {}, { opset: 20 }))).toEqual([1, 0]);
    const big = i64([2], [2n ** 60n + 3n, 2n ** 60n + 1n]);
    const min = runOp1(ReduceMin, [feed(big)], { keepdims: 0 }, opset18);
    expect(bigints(min)).toEqual([2n ** 60n + 1n]);
  });

  it('refuses bool before opset 20', () => {
    const flags = new Tensor(DataType.BOOL, [2], Uint8Array.from([1, 0]));
    expect(() => runOp1(ReduceMin, [feed(flags)], {}, opset18)).toThrow(
      /type bool.*ReduceMin accepts bool from opset 20/,
    );
  });
});

describe('ReduceProd, ReduceSumSquare, ReduceL1, ReduceL2', () => {
  // [[1, 2, 3], [4, 5, 6]]
  const x = f32([2, 3], [1, 2, 3, 4, 5, 6]);

  it('compute their formulas over an axis', () => {
    expect(values(runOp1(ReduceProd, [feed(x), constant(axes(0))], { keepdims: 0 }, opset18))).toEqual([4, 10, 18]);
    // Row sums of squares: 1 + 4 + 9 = 14 and 16 + 25 + 36 = 77.
    expect(values(runOp1(ReduceSumSquare, [feed(x), constant(axes(1))], { keepdims: 0 }, opset18))).toEqual([14, 77]);
    expect(values(runOp1(ReduceL1, [feed(f32([3], [-1, 2, -3]))], {}, opset18))).toEqual([6]);
    expect(values(runOp1(ReduceL2, [feed(f32([2], [3, -4]))], {}, opset18))).toEqual([5]);
  });

  it('give 1 (prod) and 0 (the sums and norms) over an empty set', () => {
    const empty = Tensor.zeros(DataType.FLOAT, [2, 0]);
    const over = (op: typeof ReduceProd): number[] => values(runOp1(op, [feed(empty), constant(axes(1))], {}, opset18));
    expect(over(ReduceProd)).toEqual([1, 1]);
    expect(over(ReduceSumSquare)).toEqual([0, 0]);
    expect(over(ReduceL1)).toEqual([0, 0]);
    expect(over(ReduceL2)).toEqual([0, 0]);
  });

  it('wrap int32 products and sums like C, and truncate the integer L2 norm', () => {
    // 65536 * 32768 = 2^31 wraps to -2^31; 65536² = 2^32 wraps to 0.
    expect(values(runOp1(ReduceProd, [feed(i32([2], [65536, 32768]))], {}, opset18))).toEqual([-2147483648]);
    expect(values(runOp1(ReduceSumSquare, [feed(i32([1], [65536]))], {}, opset18))).toEqual([0]);
    // sqrt(1 + 1) = 1.414... truncates to 1; sqrt(9 + 16) = 5.
    expect(values(runOp1(ReduceL2, [feed(i32([2], [1, -1]))], {}, opset18))).toEqual([1]);
    expect(values(runOp1(ReduceL2, [feed(i32([2], [3, 4]))], {}, opset18))).toEqual([5]);
    // int64: 2^32 * 2^32 = 2^64 wraps to 0; 3 * 2^62 wraps to -2^62.
    const prod = (list: bigint[]): bigint[] =>
      bigints(runOp1(ReduceProd, [feed(i64([list.length], list))], {}, opset18));
    expect(prod([2n ** 32n, 2n ** 32n])).toEqual([0n]);
    expect(prod([3n, 2n ** 62n])).toEqual([-(2n ** 62n)]);
  });

  it('keep symbolic dims that are not reduced', () => {
    const shape = inferShape(
      ReduceL2,
      [{ dtype: DataType.FLOAT, shape: ['N', 3, 'H', 'W'] }, constant(axes(2, 3))],
      {},
      opset18,
    );
    expect(shape).toEqual(['N', '3', '1', '1']);
    expect(
      inferShape(ReduceProd, [{ dtype: DataType.FLOAT, shape: ['N', 3] }], { axes: [-1], keepdims: 0 }, { opset: 13 }),
    ).toEqual(['N']);
  });

  it('are an identity with noop_with_empty_axes and no axes', () => {
    expect(values(runOp1(ReduceSumSquare, [feed(x), constant(axes())], { noopWithEmptyAxes: 1 }, opset18))).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
  });

  it('refuse an axis out of range, naming the node, the axis and the shape', () => {
    expect(() => runOp1(ReduceL1, [feed(x), constant(axes(2))], {}, opset18)).toThrow(
      /ReduceL1 node .*axis 2 is out of range for rank 2.*\[2, 3\]/,
    );
  });
});

describe('ReduceLogSum, ReduceLogSumExp', () => {
  it('compute log(Σ x) and log(Σ exp(x)) without overflowing for large inputs', () => {
    expect(values(runOp1(ReduceLogSum, [feed(f32([2], [1, Math.E - 1]))], {}, opset18))[0]).toBeCloseTo(1, 6);
    // log(e^1000 + e^1000) = 1000 + log 2; a naive sum of exps would be inf.
    const big = runOp1(
      ReduceLogSumExp,
      [feed(new Tensor(DataType.DOUBLE, [2], Float64Array.from([1000, 1000])))],
      {},
      opset18,
    );
    expect(values(big)[0]).toBeCloseTo(1000 + Math.LN2, 10);
    expect(values(runOp1(ReduceLogSumExp, [feed(f32([2], [-Infinity, -Infinity]))], {}, opset18))).toEqual([-Infinity]);
    expect(values(runOp1(ReduceLogSumExp, [feed(f32([2], [Infinity, 1]))], {}, opset18))).toEqual([Infinity]);
  });

  it('give -inf over an empty set (floats) and refuse it for integers, naming the type', () => {
    const empty = Tensor.zeros(DataType.FLOAT, [0]);
    expect(values(runOp1(ReduceLogSum, [feed(empty), constant(axes(0))], {}, opset18))).toEqual([-Infinity]);
    expect(values(runOp1(ReduceLogSumExp, [feed(empty), constant(axes(0))], {}, opset18))).toEqual([-Infinity]);
    expect(() => runOp1(ReduceLogSum, [feed(i32([0], [])), constant(axes(0))], {}, opset18)).toThrow(
      /ReduceLogSum node .*logSum of group 0 is -Infinity, which int32 cannot hold/,
    );
  });
});

describe('ArgMax, ArgMin', () => {
  // [[1, 3, 3], [2, 0, 2]]
  const x = f32([2, 3], [1, 3, 3, 2, 0, 2]);

  it('give the first index of a tie, or the last with select_last_index', () => {
    expect(values(runOp1(ArgMax, [feed(x)], { axis: 1, keepdims: 0 }))).toEqual([1, 0]);
    expect(values(runOp1(ArgMax, [feed(x)], { axis: 1, keepdims: 0, selectLastIndex: 1 }))).toEqual([2, 2]);
    expect(values(runOp1(ArgMin, [feed(x)], { axis: -1, keepdims: 0 }))).toEqual([0, 1]);
    expect(values(runOp1(ArgMin, [feed(f32([3], [1, 1, 3]))], { selectLastIndex: 1 }))).toEqual([1]);
  });

  it('keep the axis as 1 by default, return int64, and default to axis 0', () => {
    const y = runOp1(ArgMax, [feed(x)], {});
    expect(y.dtype).toBe(DataType.INT64);
    expect(y.dims).toEqual([1, 3]);
    expect(values(y)).toEqual([1, 0, 0]);
  });

  it('take the first NaN as the extreme for both ops (numpy), and compare int64 exactly', () => {
    const withNaN = f32([4], [1, NaN, 5, NaN]);
    expect(values(runOp1(ArgMax, [feed(withNaN)], {}))).toEqual([1]);
    expect(values(runOp1(ArgMin, [feed(withNaN)], {}))).toEqual([1]);
    // 2^60 + 1 and 2^60 are equal as float64 but not as int64.
    expect(values(runOp1(ArgMax, [feed(i64([2], [2n ** 60n, 2n ** 60n + 1n]))], {}))).toEqual([1]);
  });

  it('infer symbolic shapes', () => {
    const input = { dtype: DataType.FLOAT, shape: ['N', 'C', 4] };
    expect(inferShape(ArgMax, [input], { axis: -1, keepdims: 0 })).toEqual(['N', 'C']);
    expect(inferShape(ArgMin, [input], { axis: 1 })).toEqual(['N', '1', '4']);
  });

  it('refuse an empty axis and select_last_index before opset 12', () => {
    expect(() => runOp1(ArgMax, [feed(Tensor.zeros(DataType.FLOAT, [2, 0]))], { axis: 1 })).toThrow(
      /ArgMax node .*axis 1 of data .*\[2, 0\] is empty/,
    );
    expect(() => runRaw('ArgMin', 11, [x], { select_last_index: Attr.int(1) })).toThrow(
      /select_last_index' does not exist at opset 11/,
    );
  });
});

describe('ReduceMax edge cases', () => {
  it('keeps a NaN once seen (NaN propagates whatever follows it)', () => {
    const [y] = runRaw('ReduceMax', 18, [Tensor.float32([2], [NaN, 1])], { keepdims: Attr.int(0) });
    expect(Number.isNaN(y?.numberAt(0))).toBe(true);
  });

  it('gives the type minimum for an empty integer reduction', () => {
    const empty = new Tensor(DataType.INT32, [0, 2], new Int32Array(0));
    const [y] = runRaw('ReduceMax', 18, [empty, Tensor.int64([1], [0])], { keepdims: Attr.int(0) });
    expect(y?.toNumbers()).toEqual([-2147483648, -2147483648]);
  });
});
