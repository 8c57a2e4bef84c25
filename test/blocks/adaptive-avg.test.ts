import { describe, expect, it } from 'vitest';
import { sppAdaptive } from '../../src/blocks/spp-adaptive.js';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { assertValidModel } from '../../src/transform/passes/check.js';
import { Tensor } from '../../src/ir/tensor.js';
import { runOrt, runRef } from './helpers.js';

function model(h: number | string, w: number | string, levels: number[]): ReturnType<GraphBuilder['build']> {
  const b = new GraphBuilder();
  const x = b.input('x', DataType.FLOAT, [1, 2, h, w]);
  b.output(sppAdaptive(b, x, { levels, pool: 'avg' }), 'y');
  const built = b.build();
  assertValidModel(built);
  return built;
}

// Channel 0 holds 1..9 row-major, channel 1 holds 10 × that. Level 2 on 3×3: bins are rows/cols [0,2) and [1,3).
//   (0,0) = (1+2+4+5)/4 = 3, (0,1) = (2+3+5+6)/4 = 4, (1,0) = (4+5+7+8)/4 = 6, (1,1) = (5+6+8+9)/4 = 7; level 1 = 5.
const x = Tensor.float32([1, 2, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
const want = [3, 4, 6, 7, 30, 40, 60, 70, 5, 50];

describe('adaptive average pyramid as matrix products', () => {
  for (const [label, h, w] of [
    ['static', 3, 3],
    ['dynamic', 'H', 'W'],
  ] as const) {
    it(`gives the hand-computed bin means (${label} size), levels in order and channel-major`, async () => {
      const m = model(h, w, [2, 1]);
      expect(m.graph.nodes.some((n) => n.opType === 'MatMul')).toBe(true);
      for (const y of [runRef(m, x), await runOrt(m, x)]) {
        expect(y.dims).toEqual([1, 10]);
        y.toNumbers().forEach((v, i) => expect(v).toBeCloseTo(want[i] ?? NaN, 5));
      }
    });
  }

  it('handles inputs smaller than the level (1×1 at level 3: every bin is the one cell)', () => {
    const m = model('H', 'W', [3]);
    const y = runRef(m, Tensor.float32([1, 2, 1, 1], [4, -2]));
    expect(y.toNumbers()).toEqual([...Array.from({ length: 9 }, () => 4), ...Array.from({ length: 9 }, () => -2)]);
  });

  it('keeps fixed-kernel AveragePool when every level divides the static size', () => {
    const m = model(4, 4, [2, 1]);
    expect(m.graph.nodes.map((n) => n.opType)).not.toContain('MatMul');
  });
});
