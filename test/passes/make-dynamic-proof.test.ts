/**
 * make-dynamic proves that a model computes the same function at every size, or refuses naming the node: models
 * whose constants depend on the trace size (as PyTorch exports bake them in) are refused; size-agnostic ones
 * (torch-export SPP/SPPF, sppkit's own blocks) still become dynamic and then give, at another size, what a model
 * built for that size gives.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalog } from '../../src/blocks/index.js';
import { seededWeights } from '../../src/blocks/weights.js';
import { loadModel } from '../../src/export/io-node.js';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/graph.js';
import { Tensor, tensorsIdentical } from '../../src/ir/tensor.js';
import { formatType, type Value } from '../../src/ir/value.js';
import { evaluate } from '../../src/runtime/reference.js';
import { makeDynamicPass } from '../../src/transform/passes/make-dynamic.js';
import { dynamoAdaptiveAvgStatic } from './frozen-models.js';
import { haveDir, randomInput, TORCH_EXPORT_DIR } from './helpers.js';

/** A model on x [1, 2, 8, 8] whose output is `body(b, x)`. */
function on8x8(body: (b: GraphBuilder, x: Value) => Value, opset = 17): Model {
  const b = new GraphBuilder({ opset });
  const x = b.input('x', DataType.FLOAT, [1, 2, 8, 8]);
  b.output(body(b, x), 'y');
  return b.build();
}

function refusal(model: Model): string {
  const result = makeDynamicPass.run(model);
  expect(result.modified).toBe(false);
  expect(formatType(model.graph.inputs[0]?.type ?? null)).toBe('float32[1, 2, 8, 8]');
  return result.notes[0] ?? '';
}

describe('make-dynamic refuses constants computed for the trace size', () => {
  it('refuses GatherND indices computed for a 6x6 map (dynamo adaptive avg pool to 7x7) and names the node', () => {
    const { model } = dynamoAdaptiveAvgStatic(2, 6, 7, 10);
    const result = makeDynamicPass.run(model);
    expect(result.modified).toBe(false);
    expect(result.notes[0]).toMatch(
      new RegExp(
        "GatherND node 'node_GatherND': its indices 'val_indices' are literal constants, but they index axis 0, 1 " +
          'of .* \\[H, W, 1, 2\\].*computed for the trace size',
      ),
    );
  });

  it('refuses a Flatten feeding a Gemm whose weight has a fixed K', () => {
    const model = on8x8((b, x) => {
      const conv = b.conv(
        x,
        b.constant('w', Tensor.float32([3, 2, 1, 1], [1, 2, 3, 4, 5, 6])),
        undefined,
        {},
        {
          name: 'conv',
        },
      );
      const flat = b.flatten(conv, { axis: 1 }, { name: 'flat' });
      return b.gemm(flat, b.constant('fc', Tensor.zeros(DataType.FLOAT, [192, 5])), undefined, {}, { name: 'fc' });
    });
    expect(refusal(model)).toMatch(
      /Gemm node 'fc': 'fc' \[192, 5\] has the fixed contraction extent 192, but 'flat_out'/,
    );
  });

  it('refuses a Reshape whose literal target spells out the spatial extents', () => {
    const model = on8x8((b, x) => b.reshape(b.relu(x), [1, 2, 4, 16], { name: 'view' }));
    expect(refusal(model)).toMatch(/Reshape node 'view': its fixed target shape \[1, 2, 4, 16\] cannot hold its input/);
  });

  it('refuses a Resize with constant sizes', () => {
    const model = on8x8((b, x) =>
      b.resizeTo(b.relu(x), b.int64s('sizes', [1, 2, 16, 16]), { mode: 'nearest' }, { name: 'up' }),
    );
    expect(refusal(model)).toMatch(/Resize node 'up': its constant sizes 'sizes' fix the output extent of axis 2, 3/);
  });

  it('refuses a literal slice end on H, accepts an open slice with a step', () => {
    const cut = on8x8((b, x) => b.slice(x, { starts: [0], ends: [4], axes: [2] }, { name: 'top' }));
    expect(refusal(cut)).toMatch(/Slice node 'top': its literal ends entry 0 is 4, on axis 2 of 'x'/);
    const every = on8x8((b, x) => b.slice(x, { starts: [0], ends: [2 ** 62], axes: [3], steps: [2] }, { name: 'odd' }));
    expect(makeDynamicPass.run(every).modified).toBe(true);
    const input = randomInput([1, 2, 5, 7], 3);
    const got = evaluate(every, new Map([['x', input]])).get('y');
    const values = input.toNumbers();
    const want = Tensor.float32(
      [1, 2, 5, 4],
      Array.from({ length: 40 }, (_, i) => values[Math.floor(i / 4) * 7 + (i % 4) * 2] ?? NaN),
    );
    expect(got !== undefined && tensorsIdentical(got, want)).toBe(true);
  });

  it('refuses a constant grid laid out for the trace size (a fixed extent meets H)', () => {
    const model = on8x8((b, x) =>
      b.add(x, b.constant('grid', Tensor.zeros(DataType.FLOAT, [1, 1, 8, 8])), { name: 'shift' }),
    );
    expect(refusal(model)).toMatch(/Add node 'shift': input 'grid' \[1, 1, 8, 8\] has the fixed extent 8 on axis -1/);
  });

  it('refuses a literal index into W (x[:, :, :, 0])', () => {
    const model = on8x8((b, x) =>
      b.gather(x, b.constant('zero', Tensor.int64([], [0])), { axis: 3 }, { name: 'first' }),
    );
    expect(refusal(model)).toMatch(
      /Gather node 'first': its indices 'zero' are literal constants, but they index axis 3/,
    );
  });

  it('refuses an op sppkit does not know on the size path, not one beside it', () => {
    const model = on8x8((b, x) => b.relu(x));
    model.opsetImports.set('com.example', 1);
    model.graph.addNode({
      opType: 'Fancy',
      domain: 'com.example',
      inputs: [model.graph.inputs[0] ?? null],
      outputs: ['f'],
    });
    expect(refusal(model)).toMatch(
      /op com\.example\.Fancy is unknown to sppkit and its input 'x' follows the input size/,
    );
    const beside = on8x8((b, x) => b.relu(x));
    const weights = beside.graph.addInitializer('w', Tensor.float32([2], [1, 2]));
    beside.opsetImports.set('com.example', 1);
    beside.graph.addNode({ opType: 'Fancy', domain: 'com.example', inputs: [weights], outputs: ['f'] });
    expect(makeDynamicPass.run(beside).modified).toBe(true);
  });

  it('accepts indices computed from Shape (they follow the size): rows 0..H/2 at every size', () => {
    const model = on8x8((b, x) => {
      const half = b.div(b.squeeze(b.shapeOf(x, 2), [0]), b.constant('two', Tensor.int64([], [2])), { name: 'half' });
      const rows = b.range(b.constant('from', Tensor.int64([], [0])), half, b.constant('step', Tensor.int64([], [1])));
      return b.gather(x, rows, { axis: 2 }, { name: 'rows' });
    });
    const result = makeDynamicPass.run(model);
    expect(result.modified, result.notes.join('\n')).toBe(true);
    expect(result.notes).toContain("cross-check at the trace size 8x8: every value's shape is what the proof says");
    const input = randomInput([1, 2, 9, 3], 5);
    const got = evaluate(model, new Map([['x', input]])).get('y');
    const want = Tensor.float32([1, 2, 4, 3], [...input.toNumbers().slice(0, 12), ...input.toNumbers().slice(27, 39)]);
    expect(got !== undefined && tensorsIdentical(got, want)).toBe(true);
  });
});

const present = haveDir(TORCH_EXPORT_DIR, 'passes: make-dynamic proof');

describe.skipIf(!present)('make-dynamic still succeeds where the model is size-agnostic', () => {
  it.each([
    'spp_opset17_static_20x20',
    'sppf_opset13_static_20x20',
    'torch2_spp_dynamo_opset17_static_64c_13x13',
    'torch2_sppf_torchscript_opset17_static_64c_13x13',
  ])('makes %s dynamic', (stem) => {
    const model = loadModel(join(TORCH_EXPORT_DIR, `${stem}.onnx`));
    const result = makeDynamicPass.run(model);
    expect(result.modified, result.notes.join('\n')).toBe(true);
    expect(formatType(model.graph.inputs[0]?.type ?? null)).toMatch(/^float32\[1, \d+, H, W\]$/);
  });

  it('refuses the dynamo static exports of adaptive SPP (their Reshape and GatherND constants follow the size)', () => {
    for (const stem of [
      'torch2_adaptive_spp_avg_dynamo_opset18_static_256c_13x13',
      'torch2_adaptive_spp_max_dynamo_opset17_static_256c_16x16',
    ]) {
      const result = makeDynamicPass.run(loadModel(join(TORCH_EXPORT_DIR, `${stem}.onnx`)));
      expect(result.modified, stem).toBe(false);
      expect(result.notes[0], stem).toMatch(/GatherND node 'node_GatherND_39'|Reshape node 'node_view'/);
    }
  });
});

/** A block built at a size with seeded weights. */
function blockModel(name: string, height: number, width: number): Model {
  const entry = catalog[name];
  if (entry === undefined) throw new Error(`no block ${name}`);
  const configured = entry.configure({}, 4);
  const b = new GraphBuilder({ opset: 17 });
  const x = b.input('x', DataType.FLOAT, [1, 4, height, width]);
  b.output(configured.build(b, x, seededWeights(configured.params, 1)), 'y');
  return b.build();
}

describe("make-dynamic on sppkit's own blocks built at 12x12", () => {
  // The size-agnostic blocks become dynamic; the ones a static build specializes to its size are refused.
  const agnostic = [
    'ultralytics-spp',
    'sppf',
    'sim-sppf',
    'sppcspc',
    'sppelan',
    'max-pool',
    'avg-pool',
    'global-max-pool',
    'global-avg-pool',
    'strided-pool',
    'conv-pool',
    'stochastic-pool',
  ];
  it.each(agnostic)('%s: dynamic, and at 9x14 identical to the block built for 9x14', (name) => {
    const model = blockModel(name, 12, 12);
    const result = makeDynamicPass.run(model);
    expect(result.modified, result.notes.join('\n')).toBe(true);
    const input = randomInput([1, 4, 9, 14], 11);
    const got = evaluate(model, new Map([['x', input]])).get('y');
    const want = evaluate(blockModel(name, 9, 14), new Map([['x', input]])).get('y');
    expect(got !== undefined && want !== undefined && tensorsIdentical(got, want)).toBe(true);
  });

  it.each([
    ['spp-adaptive', /MaxPool node 'level4' \(a fixed-size window\)/],
    ['spp-paper', /its size follows the input size/],
    ['pyramid-pooling', /Resize node 'features\.1\.resize': its constant sizes/],
    ['non-local', /Reshape node 'y\.image': its fixed target shape \[0, 2, 12, 12\]/],
  ])('%s: refused, naming what the static build fixed', (name, reason) => {
    const result = makeDynamicPass.run(blockModel(name, 12, 12));
    expect(result.modified).toBe(false);
    expect(result.notes[0]).toMatch(reason);
  });
});
