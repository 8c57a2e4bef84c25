import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, readTensorFile } from '../../src/export/io-node.js';
import { adaptiveSppDynamicPass } from '../../src/transform/passes/adaptive-spp-dynamic.js';
import { makeDynamicPass } from '../../src/transform/passes/make-dynamic.js';
import { formatType } from '../../src/ir/value.js';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor, tensorsIdentical } from '../../src/ir/tensor.js';
import { compareTensors } from '../../src/runtime/compare.js';
import {
  bruteForceAdaptiveSpp,
  GOLDEN_DIR,
  haveDir,
  ortAvailable,
  randomInput,
  runOn,
  TORCH_EXPORT_DIR,
} from './helpers.js';

const present = haveDir(TORCH_EXPORT_DIR, 'passes: adaptive-spp-dynamic');
const backends = (await ortAvailable()) ? (['ref', 'ort-cpu'] as const) : (['ref'] as const);
const EXPORT = join(TORCH_EXPORT_DIR, 'adaptive_spp_max_opset17_static_16x16.onnx');

describe.skipIf(!present)('adaptive-spp-dynamic on adaptive_spp_max_opset17_static_16x16', () => {
  // vitest collects a skipped describe's body too: read the shared file only when it is there.
  if (!present) return;
  const model = loadModel(EXPORT);
  const result = adaptiveSppDynamicPass.run(model);

  it('fires once and makes the input H×W dynamic while the output stays [1, 168]', () => {
    expect(result.modified).toBe(true);
    expect(result.events?.map((e) => e.kind)).toEqual(['fired']);
    expect(formatType(model.graph.inputs[0]?.type ?? null)).toBe('float32[1, 8, H, W]');
    expect(formatType(model.graph.outputs[0]?.type ?? null)).toBe('float32[1, 168]');
    expect(model.graph.outputs[0]?.name).toBe('y');
    expect(model.graph.nodes.some((n) => n.opType === 'Constant' || n.opType === 'Reshape')).toBe(false);
  });

  it.each([
    [13, 13],
    [17, 23],
    [1, 1],
    [16, 16],
  ])('matches a brute-force adaptive max pooling (levels 4, 2, 1) at %ix%i, bit for bit', async (h, w) => {
    const x = randomInput([1, 8, h, w], h * 100 + w);
    const want = bruteForceAdaptiveSpp(x, [4, 2, 1], 'max');
    for (const backend of backends) {
      const got = await runOn(backend, model, new Map([['x', x]]));
      if (typeof got === 'string') throw new Error(`${backend}: ${got}`);
      const y = got.get('y');
      expect(
        y !== undefined && tensorsIdentical(y, want),
        `${backend} ${y === undefined ? 'no y' : compareTensors(y, want).message}`,
      ).toBe(true);
    }
  });

  const torchCase = join(GOLDEN_DIR, 'torch', 'spp_adaptive_max_L4-2-1_n3c8h24w24');
  it.skipIf(!existsSync(torchCase))(
    'matches the PyTorch spp_adaptive oracle at 24x24 (C=8, each of its 3 batch items)',
    async () => {
      const x = readTensorFile(join(torchCase, 'input_0.pb')).tensor;
      const y = readTensorFile(join(torchCase, 'output_0.pb')).tensor;
      const item = 8 * 24 * 24;
      for (let n = 0; n < 3; n += 1) {
        const xi = Tensor.float32([1, 8, 24, 24], x.toNumbers().slice(n * item, (n + 1) * item));
        const yi = Tensor.float32([1, 168], y.toNumbers().slice(n * 168, (n + 1) * 168));
        for (const backend of backends) {
          const got = await runOn(backend, model, new Map([['x', xi]]));
          if (typeof got === 'string') throw new Error(`${backend}: ${got}`);
          const out = got.get('y');
          expect(out !== undefined && tensorsIdentical(out, yi), `${backend}, item ${n}`).toBe(true);
        }
      }
    },
  );
});

describe.skipIf(!present)('adaptive-spp-dynamic on the other exports', () => {
  const averagePoolTitle =
    'rewrites the average-pool export (GlobalAveragePool level) and matches brute force at 17x23 within float rounding';
  it(averagePoolTitle, async () => {
    const model = loadModel(join(TORCH_EXPORT_DIR, 'adaptive_spp_avg_opset13_static_16x16.onnx'));
    expect(adaptiveSppDynamicPass.run(model).modified).toBe(true);
    const x = randomInput([1, 8, 17, 23], 7);
    const want = bruteForceAdaptiveSpp(x, [4, 2, 1], 'avg');
    for (const backend of backends) {
      const got = await runOn(backend, model, new Map([['x', x]]));
      if (typeof got === 'string') throw new Error(`${backend}: ${got}`);
      const y = got.get('y');
      expect(y !== undefined && compareTensors(y, want, { atol: 1e-6, rtol: 1e-5 }).ok, backend).toBe(true);
    }
  });

  it('make-dynamic alone refuses the static export and names the fixed-size pool', () => {
    const model = loadModel(
      join(TORCH_EXPORT_DIR, 'torch2_adaptive_spp_max_torchscript_opset17_static_256c_16x16.onnx'),
    );
    const result = makeDynamicPass.run(model);
    expect(result.modified).toBe(false);
    expect(result.notes[0]).toMatch(/graph output 'y' is declared float32\[1, 5376\].*MaxPool node '\/MaxPool'/);
  });

  it('make-dynamic names the Reshape whose fixed target shape bakes in the size', () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, [1, 2, 4, 4]);
    b.output(b.reshape(b.relu(x), [1, 32], { name: 'fixed' }), 'y');
    const model = b.build();
    const result = makeDynamicPass.run(model);
    expect(result.modified).toBe(false);
    expect(result.notes[0]).toMatch(
      /Reshape node 'fixed': its fixed target shape \[1, 32\] cannot hold its input \[1, 2, H, W\]/,
    );
    expect(formatType(model.graph.inputs[0]?.type ?? null)).toBe('float32[1, 2, 4, 4]');
  });

  it('refuses the SPP export (same-padded pools are not adaptive levels) without reporting it', () => {
    const model = loadModel(join(TORCH_EXPORT_DIR, 'spp_opset17_static_20x20.onnx'));
    const result = adaptiveSppDynamicPass.run(model);
    expect(result.modified).toBe(false);
  });
});
