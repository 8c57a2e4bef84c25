import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { DataType, halfToNumber } from '../../src/ir/dtype.js';
import { UnsupportedError } from '../../src/ir/errors.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Cast } from '../../src/ops/cast.js';
import { feed, inferOp, runOp1, runRaw, values } from './run-op.js';

const x = Tensor.float32([5], [-2.7, -0.5, 0, 1.9, 300]);

describe('Cast', () => {
  it('truncates float to int toward zero and wraps to the width', () => {
    expect(values(runOp1(Cast, [feed(x)], { to: DataType.INT32 }))).toEqual([-2, 0, 0, 1, 300]);
    expect(values(runOp1(Cast, [feed(x)], { to: DataType.INT8 }))).toEqual([-2, 0, 0, 1, 44]); // 300 - 256
    expect(Array.from(runOp1(Cast, [feed(x)], { to: DataType.INT64 }).data as BigInt64Array)).toEqual([
      -2n,
      0n,
      0n,
      1n,
      300n,
    ]);
  });

  it('maps to bool as value != 0', () => {
    const y = runOp1(Cast, [feed(x)], { to: DataType.BOOL });
    expect(y.dtype).toBe(DataType.BOOL);
    expect(values(y)).toEqual([1, 1, 0, 1, 1]);
  });

  it('rounds to float16 to nearest even (2049 → 2048)', () => {
    const y = runOp1(Cast, [feed(Tensor.float32([2], [2049, 0.1]))], { to: DataType.FLOAT16 });
    expect(Array.from(y.data as Uint16Array, halfToNumber)).toEqual([2048, 0.0999755859375]);
  });

  it('converts int64 beyond 2^53 to float and wraps it into int32', () => {
    const t = Tensor.int64([1], [2n ** 40n + 7n]);
    expect(values(runOp1(Cast, [feed(t)], { to: DataType.DOUBLE }))).toEqual([2 ** 40 + 7]);
    expect(values(runOp1(Cast, [feed(t)], { to: DataType.INT32 }))).toEqual([7]);
  });

  it('infers the target dtype with the input shape', () => {
    expect(inferOp(Cast, [{ dtype: DataType.FLOAT, shape: ['N', 2] }], { to: DataType.INT64 })[0]?.dtype).toBe(
      DataType.INT64,
    );
  });

  it("reads opset 1's type-name spelling of `to`", () => {
    const [y] = runRaw('Cast', 1, [x], { to: Attr.string('INT32') });
    expect(y?.dtype).toBe(DataType.INT32);
  });

  it('refuses float8 target codes and string casts as unsupported', () => {
    expect(() => runRaw('Cast', 19, [x], { to: Attr.int(17) })).toThrow(UnsupportedError);
    expect(() => runOp1(Cast, [feed(x)], { to: DataType.STRING })).toThrow(/string casts are not implemented/);
  });
});
