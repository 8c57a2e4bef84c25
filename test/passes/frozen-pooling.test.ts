/**
 * Frozen adaptive pooling: dynamo's "dynamic" exports of adaptive SPP (fixed-kernel pools on symbolic H/W, Gather
 * windows whose length was chosen at the trace size) and static exports of single adaptive pools (VGG's
 * AdaptiveAvgPool2d((7, 7)) as GatherND windows) are found, named, and rewritten into sppkit's exact dynamic form,
 * which then matches a brute-force adaptive pooling at every size, on the reference and on onnxruntime CPU.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sppAdaptive } from '../../src/blocks/spp-adaptive.js';
import { loadModel } from '../../src/export/io-node.js';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { ConfigError } from '../../src/ir/errors.js';
import type { Model } from '../../src/ir/graph.js';
import { tensorsIdentical, type Tensor } from '../../src/ir/tensor.js';
import { formatType } from '../../src/ir/value.js';
import { compareTensors } from '../../src/runtime/compare.js';
import { frozenPoolingSites } from '../../src/transform/frozen/frozen.js';
import { parseTraceSize } from '../../src/transform/frozen/sites.js';
import {
  adaptiveSppDynamicPass,
  createAdaptiveSppDynamicPass,
} from '../../src/transform/passes/adaptive-spp-dynamic.js';
import { parsePassList } from '../../src/transform/passes/registry.js';
import {
  bruteForceAdaptivePool,
  bruteForceMaxPool2,
  dynamoAdaptiveAsFixedPool,
  dynamoAdaptiveAvgStatic,
  linearHead,
  windowsFromInputSize,
} from './frozen-models.js';
import { bruteForceAdaptiveSpp, haveDir, ortAvailable, randomInput, runOn, TORCH_EXPORT_DIR } from './helpers.js';

const present = haveDir(TORCH_EXPORT_DIR, 'passes: frozen adaptive pooling');
const backends = (await ortAvailable()) ? (['ref', 'ort-cpu'] as const) : (['ref'] as const);
const SIZES = [
  [13, 13],
  [16, 16],
  [17, 23],
  [1, 1],
  [3, 3],
] as const;
const AVERAGE = { atol: 1e-6, rtol: 1e-5 };

const load = (stem: string): Model => loadModel(join(TORCH_EXPORT_DIR, `${stem}.onnx`));

/** Runs `model` on every backend (x fed as `input`); checks output `name` against `want` (exact, or to `tolerance`). */
async function expectOutput(
  model: Model,
  x: Tensor,
  name: string,
  want: Tensor,
  tolerance?: { atol: number; rtol: number },
  input = 'x',
): Promise<void> {
  for (const backend of backends) {
    const got = await runOn(backend, model, new Map([[input, x]]));
    if (typeof got === 'string') throw new Error(`${backend}: ${got}`);
    const y = got.get(name);
    const where = `${backend} at [${x.dims.join(', ')}]`;
    if (y === undefined) throw new Error(`${where}: no output '${name}'`);
    const comparison = compareTensors(y, want, tolerance ?? { atol: 0, rtol: 0 });
    const ok = tolerance === undefined ? tensorsIdentical(y, want) : comparison.ok;
    expect(ok, `${where}: ${comparison.message}`).toBe(true);
  }
}

const DYNAMIC = [
  [
    'torch2_adaptive_spp_max_dynamo_opset17_dynamic_256c_16x16',
    'max',
    16,
    /MaxPool node 'node_max_pool2d_with_indices__0' \(kernel = stride = 4x4\)/,
  ],
  [
    'torch2_adaptive_spp_avg_dynamo_opset18_dynamic_256c_16x16',
    'avg',
    16,
    /AveragePool node 'node_avg_pool2d' \(kernel = stride = 4x4\)/,
  ],
  [
    'torch2_adaptive_spp_avg_dynamo_opset18_dynamic_256c_13x13',
    'avg',
    13,
    /ReduceMean node 'node_mean' \(\d+ nodes of gathered windows, avg\).*: at 9x11, bin \(0, 1\)/,
  ],
] as const;

describe.skipIf(!present)('frozen adaptive pooling in dynamo dynamic exports', () => {
  it.each(DYNAMIC)('%s: frozenPoolingSites names the head and its frozen levels', (stem, _pool, _trace, level) => {
    const sites = frozenPoolingSites(load(stem));
    expect(sites.map((site) => site.kind)).toEqual(['spp-head']);
    expect(sites[0]?.nodes[0]?.label()).toBe("Concat node 'node_cat'");
    expect(sites[0]?.message).toMatch(level);
    expect(sites[0]?.message).toMatch(/--trace-size HxW/);
  });

  it('finds nothing frozen in dynamic SPP/SPPF exports, static exports, or a dynamic sppAdaptive model', () => {
    for (const stem of [
      'torch2_spp_dynamo_opset17_dynamic_64c_13x13',
      'torch2_sppf_torchscript_opset17_dynamic_64c_13x13',
      'torch2_adaptive_spp_avg_dynamo_opset18_static_256c_13x13',
      'adaptive_spp_max_opset17_static_16x16',
    ])
      expect(frozenPoolingSites(load(stem)), stem).toEqual([]);
    for (const pool of ['max', 'avg'] as const) {
      const b = new GraphBuilder({ opset: 17 });
      b.output(sppAdaptive(b, b.input('x', DataType.FLOAT, [1, 8, 'H', 'W']), { levels: [4, 2, 1], pool }), 'y');
      expect(frozenPoolingSites(b.build()), pool).toEqual([]);
    }
  });

  it.each(DYNAMIC)('%s: without a trace size the head is refused, asking for it', (stem) => {
    const model = load(stem);
    const result = adaptiveSppDynamicPass.run(model);
    expect(result.modified).toBe(false);
    expect(result.events?.map((event) => `${event.rule} ${event.kind}`)).toEqual(['frozen-spp-head refused']);
    expect(result.events?.[0]?.detail).toMatch(/frozen at the size the model was exported at.*--trace-size HxW/);
  });

  it.each(DYNAMIC)(
    '%s with the trace size: rewritten; right at 13x13, 16x16, 17x23, 1x1 and 3x3 against brute force',
    async (stem, pool, trace) => {
      const model = load(stem);
      const result = createAdaptiveSppDynamicPass({ traceSize: { height: trace, width: trace } }).run(model);
      expect(result.modified, result.notes.join('\n')).toBe(true);
      expect(result.events?.map((event) => `${event.rule} ${event.kind}`)).toEqual(['frozen-spp-head fired']);
      expect(result.notes.join('\n')).toMatch(
        pool === 'max' ? /outputs are bit-identical/ : /outputs are equal within float rounding/,
      );
      expect(formatType(model.graph.outputs[0]?.type ?? null)).toBe('float32[1, 5376]');
      expect(frozenPoolingSites(model)).toEqual([]);
      for (const [h, w] of SIZES) {
        const x = randomInput([1, 256, h, w], h * 31 + w);
        await expectOutput(
          model,
          x,
          'y',
          bruteForceAdaptiveSpp(x, [4, 2, 1], pool),
          pool === 'avg' ? AVERAGE : undefined,
        );
      }
    },
    120_000,
  );

  it('refuses a trace size that does not fit a static input', () => {
    const model = load('torch2_adaptive_spp_max_dynamo_opset17_static_256c_16x16');
    const result = createAdaptiveSppDynamicPass({ traceSize: { height: 13, width: 13 } }).run(model);
    expect(result.modified).toBe(false);
    expect(result.notes.join('\n')).toMatch(/input 'x' is \[1, 256, 16, 16\], which does not fit the trace size 13x13/);
  });

  it.each([
    ['torch2_adaptive_spp_max_dynamo_opset17_static_256c_16x16', 'max'],
    ['torch2_adaptive_spp_avg_dynamo_opset18_static_256c_13x13', 'avg'],
  ] as const)('%s (static, ReduceMax/GatherND levels): rewritten and made dynamic', async (stem, pool) => {
    const model = load(stem);
    const result = adaptiveSppDynamicPass.run(model);
    expect(result.events?.map((event) => `${event.rule} ${event.kind}`)).toEqual(['frozen-spp-head fired']);
    expect(formatType(model.graph.inputs[0]?.type ?? null)).toBe('float32[1, 256, H, W]');
    const x = randomInput([1, 256, 17, 23], 9);
    await expectOutput(model, x, 'y', bruteForceAdaptiveSpp(x, [4, 2, 1], pool), pool === 'avg' ? AVERAGE : undefined);
  });
});

describe('a head of MaxPool/GlobalMaxPool levels on a dynamic input (the torch.onnx form, frozen)', () => {
  const model = (): Model => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, [1, 2, 'H', 'W']);
    const levels = [
      b.maxPool(x, { kernelShape: [4, 4], strides: [4, 4] }, { name: 'pool4' }),
      b.maxPool(x, { kernelShape: [8, 8], strides: [8, 8] }, { name: 'pool2' }),
      b.globalMaxPool(x, { name: 'pool1' }),
    ];
    const flat = levels.map((level, i) => b.flatten(level, { axis: 1 }, { name: `flat${i}` }));
    b.output(b.concat(flat, { axis: 1 }, { name: 'cat' }), 'y');
    return b.build();
  };

  it('is decided by frozen-spp-head alone: refused without a trace size, fired with one', async () => {
    const refused = adaptiveSppDynamicPass.run(model());
    expect(refused.events?.map((event) => `${event.rule} ${event.kind}`)).toEqual(['frozen-spp-head refused']);
    const fixed = model();
    const result = createAdaptiveSppDynamicPass({ traceSize: { height: 16, width: 16 } }).run(fixed);
    expect(result.events?.map((event) => `${event.rule} ${event.kind}`)).toEqual(['frozen-spp-head fired']);
    for (const [h, w] of SIZES) {
      const x = randomInput([1, 2, h, w], h * 5 + w);
      await expectOutput(fixed, x, 'y', bruteForceAdaptiveSpp(x, [4, 2, 1], 'max'));
    }
  });

  it('refuses a trace size whose levels do not tile it', () => {
    const result = createAdaptiveSppDynamicPass({ traceSize: { height: 12, width: 12 } }).run(model());
    expect(result.modified).toBe(false);
    expect(result.events?.[0]?.detail).toMatch(/MaxPool node 'pool2': kernel 8x8 does not tile the 12x12 input/);
  });
});

describe('a single adaptive pool (VGG AdaptiveAvgPool2d((7, 7))) exported for one size', () => {
  it('dynamo static export at a 6x6 map (uneven bins, masked sums): rewritten, right at every size', async () => {
    const { model, weight, bias } = dynamoAdaptiveAvgStatic(4, 6, 7, 10);
    if (weight === undefined) throw new Error('no classifier');
    const result = adaptiveSppDynamicPass.run(model);
    expect(result.events?.map((event) => `${event.rule} ${event.kind} ${event.where}`)).toEqual([
      "frozen-adaptive-pool fired Div node 'node_div'",
    ]);
    expect(formatType(model.graph.inputs[0]?.type ?? null)).toBe('float32[1, 4, H, W]');
    expect(model.graph.nodes.some((node) => node.opType === 'GatherND' || node.opType === 'Where')).toBe(false);
    for (const [h, w] of [...SIZES, [6, 6]] as const) {
      const x = randomInput([1, 4, h, w], h * 7 + w);
      const pooled = bruteForceAdaptivePool(x, 7, 7, 'avg');
      await expectOutput(model, x, 'y', pooled, AVERAGE);
      await expectOutput(model, x, 'z', linearHead(pooled, weight, bias), { atol: 1e-5, rtol: 1e-4 });
    }
  });

  it('dynamo static export with even bins (13 -> 4: GatherND windows, ReduceMean)', async () => {
    const { model } = dynamoAdaptiveAvgStatic(3, 13, 4);
    expect(adaptiveSppDynamicPass.run(model).events?.map((event) => event.kind)).toEqual(['fired']);
    for (const [h, w] of SIZES) {
      const x = randomInput([1, 3, h, w], h + w);
      await expectOutput(model, x, 'y', bruteForceAdaptivePool(x, 4, 4, 'avg'), AVERAGE);
    }
  });

  it('dynamic export traced at 14x14 (an AveragePool dynamo metadata names adaptive): warned, then fixed', async () => {
    const model = dynamoAdaptiveAsFixedPool(3, 14, 7, 5);
    const sites = frozenPoolingSites(model);
    expect(sites.map((site) => site.kind)).toEqual(['adaptive-pool']);
    expect(sites[0]?.message).toMatch(/AveragePool node 'node_avg_pool2d' \(kernel = stride = 2x2\)/);
    expect(sites[0]?.message).toMatch(/metadata pkg\.torch\.onnx\.class_hierarchy mentions AdaptiveAvgPool/);
    const refused = adaptiveSppDynamicPass.run(dynamoAdaptiveAsFixedPool(3, 14, 7, 5));
    expect(refused.modified).toBe(false);
    expect(refused.events?.[0]?.detail).toMatch(/--trace-size/);
    const result = createAdaptiveSppDynamicPass({ traceSize: parseTraceSize('14x14') }).run(model);
    expect(result.events?.map((event) => `${event.rule} ${event.kind}`)).toEqual(['frozen-adaptive-pool fired']);
    const weight = model.graph.initializers.get('fc.weight')?.constValue;
    if (weight === undefined || weight === null) throw new Error('no weight');
    for (const [h, w] of SIZES) {
      const x = randomInput([1, 3, h, w], 3 * h + w);
      await expectOutput(model, x, 'z', linearHead(bruteForceAdaptivePool(x, 7, 7, 'avg'), weight), {
        atol: 1e-5,
        rtol: 1e-4,
      });
    }
  });
});

describe("gathered windows computed from the model input's size, after a downsampling layer", () => {
  it('are warned about at check time, refused without a trace size, and fixed with it at every size', async () => {
    const sites = frozenPoolingSites(windowsFromInputSize(3, 4));
    expect(sites.map((site) => site.kind)).toEqual(['adaptive-pool']);
    expect(sites[0]?.message).toMatch(/ReduceMean node 'mean' .* from 'features_out' \[1, 3, floor\(\(H\)\/2\)/);
    expect(sites[0]?.message).toMatch(/at 9x11, bin \(0, 1\) of channel 0 reads rows 0\.\.2 × columns 2\.\.4/);
    const refused = adaptiveSppDynamicPass.run(windowsFromInputSize(3, 4));
    expect(refused.events?.map((event) => `${event.rule} ${event.kind}`)).toEqual(['frozen-adaptive-pool refused']);
    const model = windowsFromInputSize(3, 4);
    const result = createAdaptiveSppDynamicPass({ traceSize: parseTraceSize('26x26') }).run(model);
    expect(result.events?.map((event) => `${event.rule} ${event.kind}`)).toEqual(['frozen-adaptive-pool fired']);
    for (const [h, w] of [
      [26, 26],
      [32, 32],
      [34, 46],
      [2, 2],
      [6, 6],
    ] as const) {
      const x = randomInput([1, 3, h, w], h + 3 * w);
      await expectOutput(model, x, 'y', bruteForceAdaptivePool(bruteForceMaxPool2(x), 4, 4, 'avg'), AVERAGE, 'input');
    }
  });
});

describe.skipIf(!present)('when nothing matches, the pass says what it looked for and the nearest near-miss', () => {
  it('on the Ultralytics SPP export (same-padded pools)', () => {
    const result = adaptiveSppDynamicPass.run(load('spp_opset17_static_20x20'));
    expect(result.modified).toBe(false);
    expect(result.notes[0]).toMatch(
      /^0 rewrite\(s\): no adaptive pooling site found; nearest near-miss: Concat node '\/Concat': 0 of its 4 inputs/,
    );
    expect(result.notes[0]).toMatch(/MaxPool node '\/m\.0\/MaxPool' pads its input/);
    expect(result.notes[1]).toMatch(/^looked for: \(1\) SPP heads .* \(2\) single adaptive pools/);
  });
});

describe('pass options', () => {
  it('takes the trace size as a pass argument or as an option, and refuses a disagreement', () => {
    expect(parsePassList('adaptive-spp-dynamic=16x16').map((pass) => pass.description)).toEqual([
      expect.stringMatching(/\(trace size 16x16\)$/),
    ]);
    expect(parsePassList('adaptive-spp-dynamic', { traceSize: parseTraceSize('13x17') })[0]?.description).toMatch(
      /\(trace size 13x17\)$/,
    );
    expect(() => parsePassList('adaptive-spp-dynamic=16x16', { traceSize: parseTraceSize('13x13') })).toThrow(
      /disagrees with the trace size 13x13/,
    );
    expect(() => parseTraceSize('16')).toThrow(ConfigError);
    expect(() => parsePassList('make-dynamic=16x16')).toThrow(/takes no argument/);
  });
});
