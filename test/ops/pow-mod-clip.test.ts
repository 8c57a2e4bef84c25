/**
 * Pow, Mod and Clip: C/numpy semantics on hand-derived cases the conformance data does not cover — pow's IEEE
 * edge cases, integer powers that overflow or have negative exponents, the two Mod sign rules, remainders by zero,
 * Clip with min > max, NaN, 64-bit bounds, the attribute form before opset 11 and its defaults — and the
 * errors for bad inputs.
 */
import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor, tensorFromNumbers } from '../../src/ir/tensor.js';
import { Clip } from '../../src/ops/clip.js';
import { Mod } from '../../src/ops/mod.js';
import { Pow } from '../../src/ops/pow.js';
import { feed, inferShape, runOp1, runRaw, values } from './run-op.js';

const f32 = (v: readonly number[]): Tensor => Tensor.float32([v.length], v);
const f64 = (v: readonly number[]): Tensor => new Tensor(DataType.DOUBLE, [v.length], Float64Array.from(v));
const i32 = (v: readonly number[]): Tensor => new Tensor(DataType.INT32, [v.length], Int32Array.from(v));
const i64 = (v: readonly bigint[]): Tensor => new Tensor(DataType.INT64, [v.length], BigInt64Array.from(v));
const big = (t: Tensor): bigint[] => Array.from(t.data as BigInt64Array);

describe('Pow', () => {
  it('follows C pow for floats, where it differs from Math.pow: 1^NaN = 1 and (-1)^±inf = 1', () => {
    const x = f64([1, -1, -1, 0, NaN, -8, 2, -0]);
    const y = f64([NaN, Infinity, -Infinity, 0, 0, 1 / 3, -1, -1]);
    expect(values(runOp1(Pow, [feed(x), feed(y)], {}))).toEqual([1, 1, 1, 1, 1, NaN, 0.5, -Infinity]);
  });

  it('raises float bases to integer exponents of any width, rounding once to the base type', () => {
    const y = runOp1(Pow, [feed(f32([3, 2])), feed(i64([2n, -2n]))], {});
    expect(y.dtype).toBe(DataType.FLOAT);
    expect(values(y)).toEqual([9, 0.25]);
    const half = runOp1(Pow, [feed(tensorFromNumbers(DataType.FLOAT16, [1], [3])), feed(i32([11]))], {});
    expect(values(half)).toEqual([Infinity]); // 177147 overflows float16
  });

  it('computes integer powers exactly, wrapping like C multiplication', () => {
    expect(values(runOp1(Pow, [feed(i32([2, -3, 7])), feed(i32([31, 3, 0]))], {}))).toEqual([-(2 ** 31), -27, 1]);
    const y = runOp1(Pow, [feed(i64([3n, 2n])), feed(i64([40n, 62n]))], {});
    expect(big(y)).toEqual([BigInt.asIntN(64, 3n ** 40n), 2n ** 62n]);
  });

  it('truncates 1 / x^|y| for negative integer exponents, and refuses 0 to a negative power', () => {
    const x = i32([2, 1, -1, -1]);
    expect(values(runOp1(Pow, [feed(x), feed(i32([-1, -5, -3, -2]))], {}))).toEqual([0, 1, -1, 1]);
    expect(() => runOp1(Pow, [feed(i64([0n])), feed(i64([-1n]))], {})).toThrow(
      /Pow node .*integer 0 raised to the negative power -1/,
    );
  });

  it('truncates integer bases with float exponents toward zero (NaN gives 0)', () => {
    expect(values(runOp1(Pow, [feed(i32([2, 9, -8])), feed(f32([0.5, 0.5, 0.5]))], {}))).toEqual([1, 3, 0]);
    expect(big(runOp1(Pow, [feed(i64([10n])), feed(f32([2.5]))], {}))).toEqual([316n]);
  });

  it('keeps X type variable and Y one apart from opset 12 only; bfloat16 exponents from 15', () => {
    const x = f32([2]);
    expect(() => runRaw('Pow', 11, [x, i64([2n])])).toThrow(/Pow node .*int64/);
    const b = tensorFromNumbers(DataType.BFLOAT16, [1], [3]);
    expect(() => runRaw('Pow', 14, [x, b])).toThrow(/bfloat16.*from opset 15/);
    expect(values(runRaw('Pow', 15, [x, b])[0] ?? x)).toEqual([8]);
  });

  it('broadcasts with symbolic dims, and refuses what does not broadcast', () => {
    const shape = inferShape(
      Pow,
      [
        { dtype: DataType.FLOAT, shape: ['N', 3, 'H'] },
        { dtype: DataType.FLOAT, shape: [] },
      ],
      {},
    );
    expect(shape).toEqual(['N', '3', 'H']);
    expect(() => runOp1(Pow, [feed(f32([1, 2])), feed(f32([1, 2, 3]))], {})).toThrow(/cannot be broadcast/);
  });
});

describe('Mod', () => {
  const a = i32([-4, 4, -4, 4, 0]);
  const b = i32([3, -3, -3, 3, 5]);

  it('takes the divisor sign by default (Python %) and the dividend sign with fmod = 1 (C fmod)', () => {
    expect(values(runOp1(Mod, [feed(a), feed(b)], {}))).toEqual([2, -2, -1, 1, 0]);
    expect(values(runOp1(Mod, [feed(a), feed(b)], { fmod: 1 }))).toEqual([-1, 1, -1, 1, 0]);
    const x = i64([-(2n ** 62n) - 1n]);
    expect(big(runOp1(Mod, [feed(x), feed(i64([3n]))], {}))).toEqual([1n]); // -(2^62 + 1) = 3 * q + 1
  });

  it('computes floats with fmod = 1 only, naming the type otherwise', () => {
    expect(values(runOp1(Mod, [feed(f32([5.5, -5.5])), feed(f32([-2, 2]))], { fmod: 1 }))).toEqual([1.5, -1.5]);
    expect(() => runOp1(Mod, [feed(f32([1])), feed(f32([1]))], {})).toThrow(
      /Mod node .*fmod must be 1 for floating-point inputs \(got fmod = 0 with float32\)/,
    );
  });

  it('refuses an integer remainder by zero and an fmod other than 0 or 1', () => {
    expect(() => runOp1(Mod, [feed(i32([7])), feed(i32([0]))], {})).toThrow(/integer remainder by zero \(7 mod 0\)/);
    expect(() => runOp1(Mod, [feed(i32([7])), feed(i32([2]))], { fmod: 2 })).toThrow(/fmod.*must be 0 or 1/);
  });

  it('handles unsigned values above the signed range', () => {
    const u = new Tensor(DataType.UINT8, [2], Uint8Array.from([250, 7]));
    const v = new Tensor(DataType.UINT8, [1], Uint8Array.from([7]));
    expect(values(runOp1(Mod, [feed(u), feed(v)], {}))).toEqual([5, 0]);
  });
});

describe('Clip', () => {
  const clip = (x: Tensor, min: Tensor | null, max: Tensor | null): Tensor =>
    runOp1(Clip, [feed(x), ...(min === null ? [null] : [feed(min)]), ...(max === null ? [] : [feed(max)])], {});

  it('is Min(max, Max(x, min)): NaN stays NaN, and min > max gives max everywhere', () => {
    expect(values(clip(f32([-2, 0.5, 9, NaN]), f32([0]), f32([6])))).toEqual([0, 0.5, 6, NaN]);
    expect(values(clip(f32([1, 5, 9]), f32([6]), f32([4])))).toEqual([4, 4, 4]);
  });

  it('clips on one side when the other bound is omitted', () => {
    expect(values(clip(f32([-2, 8]), null, f32([1])))).toEqual([-2, 1]);
    expect(values(clip(f32([-2, 8]), f32([0]), null))).toEqual([0, 8]);
  });

  it('compares int64 bounds exactly', () => {
    const x = i64([2n ** 60n + 5n, -3n]);
    expect(big(clip(x, i64([0n]), i64([2n ** 60n])))).toEqual([2n ** 60n, 0n]);
  });

  it('reads the bounds from attributes before opset 11, defaulting to ∓FLT_MAX at 6 and to none at 1', () => {
    const x = f64([1e39, -1e39, 0.5]);
    const flt = 3.4028234663852886e38;
    expect(values(runRaw('Clip', 6, [x], { min: Attr.float(-1) })[0] ?? x)).toEqual([flt, -1, 0.5]);
    expect(values(runRaw('Clip', 1, [x], { max: Attr.float(0) })[0] ?? x)).toEqual([0, -1e39, 0]);
  });

  it('takes integers from opset 12 and refuses non-scalar bounds, naming the bound and its shape', () => {
    const x = new Tensor(DataType.INT8, [2], Int8Array.from([-100, 100]));
    const lo = new Tensor(DataType.INT8, [], Int8Array.from([-5]));
    expect(() => runRaw('Clip', 11, [x, lo])).toThrow(/int8/);
    expect(values(runRaw('Clip', 12, [x, lo])[0] ?? x)).toEqual([-5, 100]);
    expect(() => clip(f32([1]), f32([0, 1]), null)).toThrow(
      /Clip node .*min \(input 1\) must be a scalar, got shape \[2\]/,
    );
  });

  it('takes min and max as attributes in the builder and emits them as inputs of X type', () => {
    const b = new GraphBuilder({ opset: 13 });
    const x = b.input('x', DataType.FLOAT16, ['N', 4]);
    const y = b.clip(x, { min: 0, max: 6 });
    expect(y.type?.shape?.map(String)).toEqual(['N', '4']);
    const node = y.producer();
    expect(node?.inputs.map((v) => v?.type?.dtype)).toEqual([DataType.FLOAT16, DataType.FLOAT16, DataType.FLOAT16]);
    expect(node?.inputs[2]?.constValue?.toNumbers()).toEqual([6]);
  });
});
