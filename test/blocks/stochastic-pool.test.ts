import { describe, expect, it } from 'vitest';
import { stochasticPoolBlock, stochasticPoolSample } from '../../src/blocks/stochastic-pool.js';
import { ConfigError } from '../../src/ir/errors.js';
import { Tensor } from '../../src/ir/tensor.js';
import { buildBlock, expectClose, opTypes, runOrt, runRef } from './helpers.js';

/** A 1x1x4x4 map of four 2x2 windows, given window by window (each in row-major order). */
function fourWindows(windows: readonly (readonly [number, number, number, number])[]): Tensor {
  const values = new Array<number>(16).fill(0);
  windows.forEach((w, k) => {
    const top = Math.floor(k / 2) * 2;
    const left = (k % 2) * 2;
    w.forEach((v, i) => {
      values[(top + Math.floor(i / 2)) * 4 + left + (i % 2)] = v;
    });
  });
  return Tensor.float32([1, 1, 4, 4], values);
}

describe('stochasticPool (inference: Σa²/Σa, 0 for an all-zero window)', () => {
  // [1,2,3,4]: (1+4+9+16)/10 = 3;  [0,0,0,0]: 0;  [0,0,0,5]: 25/5 = 5;  [2,2,2,2]: 16/8 = 2.
  const x = fourWindows([
    [1, 2, 3, 4],
    [0, 0, 0, 0],
    [0, 0, 0, 5],
    [2, 2, 2, 2],
  ]);
  const want = [3, 0, 5, 2];

  it('gives the probability-weighted average of hand-computed 2x2 windows on ref and ort-cpu', async () => {
    const model = buildBlock(stochasticPoolBlock, {}, [1, 1, 4, 4]);
    expectClose(runRef(model, x), [1, 1, 2, 2], want);
    expectClose(await runOrt(model, x), [1, 1, 2, 2], want);
  });

  it('drops the odd last row and column (floor mode)', () => {
    const model = buildBlock(stochasticPoolBlock, {}, [1, 1, 3, 3]);
    // window rows/cols {0,1}: [1, 2, 4, 5] → (1+4+16+25)/12 = 46/12.
    expectClose(runRef(model, Tensor.float32([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9])), [1, 1, 1, 1], [46 / 12]);
  });

  it('is exactly 0 for an all-zero window even when other windows are tiny', () => {
    const model = buildBlock(stochasticPoolBlock, {}, [1, 1, 2, 4]);
    const y = runRef(model, Tensor.float32([1, 1, 2, 4], [0, 0, 1e-30, 0, 0, 0, 0, 0]));
    expect(y.toNumbers()[0]).toBe(0);
    expect(Number.isFinite(y.toNumbers()[1])).toBe(true);
  });

  it('is built from AveragePool, Equal, Where and Div and passes the checker at several sizes', () => {
    for (const [h, w] of [
      [13, 13],
      [2, 2],
      [7, 10],
    ] as const) {
      const model = buildBlock(stochasticPoolBlock, { kernel: 2 }, [2, 3, h, w]);
      expect(model.graph.outputs[0]?.type?.shape).toEqual([2, 3, Math.floor(h / 2), Math.floor(w / 2)]);
      expect(new Set(opTypes(model))).toEqual(new Set(['Mul', 'AveragePool', 'Equal', 'Where', 'Div']));
    }
    const dynamic = buildBlock(stochasticPoolBlock, {}, ['N', 1, 'H', 'W']);
    expectClose(runRef(dynamic, x), [1, 1, 2, 2], want);
  });
});

describe('stochasticPoolSample (training: one seeded multinomial draw per window)', () => {
  const x = fourWindows([
    [1, 2, 3, 4],
    [0, 0, 0, 0],
    [0, 0, 0, 5],
    [0, 7, 0, 9],
  ]);

  it('is deterministic for a seed', () => {
    const a = stochasticPoolSample(x, 2, 2, 42).toNumbers();
    expect(stochasticPoolSample(x, 2, 2, 42).toNumbers()).toEqual(a);
    expect(a).toHaveLength(4);
  });

  it('picks a positive member of each window, and 0 for an all-zero window', () => {
    for (let seed = 0; seed < 200; seed += 1) {
      const [w0, w1, w2, w3] = stochasticPoolSample(x, 2, 2, seed).toNumbers();
      expect([1, 2, 3, 4]).toContain(w0);
      expect(w1).toBe(0);
      expect(w2).toBe(5);
      expect([7, 9]).toContain(w3);
    }
  });

  it('draws members with probability proportional to their value', () => {
    // 4000 windows [1, 3] (kernel 1x2): P(3) = 3/4; 5 standard deviations = 5·sqrt(4000·0.75·0.25) ≈ 137.
    const windows = 4000;
    const row = Array.from({ length: windows * 2 }, (_, i) => (i % 2 === 0 ? 1 : 3));
    const y = stochasticPoolSample(Tensor.float32([1, 1, 1, windows * 2], row), [1, 2], [1, 2], 7).toNumbers();
    const threes = y.filter((v) => v === 3).length;
    expect(y.every((v) => v === 1 || v === 3)).toBe(true);
    expect(Math.abs(threes - 3000)).toBeLessThan(137);
  });

  it('refuses negative inputs, naming the element', () => {
    expect(() => stochasticPoolSample(Tensor.float32([1, 1, 2, 2], [1, -1, 0, 0]), 2, 2, 0)).toThrow(ConfigError);
    expect(() => stochasticPoolSample(Tensor.float32([1, 1, 2, 2], [1, -1, 0, 0]), 2, 2, 0)).toThrow(
      /element 1 .* is -1/,
    );
  });
});
