/**
 * sppAdaptive's If on divisibility (spp-blocks.ts): the block form is exact at sizes that are multiples of
 * `blockMultiple(levels)`, the If takes it exactly there, and the model is exact at every size either way — known or
 * symbolic channels, max and (opted in) avg. Expected values: a brute-force adaptive pooling with PyTorch's bins
 * (start = floor(i·a/n), end = ceil((i+1)·a/n)), written out below.
 */
import { describe, expect, it } from 'vitest';
import { sppAdaptive } from '../../src/blocks/spp-adaptive.js';
import { blockMultiple, sppBlocks } from '../../src/blocks/spp-blocks.js';
import { Tensor, tensorsIdentical } from '../../src/ir/tensor.js';
import { blockModel, randomInput, runOrt, runRef } from './helpers.js';

/** Adaptive SPP by definition: per level n, per channel, the max or mean of each bin; [N, C·Σn²]. */
function bruteForce(x: Tensor, levels: readonly number[], pool: 'max' | 'avg'): Tensor {
  const [batch = 1, channels = 1, height = 1, width = 1] = x.dims;
  const data = x.toNumbers();
  const out: number[] = [];
  for (let b = 0; b < batch; b += 1)
    for (const n of levels)
      for (let c = 0; c < channels; c += 1)
        for (let i = 0; i < n; i += 1)
          for (let j = 0; j < n; j += 1) {
            const [r0, r1] = [Math.floor((i * height) / n), Math.ceil(((i + 1) * height) / n)];
            const [c0, c1] = [Math.floor((j * width) / n), Math.ceil(((j + 1) * width) / n)];
            let best = -Infinity;
            let sum = 0;
            for (let r = r0; r < r1; r += 1)
              for (let q = c0; q < c1; q += 1) {
                const v = data[((b * channels + c) * height + r) * width + q] ?? NaN;
                best = Math.max(best, v);
                sum += v;
              }
            out.push(pool === 'max' ? best : sum / ((r1 - r0) * (c1 - c0)));
          }
  return Tensor.float32([batch, channels * levels.reduce((a, n) => a + n * n, 0)], out);
}

function expectMatch(got: Tensor, want: Tensor, pool: 'max' | 'avg'): void {
  expect(got.dims).toEqual(want.dims);
  if (pool === 'max') {
    expect(tensorsIdentical(got, want)).toBe(true);
    return;
  }
  const [a, b] = [got.toNumbers(), want.toNumbers()];
  a.forEach((v, i) => expect(Math.abs(v - (b[i] ?? NaN))).toBeLessThanOrEqual(1e-5));
}

describe('blockMultiple', () => {
  it('is the lcm of the levels reduced from the map (the others come from a finer level)', () => {
    expect(blockMultiple([4, 2, 1])).toBe(4);
    expect(blockMultiple([6, 3, 2, 1])).toBe(6);
    expect(blockMultiple([4, 3, 2, 1])).toBe(12);
    expect(blockMultiple([5, 1])).toBe(5);
    expect(blockMultiple([1])).toBe(1);
  });
});

describe('sppBlocks (the If’s then branch)', () => {
  for (const pool of ['max', 'avg'] as const)
    for (const channels of [3, 'C'] as const)
      it(`is exact at multiples of the levels (${pool}, channels ${channels})`, () => {
        for (const [levels, h, w] of [
          [[4, 2, 1], 8, 12],
          [[6, 3, 2, 1], 12, 6],
          [[4, 3, 2, 1], 12, 24],
        ] as const) {
          const model = blockModel([2, channels, 'H', 'W'], (b, x) => sppBlocks(b, x, levels, pool));
          const x = randomInput([2, 3, h, w], h * 31 + w);
          expectMatch(runRef(model, x), bruteForce(x, levels, pool), pool);
        }
      });
});

describe('sppAdaptive with symbolic H and W', () => {
  it('branches on divisibility for max by default, and for avg only when asked', () => {
    const model = (pool: 'max' | 'avg', divisibleBranch?: boolean) =>
      blockModel([1, 3, 'H', 'W'], (b, x) =>
        sppAdaptive(b, x, { levels: [4, 2, 1], pool, ...(divisibleBranch === undefined ? {} : { divisibleBranch }) }),
      );
    const ifs = (m: ReturnType<typeof model>) => m.graph.nodes.filter((n) => n.opType === 'If');
    expect(ifs(model('max'))).toHaveLength(1);
    expect(ifs(model('avg'))).toHaveLength(0);
    expect(ifs(model('avg', true))).toHaveLength(1);
    expect(ifs(model('max', false))).toHaveLength(0);
    // A static size needs no If, nor does a symbolic one that a static side already rules out.
    expect(
      blockModel([1, 3, 16, 16], (b, x) => sppAdaptive(b, x, { levels: [4, 2, 1], pool: 'max' })).graph.nodes,
    ).not.toContainEqual(expect.objectContaining({ opType: 'If' }));
    const oddWidth = blockModel([1, 3, 'H', 13], (b, x) => sppAdaptive(b, x, { levels: [4, 2, 1], pool: 'max' }));
    expect(ifs(oddWidth)).toHaveLength(0);
    // The then branch is the block form (Reshape + ReduceMax), the else branch the general lowering (no Reshape).
    const node = ifs(model('max'))[0];
    const branchOps = (name: string): string[] => {
      const attribute = node?.attributes.get(name);
      return attribute?.kind === 'graph' ? attribute.value.nodes.map((n) => n.opType) : [];
    };
    expect(branchOps('then_branch')).toContain('Reshape');
    expect(branchOps('else_branch')).not.toContain('Reshape');
  });

  for (const pool of ['max', 'avg'] as const)
    it(`is exact on both branches, on the reference and on onnxruntime (${pool})`, async () => {
      const model = blockModel([1, 4, 'H', 'W'], (b, x) =>
        sppAdaptive(b, x, { levels: [6, 3, 2, 1], pool, divisibleBranch: true }),
      );
      // 12x18 and 6x6 divide by 6 (then); 13x13, 12x9 and 1x1 do not (else).
      for (const [h, w] of [
        [12, 18],
        [6, 6],
        [13, 13],
        [12, 9],
        [1, 1],
      ] as const) {
        const x = randomInput([1, 4, h, w], h * 7 + w);
        const want = bruteForce(x, [6, 3, 2, 1], pool);
        expectMatch(runRef(model, x), want, pool);
        expectMatch(await runOrt(model, x), want, pool);
      }
    });
});
