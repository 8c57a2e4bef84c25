import { describe, expect, it } from 'vitest';
import { planSppnetCompat, planSppPaper, sppnetCompatBlock, sppPaperBlock } from '../../src/blocks/spp-paper.js';
import { ConfigError } from '../../src/ir/errors.js';
import { buildBlock, expectClose, nchwTensor, opTypes, randomInput, runOrt, runRef } from './helpers.js';

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

describe('sppPaper (window ceil(a/n), stride floor(a/n), no padding)', () => {
  it('plans 9x9 levels 3, 2, 1 as windows 3/5/9 with strides 3/4/9', () => {
    const plan = planSppPaper([3, 2, 1], 9, 9);
    expect(plan.map((l) => [l.kernel, l.stride, l.pad])).toEqual([
      [
        [3, 3],
        [3, 3],
        [0, 0],
      ],
      [
        [5, 5],
        [4, 4],
        [0, 0],
      ],
      [
        [9, 9],
        [9, 9],
        [0, 0],
      ],
    ]);
  });

  it('refuses an input smaller than the level, naming the zero stride', () => {
    expect(() => planSppPaper([4, 2, 1], 3, 3)).toThrow(ConfigError);
    expect(() => planSppPaper([4, 2, 1], 3, 3)).toThrow('level 4 on height 3: stride floor(3/4) = 0');
    expect(() => planSppPaper([4], 8, 2)).toThrow('level 4 on width 2: stride floor(2/4) = 0');
  });

  it('refuses sizes that give the wrong bin count, naming the count', () => {
    // a = 6, n = 4: window 2, stride 1 → floor((6 - 2)/1) + 1 = 5 bins.
    expect(() => planSppPaper([4, 2, 1], 6, 6)).toThrow('level 4 on height 6 gives 5 bins, not 4');
    // H = 10 is fine (window 3, stride 2 → 4 bins); W = 7: window 2, stride 1 → 6 bins.
    expect(() => planSppPaper([4, 2, 1], 10, 7)).toThrow('level 4 on width 7 gives 6 bins, not 4');
    // n = 6 on 16: window 3, stride 2 → 7 bins.
    expect(() => planSppPaper([6, 3, 2, 1], 16, 12)).toThrow('level 6 on height 16 gives 7 bins, not 6');
  });

  it('refuses a symbolic height', () => {
    expect(() => buildBlock(sppPaperBlock, { levels: [2, 1] }, [1, 1, 'H', 4])).toThrow(/static height and width/);
  });

  it('pools 4x4 into 2x2 + 1 bins (hand-derived maxima)', async () => {
    const model = buildBlock(sppPaperBlock, { levels: [2, 1] }, [1, 1, 4, 4]);
    const x = nchwTensor([1, 1, 4, 4], range(16));
    expectClose(runRef(model, x), [1, 5], [5, 7, 13, 15, 15], 0);
    expectClose(await runOrt(model, x), [1, 5], [5, 7, 13, 15, 15], 0);
  });

  it('ignores rows its windows do not reach (a = 10, n = 4 reads rows 0..8)', async () => {
    const values = range(40).map((i) => (i >= 36 ? 1000 : i)); // row 9 of a 10x4 map holds the largest values
    const x = nchwTensor([1, 1, 10, 4], values);
    const model = buildBlock(sppPaperBlock, { levels: [4] }, [1, 1, 10, 4]);
    // rows [0,3), [2,5), [4,7), [6,9); columns one each: max = last row of the window.
    const want = [2, 4, 6, 8].flatMap((row) => range(4, row * 4));
    expectClose(runRef(model, x), [1, 16], want, 0);
    expectClose(await runOrt(model, x), [1, 16], want, 0);
  });

  it('averages over the same windows with pool avg', () => {
    const model = buildBlock(sppPaperBlock, { levels: [1], pool: 'avg' }, [1, 1, 2, 2]);
    expectClose(runRef(model, nchwTensor([1, 1, 2, 2], [1, 2, 3, 4])), [1, 1], [2.5]);
  });

  it('builds checked models at several sizes, one MaxPool or global pool per level', () => {
    for (const [h, w] of [
      [9, 9],
      [13, 13],
      [8, 12],
      [16, 16],
      [4, 4],
    ] as const) {
      const model = buildBlock(sppPaperBlock, { levels: [4, 2, 1] }, [2, 3, h, w]);
      expect(model.graph.outputs[0]?.type?.shape).toEqual([2, 3 * 21]);
      expect(opTypes(model).filter((op) => op === 'MaxPool' || op === 'GlobalMaxPool')).toHaveLength(3);
    }
  });
});

describe('sppnetCompat (kernel = stride = ceil(a/n), pad = floor((k*n - a + 1)/2))', () => {
  it('plans 13x13 levels 4, 2, 1 with pads 2, 1, 0', () => {
    // n=4: k=4, pad=floor((16-13+1)/2)=2; n=2: k=7, pad=floor((14-13+1)/2)=1; n=1: k=13, pad=floor(1/2)=0.
    const plan = planSppnetCompat([4, 2, 1], 13, 13);
    expect(plan.map((l) => [l.kernel[0], l.stride[0], l.pad[0]])).toEqual([
      [4, 4, 2],
      [7, 7, 1],
      [13, 13, 0],
    ]);
  });

  it('refuses padding that onnxruntime rejects (pad >= kernel)', () => {
    // a = 5, n = 4: k = 2, pad = floor((8 - 5 + 1)/2) = 2.
    expect(() => planSppnetCompat([4, 2, 1], 5, 5)).toThrow(
      'level 4 on height 5: pad 2 >= kernel 2, which onnxruntime rejects',
    );
    // a = 3, n = 4: k = 1, pad = floor((4 - 3 + 1)/2) = 1.
    expect(() => planSppnetCompat([4], 8, 3)).toThrow('level 4 on width 3: pad 1 >= kernel 1');
  });

  it('pads 3x3 to 2x2 bins, and padding never wins (hand-derived, all-negative too)', async () => {
    // a = 3, n = 2: k = 2, pad = 1 → windows [-1, 1), [1, 3): rows {0}, {1, 2}; columns the same.
    const model = buildBlock(sppnetCompatBlock, { levels: [2] }, [1, 1, 3, 3]);
    const positive = nchwTensor([1, 1, 3, 3], range(9, 1));
    expectClose(runRef(model, positive), [1, 4], [1, 3, 7, 9], 0);
    expectClose(await runOrt(model, positive), [1, 4], [1, 3, 7, 9], 0);
    const negative = nchwTensor(
      [1, 1, 3, 3],
      range(9, 1).map((v) => -v),
    );
    expectClose(runRef(model, negative), [1, 4], [-1, -2, -4, -5], 0);
    expectClose(await runOrt(model, negative), [1, 4], [-1, -2, -4, -5], 0);
  });

  it('agrees with the reference on onnxruntime at several sizes', async () => {
    for (const [h, w] of [
      [13, 13],
      [10, 7],
      [6, 11],
      [16, 9],
    ] as const) {
      const model = buildBlock(sppnetCompatBlock, { levels: [4, 2, 1] }, [1, 2, h, w]);
      const x = randomInput([1, 2, h, w], h * 31 + w);
      const want = runRef(model, x);
      expectClose(await runOrt(model, x), want.dims, want.toNumbers(), 0);
    }
  });
});
