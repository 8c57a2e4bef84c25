import { describe, expect, it } from 'vitest';
import { prng } from '../../src/blocks/weights.js';
import { DataType, type NumberArray } from '../../src/ir/dtype.js';
import { Tensor, tensorFromNumbers } from '../../src/ir/tensor.js';
import { mapFloat, mapFloatRows } from '../../src/ops/shared/elementwise.js';

const fail = (detail: string): never => {
  throw new Error(detail);
};

/** The logistic function in the overflow-free form sigmoid.ts uses. */
const logistic = (x: number): number => {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
};

describe("mapFloatRows (an op's own element loop)", () => {
  it('gives the bits of mapFloat for float32, float64 and float16, NaN and infinities included', () => {
    const random = prng(9);
    const values = [
      ...Array.from({ length: 500 }, () => random() * 40 - 20),
      0,
      -0,
      Infinity,
      -Infinity,
      Number.NaN,
      710,
      -745,
    ];
    const rows = (input: NumberArray, out: NumberArray, length: number): void => {
      for (let i = 0; i < length; i += 1) out[i] = logistic(input[i] ?? 0);
    };
    for (const dtype of [DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16]) {
      const x = tensorFromNumbers(dtype, [values.length], values);
      const want = mapFloat(x, logistic, fail);
      const got = mapFloatRows(x, rows, fail);
      expect(got.dtype).toBe(dtype);
      expect(got.toNumbers()).toEqual(want.toNumbers());
    }
  });

  it('refuses a non-float tensor', () => {
    const x = new Tensor(DataType.INT32, [1], Int32Array.of(1));
    expect(() => mapFloatRows(x, () => undefined, fail)).toThrow(/expects a float tensor/);
  });
});
