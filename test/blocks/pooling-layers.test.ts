import { describe, expect, it } from 'vitest';
import { catalog } from '../../src/blocks/index.js';
import {
  avgPoolBlock,
  convPoolBlock,
  globalAvgPoolBlock,
  globalMaxPoolBlock,
  maxPoolBlock,
  stridedPoolBlock,
} from '../../src/blocks/pooling-layers.js';
import { seededWeights } from '../../src/blocks/weights.js';
import { ConfigError } from '../../src/ir/errors.js';
import { Tensor } from '../../src/ir/tensor.js';
import { blockModel, buildBlock, expectClose, randomInput, runOrt, runRef } from './helpers.js';

const x2x2 = Tensor.float32([1, 1, 2, 2], [1, 2, 3, 4]);

describe('pooling layer blocks', () => {
  it('maxPool: padding never wins, even over negative values', async () => {
    // kernel 2, stride 2, pad 1 on a 2x2 map: each window holds one real cell (rows {0}, {1} × cols {0}, {1}).
    const model = buildBlock(maxPoolBlock, { kernel: 2, stride: 2, pad: 1 }, [1, 1, 2, 2]);
    const negative = Tensor.float32([1, 1, 2, 2], [-1, -2, -3, -4]);
    expectClose(runRef(model, negative), [1, 1, 2, 2], [-1, -2, -3, -4], 0);
    expectClose(await runOrt(model, negative), [1, 1, 2, 2], [-1, -2, -3, -4], 0);
  });

  it('avgPool: count_include_pad divides by the padded window (4) or by the real cells (1)', async () => {
    const include = buildBlock(avgPoolBlock, { kernel: 2, stride: 2, pad: 1, countIncludePad: true }, [1, 1, 2, 2]);
    const exclude = buildBlock(avgPoolBlock, { kernel: 2, stride: 2, pad: 1 }, [1, 1, 2, 2]);
    expectClose(runRef(include, x2x2), [1, 1, 2, 2], [0.25, 0.5, 0.75, 1]);
    expectClose(await runOrt(include, x2x2), [1, 1, 2, 2], [0.25, 0.5, 0.75, 1]);
    expectClose(runRef(exclude, x2x2), [1, 1, 2, 2], [1, 2, 3, 4]);
    expectClose(await runOrt(exclude, x2x2), [1, 1, 2, 2], [1, 2, 3, 4]);
  });

  it('maxPool/avgPool take ONNX-order pads [top, left, bottom, right]', () => {
    // pads [1, 0, 0, 0], kernel 2x1, stride 1 on a 2x1 column [5, 7]: windows rows {0}, {0, 1} → [5, 7].
    const model = buildBlock(maxPoolBlock, { kernel: [2, 1], stride: 1, pad: [1, 0, 0, 0] }, [1, 1, 2, 1]);
    expectClose(runRef(model, Tensor.float32([1, 1, 2, 1], [5, 7])), [1, 1, 2, 1], [5, 7], 0);
    expect(() => buildBlock(maxPoolBlock, { kernel: 2, pad: -1 }, [1, 1, 4, 4])).toThrow(ConfigError);
  });

  it('global pools reduce to [N, C, 1, 1]', async () => {
    const max = buildBlock(globalMaxPoolBlock, {}, [1, 1, 2, 2]);
    const avg = buildBlock(globalAvgPoolBlock, {}, [1, 1, 2, 2]);
    expectClose(runRef(max, x2x2), [1, 1, 1, 1], [4], 0);
    expectClose(await runOrt(avg, x2x2), [1, 1, 1, 1], [2.5]);
  });

  it('stridedPool: kernel = stride = 3, floor mode (7 → 2)', async () => {
    const model = buildBlock(stridedPoolBlock, {}, [1, 1, 7, 7]);
    const x = Tensor.float32(
      [1, 1, 7, 7],
      Array.from({ length: 49 }, (_, i) => i),
    );
    // windows rows/cols [0,3), [3,6): maxima at (2,2)=16, (2,5)=19, (5,2)=37, (5,5)=40.
    expectClose(runRef(model, x), [1, 1, 2, 2], [16, 19, 37, 40], 0);
    expectClose(await runOrt(model, x), [1, 1, 2, 2], [16, 19, 37, 40], 0);
  });

  it('convPool: a strided 3x3 conv with bias, params weight and bias', async () => {
    expect(convPoolBlock.params({ outChannels: 2 }, 3).map((p) => `${p.name}:${p.shape.join('x')}`)).toEqual([
      'weight:2x3x3x3',
      'bias:2',
    ]);
    // All-ones 3x3 kernel, bias 0.5, stride 2, pad 1 on a 3x3 map of ones: output 2x2 (floor((3+2-3)/2)+1);
    // windows centred at (0,0), (0,2), (2,0), (2,2) each see 4 real cells → 4.5.
    const weights = new Map([
      ['weight', Tensor.float32([1, 1, 3, 3], new Array<number>(9).fill(1))],
      ['bias', Tensor.float32([1], [0.5])],
    ]);
    const model = buildBlock(convPoolBlock, { outChannels: 1 }, [1, 1, 3, 3], weights);
    const ones = Tensor.float32([1, 1, 3, 3], new Array<number>(9).fill(1));
    expectClose(runRef(model, ones), [1, 1, 2, 2], [4.5, 4.5, 4.5, 4.5]);
    expectClose(await runOrt(model, ones), [1, 1, 2, 2], [4.5, 4.5, 4.5, 4.5]);
  });
});

describe('block catalogue', () => {
  const names = [
    'spp-adaptive',
    'spp-paper',
    'sppnet-compat',
    'ultralytics-spp',
    'sppf',
    'sim-sppf',
    'sppcspc',
    'sppelan',
    'pyramid-pooling',
    'max-pool',
    'avg-pool',
    'global-max-pool',
    'global-avg-pool',
    'strided-pool',
    'conv-pool',
    'stochastic-pool',
    'non-local',
  ];

  it('has every block the design names, under its kebab-case CLI name', () => {
    for (const name of names) expect(catalog[name]?.cliName, name).toBe(name);
  });

  it('configures and builds every block from default CLI options into a checked model', async () => {
    for (const name of names) {
      const entry = catalog[name];
      if (entry === undefined) throw new Error(`missing ${name}`);
      const configured = entry.configure({}, 8);
      const weights = seededWeights(configured.params, 1);
      const model = blockModel([1, 8, 13, 13], (b, x) => configured.build(b, x, weights));
      const x = randomInput([1, 8, 13, 13], name.length);
      const want = runRef(model, x);
      expectClose(await runOrt(model, x), want.dims, want.toNumbers(), 1e-5);
    }
  });

  it('refuses a kernel list for single-kernel blocks, and avg pooling for sppnet-compat', () => {
    expect(() => catalog['sim-sppf']?.configure({ kernels: [5, 9] }, 8)).toThrow(/takes one kernel size/);
    expect(() => catalog['sppnet-compat']?.configure({ pool: 'avg' }, 8)).toThrow(/max pooling only/);
  });

  it('emits ceil-mode max pooling as floor mode with grown end padding, with the same result', async () => {
    // 5 → ceil((5 + 1 + 1 - 2) / 2) + 1 = 4, but the 4th window would start at 6 >= 5 + 1, so 3 windows
    // (PyTorch's rule). Floor mode with pads 1/1 gives floor(5 / 2) + 1 = 3 windows over the same cells.
    const model = buildBlock(maxPoolBlock, { kernel: 2, stride: 2, pad: 1, ceilMode: true }, [1, 1, 5, 5]);
    const node = model.graph.nodes[0];
    expect(node?.attributes.has('ceil_mode')).toBe(false);
    expect(model.graph.outputs[0]?.type?.shape).toEqual([1, 1, 3, 3]);
    // Row-major 0..24, all negative: each window's max is its real cell nearest the bottom-right.
    const x = Tensor.float32(
      [1, 1, 5, 5],
      Array.from({ length: 25 }, (_, i) => -25 + i),
    );
    const y = runRef(model, x);
    // Windows cover rows {0}, {1,2}, {3,4} and the same columns; the max is the bottom-right cell of each.
    const want = [0, 2, 4].flatMap((r) => [0, 2, 4].map((c) => -25 + r * 5 + c));
    expect(Array.from(y.data as Float32Array)).toEqual(want);
    expectClose(await runOrt(model, x), [1, 1, 3, 3], want, 0);
  });

  const countIncludePadTitle =
    'makes the padding of a ceil-mode average that counts padding real zeros (growing it would change the divisor)';
  it(countIncludePadTitle, () => {
    const model = buildBlock(
      avgPoolBlock,
      { kernel: 3, stride: 2, pad: 1, ceilMode: true, countIncludePad: true },
      [1, 1, 10, 10],
    );
    expect(model.graph.nodes.map((node) => node.opType)).toEqual(['Pad', 'AveragePool']);
    const pool = model.graph.nodes[1];
    expect(pool?.attributes.has('ceil_mode')).toBe(false);
    expect(pool?.attributes.has('count_include_pad')).toBe(false);
    // 10 + 1 + 1 = 12 padded rows; ceil((12 - 3) / 2) + 1 = 6 windows, the last at 10..12: one implicit end pad.
    expect(pool?.attributes.get('pads')).toEqual({ kind: 'ints', value: [0n, 0n, 1n, 1n] });
  });
});
