import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/export/io-node.js';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { runPasses } from '../../src/transform/passes/pass.js';
import { separablePoolPass } from '../../src/transform/passes/separable-pool.js';
import { sppToSppfPass } from '../../src/transform/passes/spp-to-sppf.js';
import { Tensor, tensorsIdentical } from '../../src/ir/tensor.js';
import { evaluate } from '../../src/runtime/reference.js';
import {
  haveDir,
  ortAvailable,
  randomInput,
  readDataSets,
  runOn,
  TORCH_EXPORT_DIR,
  torchExportCases,
} from './helpers.js';

const present = haveDir(TORCH_EXPORT_DIR, 'passes: spp rewrites on exports');
const ort = await ortAvailable();

/** Three pools on one input, with per-pool attribute overrides. */
function threePools(pools: readonly { kernel: number; pads?: number; stride?: number; dilation?: number }[]) {
  const b = new GraphBuilder({ opset: 17 });
  const x = b.input('x', DataType.FLOAT, [1, 2, 12, 12]);
  const outs = pools.map((p, i) =>
    b.maxPool(
      x,
      {
        kernelShape: [p.kernel, p.kernel],
        pads: Array(4).fill(p.pads ?? Math.floor(p.kernel / 2)),
        strides: [p.stride ?? 1, p.stride ?? 1],
        ...(p.dilation === undefined ? {} : { dilations: [p.dilation, p.dilation] }),
      },
      { name: `pool${i}` },
    ),
  );
  outs.forEach((out, i) => b.output(out, `y${i}`));
  return b.build();
}

describe('spp-to-sppf', () => {
  const chainTitle =
    'chains 5, 9, 13 same-padded pools into three 5x5 pools with bit-identical outputs (random and all-negative input)';
  it(chainTitle, () => {
    const random = randomInput([1, 2, 12, 12], 3);
    const negative = Tensor.float32(
      random.dims,
      random.toNumbers().map((v) => -Math.abs(v) - 1),
    );
    const original = threePools([{ kernel: 9 }, { kernel: 5 }, { kernel: 13 }]);
    const model = threePools([{ kernel: 9 }, { kernel: 5 }, { kernel: 13 }]);
    const result = sppToSppfPass.run(model);
    expect(result.modified).toBe(true);
    const pools = model.graph.nodes.filter((n) => n.opType === 'MaxPool');
    expect(pools.map((n) => n.attributes.get('kernel_shape'))).toEqual(
      Array(3).fill({ kind: 'ints', value: [5n, 5n] }),
    );
    expect(pools[1]?.inputs[0]).toBe(pools[0]?.outputs[0]);
    expect(pools[2]?.inputs[0]).toBe(pools[1]?.outputs[0]);
    for (const x of [random, negative]) {
      const feeds = new Map([['x', x]]);
      const [before, after] = [evaluate(original, feeds), evaluate(model, feeds)];
      for (const name of ['y0', 'y1', 'y2']) {
        const [want, got] = [before.get(name), after.get(name)];
        expect(want !== undefined && got !== undefined && tensorsIdentical(want, got), name).toBe(true);
      }
    }
  });

  it.each([
    [
      'pads',
      [{ kernel: 5 }, { kernel: 9, pads: 3 }, { kernel: 13 }],
      /pads \[3, 3, 3, 3\]; kernel 9 needs pads k\/\/2 = \[4, 4, 4, 4\]/,
    ],
    [
      'strides',
      [{ kernel: 5 }, { kernel: 9 }, { kernel: 13, stride: 2 }],
      /strides \[2, 2\]; the chain needs stride 1/,
    ],
    [
      'dilations',
      [{ kernel: 5, dilation: 2, pads: 2 }, { kernel: 9 }, { kernel: 13 }],
      /dilations \[2, 2\]; the chain needs dilation 1/,
    ],
    ['kernels', [{ kernel: 3 }, { kernel: 5 }, { kernel: 9 }], /kernels \[3, 5, 9\] are not k, 2k-1, 3k-2/],
  ] as const)('refuses when %s differ, saying why', (_what, pools, reason) => {
    const model = threePools(pools);
    const result = sppToSppfPass.run(model);
    expect(result.modified).toBe(false);
    expect(result.events?.filter((e) => e.kind === 'refused').map((e) => e.detail)).toEqual([
      expect.stringMatching(reason),
    ]);
  });
});

describe.skipIf(!present)('spp-to-sppf on the PyTorch SPP exports', () => {
  const cases = torchExportCases().filter((c) => /^spp_opset1[37]_/.test(c.name));
  it.each(cases.map((c) => [c.name, c] as const))(
    '%s becomes the three-pool chain with identical outputs (ref and ort-cpu)',
    async (_name, testCase) => {
      const original = loadModel(testCase.modelPath);
      const model = loadModel(testCase.modelPath);
      const { results } = runPasses(model, [sppToSppfPass]);
      expect(results[0]?.modified).toBe(true);
      const pools = model.graph.nodes.filter((n) => n.opType === 'MaxPool');
      expect(pools).toHaveLength(3);
      expect(pools.every((p) => p.attributes.get('kernel_shape')?.kind === 'ints')).toBe(true);
      expect(pools[1]?.inputs[0]).toBe(pools[0]?.outputs[0]);
      expect(pools[2]?.inputs[0]).toBe(pools[1]?.outputs[0]);
      // The Concat still reads the pools under their original value names.
      const concat = model.graph.nodes.find((n) => n.opType === 'Concat');
      expect(concat?.inputs.map((v) => v?.name)).toEqual([
        '/cv1/act/Mul_output_0',
        '/m.0/MaxPool_output_0',
        '/m.1/MaxPool_output_0',
        '/m.2/MaxPool_output_0',
      ]);
      for (const set of readDataSets(original, testCase.dataDirs)) {
        for (const backend of ort ? (['ref', 'ort-cpu'] as const) : (['ref'] as const)) {
          const before = await runOn(backend, original, set.inputs);
          const after = await runOn(backend, model, set.inputs);
          if (typeof before === 'string' || typeof after === 'string')
            throw new Error(
              `${backend}: ${typeof before === 'string' ? before : ''} ${typeof after === 'string' ? after : ''}`,
            );
          const [want, got] = [before.get('y'), after.get('y')];
          expect(want !== undefined && got !== undefined && tensorsIdentical(want, got), backend).toBe(true);
        }
      }
    },
  );

  it('with separable-pool after it, the SPP export is six 1-D pools, still bit-identical', () => {
    const path = join(TORCH_EXPORT_DIR, 'spp_opset17_static_20x20.onnx');
    const original = loadModel(path);
    const model = loadModel(path);
    runPasses(model, [sppToSppfPass, separablePoolPass]);
    const kernels = model.graph.nodes
      .filter((n) => n.opType === 'MaxPool')
      .map((n) => n.attributes.get('kernel_shape'));
    expect(kernels).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => ({ kind: 'ints', value: i % 2 === 0 ? [5n, 1n] : [1n, 5n] })),
    );
    const feeds = new Map([['x', randomInput([1, 16, 20, 20], 9)]]);
    const [want, got] = [evaluate(original, feeds).get('y'), evaluate(model, feeds).get('y')];
    expect(want !== undefined && got !== undefined && tensorsIdentical(want, got)).toBe(true);
  });
});
