import { describe, expect, it } from 'vitest';
import { simSppfBlock, sppcspcBlock, sppelanBlock } from '../../src/blocks/yolo-necks.js';
import { sppfBlock } from '../../src/blocks/ultralytics.js';
import { seededWeights } from '../../src/blocks/weights.js';
import { Tensor } from '../../src/ir/tensor.js';
import { buildBlock, expectClose, opTypes, randomInput, runOrt, runRef } from './helpers.js';

const silu = (t: number): number => t / (1 + Math.exp(-t));
const relu = (t: number): number => Math.max(0, t);

/** Weights of one Conv+BN unit whose BatchNorm is the identity plus `beta` (with bnEps 0: scale 1/sqrt(1) = 1). */
function unit(prefix: string, conv: Tensor, beta: readonly number[]): [string, Tensor][] {
  const c = beta.length;
  return [
    [`${prefix}.conv.weight`, conv],
    [`${prefix}.bn.weight`, Tensor.float32([c], new Array<number>(c).fill(1))],
    [`${prefix}.bn.bias`, Tensor.float32([c], beta)],
    [`${prefix}.bn.running_mean`, Tensor.float32([c], new Array<number>(c).fill(0))],
    [`${prefix}.bn.running_var`, Tensor.float32([c], new Array<number>(c).fill(1))],
  ];
}

/** A 1-in/1-out 3x3 kernel whose centre is `centre` and whose other taps (padding only at 1x1) are 100. */
const kernel3 = (centre: number): Tensor =>
  Tensor.float32([1, 1, 3, 3], [100, 100, 100, 100, centre, 100, 100, 100, 100]);
const w1x1 = (cOut: number, values: readonly number[]): Tensor =>
  Tensor.float32([cOut, values.length / cOut, 1, 1], values);

describe('simSppf (YOLOv6: SPPF with ReLU units)', () => {
  it('names its weights like the PyTorch module', () => {
    expect(simSppfBlock.params({ outChannels: 6 }, 8).map((p) => `${p.name}:${p.shape.join('x')}`)).toEqual([
      'cv1.conv.weight:4x8x1x1',
      'cv1.bn.weight:4',
      'cv1.bn.bias:4',
      'cv1.bn.running_mean:4',
      'cv1.bn.running_var:4',
      'cv2.conv.weight:6x16x1x1',
      'cv2.bn.weight:6',
      'cv2.bn.bias:6',
      'cv2.bn.running_mean:6',
      'cv2.bn.running_var:6',
    ]);
  });

  it('computes a hand-derived 1x1 case with ReLU (not SiLU) units', async () => {
    // cv1 picks channels 0 and 1: relu([1, -2]) = [1, 0]; pools of a 1x1 map are the identity;
    // cv2 over [1,0,1,0,1,0,1,0] with weights [1,5,2,5,3,5,-1,5] and bias -1: relu(1+2+3-1-1) = 4.
    const weights = new Map([
      ...unit('cv1', w1x1(2, [1, 0, 0, 0, 0, 1, 0, 0]), [0, 0]),
      ...unit('cv2', w1x1(1, [1, 5, 2, 5, 3, 5, -1, 5]), [-1]),
    ]);
    const model = buildBlock(simSppfBlock, { outChannels: 1, bnEps: 0 }, [1, 4, 1, 1], weights);
    const x = Tensor.float32([1, 4, 1, 1], [1, -2, 0.5, 0]);
    expectClose(runRef(model, x), [1, 1, 1, 1], [relu(4)]);
    expectClose(await runOrt(model, x), [1, 1, 1, 1], [4]);
  });

  it('emits ReLU and no Sigmoid, with three chained 5x5 pools', () => {
    const ops = opTypes(buildBlock(simSppfBlock, { outChannels: 8 }, [1, 8, 13, 13]));
    expect(ops.filter((op) => op === 'Relu')).toHaveLength(2);
    expect(ops).not.toContain('Sigmoid');
    expect(ops.filter((op) => op === 'MaxPool')).toHaveLength(3);
  });
});

describe('sppcspc (YOLOv7 SPPCSPC)', () => {
  it('names its weights cv1..cv7 with the published shapes (c_ = int(2*c2*0.5))', () => {
    const shapes = sppcspcBlock
      .params({ outChannels: 16 }, 8)
      .filter((p) => p.name.endsWith('conv.weight'))
      .map((p) => `${p.name}:${p.shape.join('x')}`);
    expect(shapes).toEqual([
      'cv1.conv.weight:16x8x1x1',
      'cv2.conv.weight:16x8x1x1',
      'cv3.conv.weight:16x16x3x3',
      'cv4.conv.weight:16x16x1x1',
      'cv5.conv.weight:16x64x1x1',
      'cv6.conv.weight:16x16x3x3',
      'cv7.conv.weight:16x32x1x1',
    ]);
  });

  it('computes a hand-derived single-channel 1x1 case', async () => {
    // c1 = c2 = c_ = 1; at 1x1 a padded 3x3 conv reads only its centre, and every pool is the identity:
    //   x1 = silu(a4·silu(a3·silu(a1·x)));  y1 = silu(a6·silu((p+q+r+s)·x1));  y2 = silu(a2·x);
    //   out = silu(u·y1 + v·y2)
    const [a1, a2, a3, a4, a6] = [0.5, -0.75, 1.5, 0.8, -1.25];
    const [p, q, r, s, u, v] = [0.3, -0.2, 0.4, 0.1, 0.9, -0.6];
    const weights = new Map([
      ...unit('cv1', w1x1(1, [a1]), [0]),
      ...unit('cv2', w1x1(1, [a2]), [0]),
      ...unit('cv3', kernel3(a3), [0]),
      ...unit('cv4', w1x1(1, [a4]), [0]),
      ...unit('cv5', w1x1(1, [p, q, r, s]), [0]),
      ...unit('cv6', kernel3(a6), [0]),
      ...unit('cv7', w1x1(1, [u, v]), [0]),
    ]);
    const model = buildBlock(sppcspcBlock, { outChannels: 1, bnEps: 0 }, [1, 1, 1, 1], weights);
    const xv = 1.7;
    const x1 = silu(a4 * silu(a3 * silu(a1 * xv)));
    const y1 = silu(a6 * silu((p + q + r + s) * x1));
    const y2 = silu(a2 * xv);
    const want = [silu(u * y1 + v * y2)];
    const x = Tensor.float32([1, 1, 1, 1], [xv]);
    expectClose(runRef(model, x), [1, 1, 1, 1], want, 1e-6);
    expectClose(await runOrt(model, x), [1, 1, 1, 1], want, 1e-6);
  });

  it('emits 7 convs, pools 5/9/13 and two concats, valid at several sizes and on onnxruntime', async () => {
    for (const [h, w] of [
      [13, 13],
      [7, 11],
      [1, 2],
    ] as const) {
      const model = buildBlock(sppcspcBlock, { outChannels: 6 }, [1, 4, h, w]);
      const ops = opTypes(model);
      expect(ops.filter((op) => op === 'Conv')).toHaveLength(7);
      expect(ops.filter((op) => op === 'Concat')).toHaveLength(2);
      const kernels = model.graph.nodes
        .filter((n) => n.opType === 'MaxPool')
        .map((n) => {
          const attr = n.attributes.get('kernel_shape');
          return attr?.kind === 'ints' ? attr.value.map(Number) : [];
        });
      expect(kernels).toEqual([
        [5, 5],
        [9, 9],
        [13, 13],
      ]);
      const x = randomInput([1, 4, h, w], h + w);
      const want = runRef(model, x);
      expectClose(await runOrt(model, x), want.dims, want.toNumbers(), 1e-5);
    }
  });
});

describe('sppelan (YOLOv9 SPPELAN)', () => {
  it('names its weights cv1 and cv5 (the pools cv2..cv4 have none)', () => {
    expect(
      sppelanBlock.params({ outChannels: 8, hiddenChannels: 3 }, 6).map((p) => `${p.name}:${p.shape.join('x')}`),
    ).toEqual([
      'cv1.conv.weight:3x6x1x1',
      'cv1.bn.weight:3',
      'cv1.bn.bias:3',
      'cv1.bn.running_mean:3',
      'cv1.bn.running_var:3',
      'cv5.conv.weight:8x12x1x1',
      'cv5.bn.weight:8',
      'cv5.bn.bias:8',
      'cv5.bn.running_mean:8',
      'cv5.bn.running_var:8',
    ]);
  });

  it('computes a hand-derived 1x1 case', () => {
    // y0 = silu(0.5·2 − 1·0.5 + 0.1) = silu(0.6); pools are the identity;
    // out = [silu(4·y0 + 0.2), silu((1 − 1 + 2 + 0)·y0 − 0.3)]
    const weights = new Map([
      ...unit('cv1', w1x1(1, [0.5, -1]), [0.1]),
      ...unit('cv5', w1x1(2, [1, 1, 1, 1, 1, -1, 2, 0]), [0.2, -0.3]),
    ]);
    const model = buildBlock(sppelanBlock, { outChannels: 2, hiddenChannels: 1, bnEps: 0 }, [1, 2, 1, 1], weights);
    const y0 = silu(0.6);
    expectClose(
      runRef(model, Tensor.float32([1, 2, 1, 1], [2, 0.5])),
      [1, 2, 1, 1],
      [silu(4 * y0 + 0.2), silu(2 * y0 - 0.3)],
      1e-6,
    );
  });

  it('equals Ultralytics SPPF with the same weights when c3 = c1 // 2 (cv5 as cv2)', () => {
    const sppf = seededWeights(sppfBlock.params({ outChannels: 6 }, 8), 3);
    const elan = new Map([...sppf].map(([name, t]) => [name.replace(/^cv2\./, 'cv5.'), t] as const));
    const x = randomInput([1, 8, 9, 7], 5);
    const a = runRef(buildBlock(sppfBlock, { outChannels: 6 }, [1, 8, 9, 7], sppf), x);
    const b = runRef(buildBlock(sppelanBlock, { outChannels: 6, hiddenChannels: 4 }, [1, 8, 9, 7], elan), x);
    expectClose(b, a.dims, a.toNumbers(), 0);
  });

  it('builds with symbolic H and W and agrees with onnxruntime', async () => {
    const model = buildBlock(sppelanBlock, { outChannels: 4 }, ['N', 4, 'H', 'W']);
    for (const [h, w] of [
      [5, 8],
      [13, 13],
    ] as const) {
      const x = randomInput([2, 4, h, w], h * w);
      const want = runRef(model, x);
      expect(want.dims).toEqual([2, 4, h, w]);
      expectClose(await runOrt(model, x), want.dims, want.toNumbers(), 1e-5);
    }
  });
});
