import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { compareTensors } from '../../src/runtime/compare.js';

const f64 = (dims: number[], values: number[]): Tensor => new Tensor(DataType.DOUBLE, dims, Float64Array.from(values));

describe('compareTensors', () => {
  it('accepts identical tensors with zero error', () => {
    const result = compareTensors(f64([2], [1, -2]), f64([2], [1, -2]));
    expect(result).toMatchObject({ ok: true, maxAbsErr: 0, maxRelErr: 0 });
  });

  it('accepts a difference within atol and reports it', () => {
    const result = compareTensors(f64([2], [1.25, 2]), f64([2], [1, 2]), { atol: 0.25 });
    expect(result).toMatchObject({ ok: true, maxAbsErr: 0.25, maxRelErr: 0.25, worstIndex: 0 });
  });

  it('scales rtol with abs(want)', () => {
    // |101 - 100| = 1 <= 0 + 0.01 * 100; |101.5 - 100| = 1.5 > 1.
    expect(compareTensors(f64([1], [101]), f64([1], [100]), { rtol: 0.01 }).ok).toBe(true);
    expect(compareTensors(f64([1], [101.5]), f64([1], [100]), { rtol: 0.01 }).ok).toBe(false);
    expect(compareTensors(f64([1], [-101]), f64([1], [-100]), { rtol: 0.01 }).ok).toBe(true);
  });

  it('adds atol and rtol * abs(want)', () => {
    // 1 + 0.1 * 10 = 2 allows a difference of exactly 2, not 2.5.
    expect(compareTensors(f64([1], [12]), f64([1], [10]), { atol: 1, rtol: 0.1 }).ok).toBe(true);
    expect(compareTensors(f64([1], [12.5]), f64([1], [10]), { atol: 1, rtol: 0.1 }).ok).toBe(false);
  });

  it('is asymmetric: the tolerance scales with want, not got', () => {
    expect(compareTensors(f64([1], [0]), f64([1], [1]), { rtol: 1 }).ok).toBe(true);
    const flipped = compareTensors(f64([1], [1]), f64([1], [0]), { rtol: 1 });
    expect(flipped).toMatchObject({ ok: false, maxAbsErr: 1, maxRelErr: Infinity });
  });

  it('treats NaN at the same position as equal by default', () => {
    expect(compareTensors(f64([2], [NaN, 1]), f64([2], [NaN, 1])).ok).toBe(true);
    expect(compareTensors(f64([2], [NaN, 1]), f64([2], [NaN, 1]), { nanEqual: false }).ok).toBe(false);
  });

  it('fails a NaN against a number, pointing at it', () => {
    const result = compareTensors(f64([3], [1, 2, 3]), f64([3], [1, NaN, 3]), { atol: 1 });
    expect(result).toMatchObject({ ok: false, maxAbsErr: Infinity, worstIndex: 1 });
    expect(result.message).toMatch(/got 2, want NaN/);
  });

  it('matches an infinity only with the same infinity', () => {
    expect(compareTensors(f64([1], [Infinity]), f64([1], [Infinity])).ok).toBe(true);
    expect(compareTensors(f64([1], [-Infinity]), f64([1], [Infinity]), { atol: 1e30 }).ok).toBe(false);
    expect(compareTensors(f64([1], [1e308]), f64([1], [Infinity]), { atol: 1e30 }).ok).toBe(false);
  });

  it('names the element furthest outside tolerance with its multi-index', () => {
    const want = f64([2, 3], [0, 0, 0, 0, 0, 0]);
    const got = f64([2, 3], [0, 0.5, 0, 0, 3, 0]);
    const result = compareTensors(got, want, { atol: 0.1 });
    expect(result).toMatchObject({ ok: false, maxAbsErr: 3, worstIndex: 4 });
    expect(result.message).toMatch(/2 of 6 elements/);
    expect(result.message).toMatch(/\[1, 1\] \(flat 4\)/);
    expect(result.message).toMatch(/got 3, want 0/);
  });

  it('reports a dtype mismatch without comparing values', () => {
    const result = compareTensors(Tensor.float32([2], [1, 2]), f64([2], [1, 2]), { atol: 1 });
    expect(result.ok).toBe(false);
    expect(result.message).toBe('dtype mismatch: got float32[2], want float64[2]');
  });

  it('reports a shape mismatch even with the same element count', () => {
    const result = compareTensors(f64([2, 3], [1, 2, 3, 4, 5, 6]), f64([3, 2], [1, 2, 3, 4, 5, 6]));
    expect(result.ok).toBe(false);
    expect(result.message).toBe('shape mismatch: got float64[2, 3], want float64[3, 2]');
  });

  it('compares int64 exactly, beyond float precision', () => {
    const big = 2n ** 60n;
    const result = compareTensors(Tensor.int64([1], [big + 1n]), Tensor.int64([1], [big]));
    expect(result).toMatchObject({ ok: false, maxAbsErr: 1, worstIndex: 0 });
    expect(result.message).toMatch(/got 1152921504606846977, want 1152921504606846976/);
    expect(compareTensors(Tensor.int64([1], [big + 1n]), Tensor.int64([1], [big]), { atol: 1 }).ok).toBe(true);
  });

  it('decodes float16 bits before comparing', () => {
    // 0x3c00 = 1.0, 0x3c01 = 1 + 2^-10 = 1.0009765625.
    const got = new Tensor(DataType.FLOAT16, [1], Uint16Array.from([0x3c01]));
    const want = new Tensor(DataType.FLOAT16, [1], Uint16Array.from([0x3c00]));
    expect(compareTensors(got, want, { atol: 2 ** -10 }).ok).toBe(true);
    expect(compareTensors(got, want, { atol: 2 ** -11 })).toMatchObject({ ok: false, maxAbsErr: 2 ** -10 });
  });

  it('compares string tensors element by element', () => {
    const a = new Tensor(DataType.STRING, [2], ['a', 'b']);
    expect(compareTensors(a, new Tensor(DataType.STRING, [2], ['a', 'b'])).ok).toBe(true);
    const result = compareTensors(a, new Tensor(DataType.STRING, [2], ['a', 'c']));
    expect(result).toMatchObject({ ok: false, worstIndex: 1 });
    expect(result.message).toMatch(/got "b", want "c"/);
  });

  it('accepts empty tensors', () => {
    expect(compareTensors(f64([0, 3], []), f64([0, 3], []))).toMatchObject({ ok: true, worstIndex: -1, maxAbsErr: 0 });
  });

  it('refuses negative tolerances', () => {
    expect(() => compareTensors(f64([1], [1]), f64([1], [1]), { atol: -1 })).toThrow(RangeError);
  });
});
