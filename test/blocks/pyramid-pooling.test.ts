import { describe, expect, it } from 'vitest';
import { pyramidPoolingBlock } from '../../src/blocks/pyramid-pooling.js';
import { Tensor } from '../../src/ir/tensor.js';
import { buildBlock, expectClose, opTypes, randomInput, runOrt, runRef } from './helpers.js';

/** Branch i of the PPM: a 1x1 conv picking `weights` and an identity BatchNorm (with bnEps 0). */
function branch(i: number, conv: readonly number[]): [string, Tensor][] {
  return [
    [`features.${i}.1.weight`, Tensor.float32([1, conv.length, 1, 1], conv)],
    [`features.${i}.2.weight`, Tensor.float32([1], [1])],
    [`features.${i}.2.bias`, Tensor.float32([1], [0])],
    [`features.${i}.2.running_mean`, Tensor.float32([1], [0])],
    [`features.${i}.2.running_var`, Tensor.float32([1], [1])],
  ];
}

describe('pyramidPooling (PSPNet PPM, bilinear align_corners=True)', () => {
  it('names its weights features.<i>.1 (conv) and features.<i>.2 (BatchNorm), r = c / bins', () => {
    const params = pyramidPoolingBlock.params({}, 8);
    expect(params).toHaveLength(20);
    expect(params.slice(0, 5).map((p) => `${p.name}:${p.shape.join('x')}`)).toEqual([
      'features.0.1.weight:2x8x1x1',
      'features.0.2.weight:2',
      'features.0.2.bias:2',
      'features.0.2.running_mean:2',
      'features.0.2.running_var:2',
    ]);
    expect(params[15]?.name).toBe('features.3.1.weight');
    expect(() => pyramidPoolingBlock.params({}, 6)).toThrow(/not a multiple of the 4 bins/);
  });

  it('computes a hand-derived 3x3 case: adaptive means, ReLU, align-corners upsampling, concat after x', async () => {
    // Channel 0 = 1..9; channel 1 = −(1..9). Branch 0 (1 bin) reads channel 0: mean 5 everywhere.
    // Branch 1 (2 bins) reads channel 0: bins rows/cols {0,1},{1,2} → [[3, 4], [6, 7]]; upsampled 2→3 with
    // align_corners (source = x·(2−1)/(3−1) = 0, ½, 1): [[3, 3.5, 4], [4.5, 5, 5.5], [6, 6.5, 7]].
    // Branch 2 (1 bin) reads channel 1: mean −5 → ReLU → 0.
    const weights = new Map([...branch(0, [1, 0]), ...branch(1, [1, 0]), ...branch(2, [0, 1])]);
    const config = { bins: [1, 2, 1], reductionChannels: 1, bnEps: 0 };
    const model = buildBlock(pyramidPoolingBlock, config, [1, 2, 3, 3], weights);
    const xs = Array.from({ length: 9 }, (_, i) => i + 1);
    const x = Tensor.float32([1, 2, 3, 3], [...xs, ...xs.map((v) => -v)]);
    const want = [
      ...xs,
      ...xs.map((v) => -v),
      ...new Array<number>(9).fill(5),
      3,
      3.5,
      4,
      4.5,
      5,
      5.5,
      6,
      6.5,
      7,
      ...new Array<number>(9).fill(0),
    ];
    expectClose(runRef(model, x), [1, 5, 3, 3], want);
    expectClose(await runOrt(model, x), [1, 5, 3, 3], want);
    const dynamic = buildBlock(pyramidPoolingBlock, config, ['N', 2, 'H', 'W'], weights);
    expectClose(runRef(dynamic, x), [1, 5, 3, 3], want);
    expectClose(await runOrt(dynamic, x), [1, 5, 3, 3], want);
  });

  it('uses linear Resize with align_corners and passes the checker at several sizes', async () => {
    for (const [h, w] of [
      [13, 13],
      [6, 9],
      [1, 1],
      [7, 4],
    ] as const) {
      const model = buildBlock(pyramidPoolingBlock, {}, [1, 8, h, w]);
      expect(model.graph.outputs[0]?.type?.shape).toEqual([1, 16, h, w]);
      const resizes = model.graph.nodes.filter((n) => n.opType === 'Resize');
      expect(resizes).toHaveLength(4);
      for (const node of resizes) {
        expect(node.attributes.get('coordinate_transformation_mode')?.value).toBe('align_corners');
        expect(node.attributes.get('mode')?.value).toBe('linear');
      }
      expect(opTypes(model).filter((op) => op === 'Relu')).toHaveLength(4);
      const x = randomInput([1, 8, h, w], h * 7 + w);
      const want = runRef(model, x);
      expectClose(await runOrt(model, x), want.dims, want.toNumbers(), 1e-5);
    }
  });
});
