import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { DataType, halfToNumber, numberToHalf } from '../../src/ir/dtype.js';
import { Tensor, tensorFromNumbers } from '../../src/ir/tensor.js';
import { Add } from '../../src/ops/add.js';
import { Div } from '../../src/ops/div.js';
import { Mul } from '../../src/ops/mul.js';
import { Sub } from '../../src/ops/sub.js';
import { feed, inferShape, runOp1, runRaw, values } from './run-op.js';

describe('Add / Sub / Mul / Div', () => {
  it('broadcasts a [3] row over [2, 3]', () => {
    const a = Tensor.float32([2, 3], [1, 2, 3, 4, 5, 6]);
    const b = Tensor.float32([3], [10, 20, 30]);
    expect(values(runOp1(Add, [feed(a), feed(b)], {}))).toEqual([11, 22, 33, 14, 25, 36]);
    expect(values(runOp1(Sub, [feed(a), feed(b)], {}))).toEqual([-9, -18, -27, -6, -15, -24]);
    expect(values(runOp1(Mul, [feed(a), feed(b)], {}))).toEqual([10, 40, 90, 40, 100, 180]);
  });

  it('broadcasts both ways: [2, 1] with [1, 3] gives [2, 3]', () => {
    const y = runOp1(Add, [feed(Tensor.float32([2, 1], [1, 2])), feed(Tensor.float32([1, 3], [10, 20, 30]))], {});
    expect(y.dims).toEqual([2, 3]);
    expect(values(y)).toEqual([11, 21, 31, 12, 22, 32]);
  });

  it('truncates integer division toward zero for int32 and int64', () => {
    const a = new Tensor(DataType.INT32, [4], Int32Array.from([7, -7, 7, -7]));
    const b = new Tensor(DataType.INT32, [4], Int32Array.from([2, 2, -2, -2]));
    expect(values(runOp1(Div, [feed(a), feed(b)], {}))).toEqual([3, -3, -3, 3]);
    const y = runOp1(Div, [feed(Tensor.int64([2], [-9, 9])), feed(Tensor.int64([1], [4]))], {});
    expect(Array.from(y.data as BigInt64Array)).toEqual([-2n, 2n]);
  });

  it('wraps int8 and uint8 like C (127 + 1 = -128, 0 - 1 = 255)', () => {
    const i8 = (v: number[]): Tensor => new Tensor(DataType.INT8, [v.length], Int8Array.from(v));
    expect(values(runOp1(Add, [feed(i8([127])), feed(i8([1]))], {}))).toEqual([-128]);
    const u8 = (v: number[]): Tensor => new Tensor(DataType.UINT8, [v.length], Uint8Array.from(v));
    expect(values(runOp1(Sub, [feed(u8([0])), feed(u8([1]))], {}))).toEqual([255]);
  });

  it('keeps the low 32 bits of an int32 product (65537 * 65537 = 131073 mod 2^32)', () => {
    const t = new Tensor(DataType.INT32, [1], Int32Array.from([65537]));
    expect(values(runOp1(Mul, [feed(t), feed(t)], {}))).toEqual([131073]);
  });

  it('computes int64 exactly beyond 2^53', () => {
    const big = Tensor.int64([1], [2n ** 60n]);
    const y = runOp1(Add, [feed(big), feed(Tensor.int64([1], [1]))], {});
    expect((y.data as BigInt64Array)[0]).toBe(2n ** 60n + 1n);
  });

  it('rounds float16 results once (1 + 2^-11 rounds to even: 1)', () => {
    const a = tensorFromNumbers(DataType.FLOAT16, [2], [1, 1.5]);
    const b = tensorFromNumbers(DataType.FLOAT16, [2], [2 ** -11, 0.25]);
    const y = runOp1(Add, [feed(a), feed(b)], {});
    expect(y.dtype).toBe(DataType.FLOAT16);
    expect(Array.from(y.data as Uint16Array, halfToNumber)).toEqual([1, 1.75]);
    expect((y.data as Uint16Array)[1]).toBe(numberToHalf(1.75));
  });

  it('refuses integer division by zero, naming the node', () => {
    const t = new Tensor(DataType.INT32, [1], Int32Array.from([5]));
    const z = new Tensor(DataType.INT32, [1], Int32Array.from([0]));
    expect(() => runOp1(Div, [feed(t), feed(z)], {})).toThrow(/Div node .*integer division by zero \(5 \/ 0\)/);
  });

  it('refuses mixed dtypes and incompatible shapes with the values', () => {
    const f = Tensor.float32([2], [1, 2]);
    expect(() => runOp1(Add, [feed(f), feed(Tensor.int64([2], [1, 2]))], {})).toThrow(/float32 and int64/);
    expect(() => runOp1(Add, [feed(f), feed(Tensor.float32([3], [1, 2, 3]))], {})).toThrow(/\[2\] and \[3\]/);
  });

  it('refuses int8 before opset 14 (only floats and 32/64-bit ints)', () => {
    const i8 = new Tensor(DataType.INT8, [1], Int8Array.from([1]));
    expect(() => runOp1(Add, [feed(i8), feed(i8)], {}, { opset: 13 })).toThrow(/int8/);
  });

  it('infers symbolic broadcast shapes', () => {
    const shape = inferShape(
      Add,
      [
        { dtype: DataType.FLOAT, shape: ['N', 1, 'H'] },
        { dtype: DataType.FLOAT, shape: [8, 1] },
      ],
      {},
    );
    expect(shape).toEqual(['N', '8', 'H']);
  });

  it('applies the legacy broadcast/axis attributes at opset 6', () => {
    const a = Tensor.float32([2, 3], [1, 2, 3, 4, 5, 6]);
    const b = Tensor.float32([2], [10, 20]);
    const [y] = runRaw('Add', 6, [a, b], { broadcast: Attr.int(1), axis: Attr.int(0) });
    expect(y === undefined ? [] : values(y)).toEqual([11, 12, 13, 24, 25, 26]);
    expect(() => runRaw('Add', 6, [a, b])).toThrow(/broadcast = 0/);
  });
});
