import { describe, expect, it } from 'vitest';
import { DataType, numberToHalf } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Equal } from '../../src/ops/equal.js';
import { inferNode } from '../../src/ops/core/registry.js';
import { Where } from '../../src/ops/where.js';
import { feed, inferShape, runOp1 } from './run-op.js';

const bools = (values: readonly number[]): Tensor =>
  new Tensor(DataType.BOOL, [values.length], Uint8Array.from(values));

describe('Equal', () => {
  it('compares floats elementwise with broadcasting into a bool tensor', () => {
    const y = runOp1(Equal, [feed(Tensor.float32([2, 3], [0, 1, 2, 3, 0, -0])), feed(Tensor.float32([], [0]))], {});
    expect(y.dtype).toBe(DataType.BOOL);
    expect(y.dims).toEqual([2, 3]);
    expect(Array.from(y.data as Uint8Array)).toEqual([1, 0, 0, 0, 1, 1]);
  });

  it('says NaN is never equal, and compares int64 exactly', () => {
    expect(
      Array.from(
        runOp1(Equal, [feed(Tensor.float32([2], [Number.NaN, 1])), feed(Tensor.float32([2], [Number.NaN, 1]))], {})
          .data as Uint8Array,
      ),
    ).toEqual([0, 1]);
    const big = 2n ** 60n;
    const a = new Tensor(DataType.INT64, [2], BigInt64Array.from([big, big + 1n]));
    const b = new Tensor(DataType.INT64, [1], BigInt64Array.from([big]));
    expect(Array.from(runOp1(Equal, [feed(a), feed(b)], {}).data as Uint8Array)).toEqual([1, 0]);
  });

  it('infers a broadcast bool shape and refuses mixed types, naming both', () => {
    expect(
      inferShape(
        Equal,
        [
          { dtype: DataType.FLOAT, shape: ['N', 1, 4] },
          { dtype: DataType.FLOAT, shape: [3, 1] },
        ],
        {},
      ),
    ).toEqual(['N', '3', '4']);
    expect(() =>
      inferShape(
        Equal,
        [
          { dtype: DataType.FLOAT, shape: [2] },
          { dtype: DataType.DOUBLE, shape: [2] },
        ],
        {},
      ),
    ).toThrow(/float32 and float64|float and double/);
  });

  it('accepts float inputs only from opset 11', () => {
    // The builder starts at opset 13, so ask the registry directly, as an imported opset-10 model would.
    const node = { opType: 'Equal', name: 'eq', domain: '', attributes: new Map() };
    const float = { dtype: DataType.FLOAT, shape: [2] };
    expect(() => inferNode(node, 10, [float, float], 1, () => undefined)).toThrow(/only bool, int32, int64/);
    expect(inferNode(node, 11, [float, float], 1, () => undefined)[0]?.dtype).toBe(DataType.BOOL);
  });
});

describe('Where', () => {
  it('picks X where the condition is true, with three-way broadcasting', () => {
    const y = runOp1(
      Where,
      [feed(bools([1, 0, 1])), feed(Tensor.float32([2, 1], [10, 20])), feed(Tensor.float32([], [-1]))],
      {},
    );
    expect(y.dims).toEqual([2, 3]);
    expect(y.toNumbers()).toEqual([10, -1, 10, 20, -1, 20]);
  });

  it('copies float16 bits and int64 values unchanged', () => {
    const half = (v: number[]): Tensor =>
      new Tensor(DataType.FLOAT16, [v.length], Uint16Array.from(v.map(numberToHalf)));
    expect(runOp1(Where, [feed(bools([0, 1])), feed(half([1.5, 2.5])), feed(half([-3, -4]))], {}).toNumbers()).toEqual([
      -3, 2.5,
    ]);
    const a = new Tensor(DataType.INT64, [2], BigInt64Array.from([2n ** 62n, 1n]));
    const b = new Tensor(DataType.INT64, [2], BigInt64Array.from([0n, 0n]));
    expect(Array.from(runOp1(Where, [feed(bools([1, 0])), feed(a), feed(b)], {}).data as BigInt64Array)).toEqual([
      2n ** 62n,
      0n,
    ]);
  });

  it('refuses a non-bool condition and X/Y of different types', () => {
    expect(() =>
      inferShape(
        Where,
        [
          { dtype: DataType.FLOAT, shape: [2] },
          { dtype: DataType.FLOAT, shape: [2] },
          { dtype: DataType.FLOAT, shape: [2] },
        ],
        {},
      ),
    ).toThrow(/condition must be bool/);
    expect(() =>
      inferShape(
        Where,
        [
          { dtype: DataType.BOOL, shape: [2] },
          { dtype: DataType.FLOAT, shape: [2] },
          { dtype: DataType.INT64, shape: [2] },
        ],
        {},
      ),
    ).toThrow(/X and Y must have the same type/);
  });
});
