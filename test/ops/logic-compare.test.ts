/**
 * The comparisons (Less, LessOrEqual, Greater, GreaterOrEqual), the logical ops (And, Or, Xor, Not) and the float
 * classifiers (IsNaN, IsInf): truth tables, NaN, 64-bit exactness, broadcasting (numpy and the legacy opset-1
 * attributes), symbolic inference and the errors for bad inputs.
 */
import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { DataType, numberToHalf } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { And } from '../../src/ops/and.js';
import { Greater } from '../../src/ops/greater.js';
import { GreaterOrEqual } from '../../src/ops/greater-or-equal.js';
import { IsInf } from '../../src/ops/is-inf.js';
import { IsNaN } from '../../src/ops/is-nan.js';
import { Less } from '../../src/ops/less.js';
import { LessOrEqual } from '../../src/ops/less-or-equal.js';
import { Not } from '../../src/ops/not.js';
import { Or } from '../../src/ops/or.js';
import { Xor } from '../../src/ops/xor.js';
import { feed, inferOp, inferShape, runOp1, runRaw } from './run-op.js';

const f32 = (v: readonly number[]): Tensor => Tensor.float32([v.length], v);
const bools = (dims: readonly number[], v: readonly number[]): Tensor =>
  new Tensor(DataType.BOOL, dims, Uint8Array.from(v));
const bits = (t: Tensor | undefined): number[] => Array.from((t?.data ?? new Uint8Array()) as Uint8Array);

describe('Less / LessOrEqual / Greater / GreaterOrEqual', () => {
  const a = f32([1, 2, 3, NaN]);
  const b = f32([2, 2, 2, 2]);

  it('compare elementwise into bool; every comparison with NaN is false', () => {
    const run = (op: typeof Less): number[] => bits(runOp1(op, [feed(a), feed(b)], {}));
    expect(run(Less)).toEqual([1, 0, 0, 0]);
    expect(run(LessOrEqual)).toEqual([1, 1, 0, 0]);
    expect(run(Greater)).toEqual([0, 0, 1, 0]);
    expect(run(GreaterOrEqual)).toEqual([0, 1, 1, 0]);
  });

  it('compare int64 and uint64 exactly, beyond 2^53', () => {
    const big = 2n ** 60n;
    const x = new Tensor(DataType.INT64, [2], BigInt64Array.from([big, -big]));
    const y = new Tensor(DataType.INT64, [1], BigInt64Array.from([big + 1n]));
    expect(bits(runOp1(Less, [feed(x), feed(y)], {}))).toEqual([1, 1]);
    const top = 2n ** 64n - 1n;
    const u = new Tensor(DataType.UINT64, [2], BigUint64Array.from([top, 1n]));
    const v = new Tensor(DataType.UINT64, [1], BigUint64Array.from([top - 1n]));
    expect(bits(runOp1(GreaterOrEqual, [feed(u), feed(v)], {}))).toEqual([1, 0]);
  });

  it('keep symbolic dims: [N, C, H, W] against [1, C, 1, 1] gives [N, C, H, W]', () => {
    const shape = inferShape(
      Greater,
      [
        { dtype: DataType.FLOAT, shape: ['N', 'C', 'H', 'W'] },
        { dtype: DataType.FLOAT, shape: [1, 'C', 1, 1] },
      ],
      {},
    );
    expect(shape).toEqual(['N', 'C', 'H', 'W']);
    const [type] = inferOp(
      LessOrEqual,
      [
        { dtype: DataType.INT8, shape: [2] },
        { dtype: DataType.INT8, shape: [] },
      ],
      {},
    );
    expect(type?.dtype).toBe(DataType.BOOL);
  });

  it('refuse shapes that do not broadcast, naming both', () => {
    expect(() => runOp1(Less, [feed(f32([1, 2, 3])), feed(f32([1, 2]))], {})).toThrow(
      /Less node .*\[3\] and \[2\] cannot be broadcast/,
    );
  });

  it('take integers only from opset 9, bfloat16 from 13 (Less, Greater)', () => {
    const ints = new Tensor(DataType.INT32, [1], Int32Array.from([1]));
    expect(() => runRaw('Greater', 8, [ints, ints])).toThrow(/int32.*from opset 9/);
    expect(bits(runRaw('Greater', 9, [ints, ints])[0])).toEqual([0]);
  });

  it('apply the legacy broadcast attribute at opset 1 (B onto A, trailing dims)', () => {
    const x = Tensor.float32([2, 3], [1, 5, 3, 4, 2, 6]);
    const y = f32([2, 2, 4]);
    expect(bits(runRaw('Less', 1, [x, y], { broadcast: Attr.int(1) })[0])).toEqual([1, 0, 1, 0, 0, 0]);
    expect(() => runRaw('Less', 1, [x, y])).toThrow(/must be equal when broadcast = 0/);
  });
});

describe('And / Or / Xor / Not', () => {
  const x = bools([4], [0, 0, 1, 1]);
  const y = bools([4], [0, 1, 0, 1]);

  it('follow their truth tables', () => {
    expect(bits(runOp1(And, [feed(x), feed(y)], {}))).toEqual([0, 0, 0, 1]);
    expect(bits(runOp1(Or, [feed(x), feed(y)], {}))).toEqual([0, 1, 1, 1]);
    expect(bits(runOp1(Xor, [feed(x), feed(y)], {}))).toEqual([0, 1, 1, 0]);
    expect(bits(runOp1(Not, [feed(x)], {}))).toEqual([1, 1, 0, 0]);
  });

  it('broadcast both ways: [2, 1] and [3] give [2, 3]', () => {
    const z = runOp1(Xor, [feed(bools([2, 1], [0, 1])), feed(bools([3], [1, 0, 1]))], {});
    expect(z.dims).toEqual([2, 3]);
    expect(bits(z)).toEqual([1, 0, 1, 0, 1, 0]);
  });

  it('refuse non-bool inputs, naming the type', () => {
    expect(() => runOp1(And, [feed(f32([1])), feed(f32([1]))], {})).toThrow(/And node .*A must be bool, got float32/);
    expect(() => runOp1(Not, [feed(f32([1]))], {})).toThrow(/Not node .*bool/);
  });
});

describe('IsNaN / IsInf', () => {
  const x = f32([NaN, Infinity, -Infinity, 0, -1]);

  it('classify float32 elements', () => {
    expect(bits(runOp1(IsNaN, [feed(x)], {}))).toEqual([1, 0, 0, 0, 0]);
    expect(bits(runOp1(IsInf, [feed(x)], {}))).toEqual([0, 1, 1, 0, 0]);
    expect(bits(runOp1(IsInf, [feed(x)], { detectNegative: 0 }))).toEqual([0, 1, 0, 0, 0]);
    expect(bits(runOp1(IsInf, [feed(x)], { detectPositive: 0 }))).toEqual([0, 0, 1, 0, 0]);
  });

  it('decode float16 bit patterns first', () => {
    const half = new Tensor(DataType.FLOAT16, [3], Uint16Array.from([0x7e00, 0x7c00, numberToHalf(2)]));
    expect(bits(runOp1(IsNaN, [feed(half)], {}))).toEqual([1, 0, 0]);
    expect(bits(runOp1(IsInf, [feed(half)], {}, { opset: 20 }))).toEqual([0, 1, 0]);
  });

  it('IsInf takes float16 only from opset 20; both refuse integers', () => {
    const half = new Tensor(DataType.FLOAT16, [1], Uint16Array.from([0x7c00]));
    expect(() => runRaw('IsInf', 19, [half])).toThrow(/float16.*from opset 20/);
    expect(() => runOp1(IsNaN, [feed(Tensor.int64([1], [1]))], {})).toThrow(/IsNaN node .*int64/);
  });

  it('infer bool of the input shape', () => {
    const [type] = inferOp(IsNaN, [{ dtype: DataType.DOUBLE, shape: ['N', 2] }], {});
    expect(type?.dtype).toBe(DataType.BOOL);
    expect(inferShape(IsNaN, [{ dtype: DataType.DOUBLE, shape: ['N', 2] }], {})).toEqual(['N', '2']);
  });
});
