/**
 * Every PyTorch layer case in ../shared/golden/torch, rebuilt from its case.json + params with sppkit's blocks and
 * run on the reference evaluator and on onnxruntime's CPU EP, compared with the stored (float64-computed) output
 * at the case's tolerance.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTensorFile } from '../../src/export/io-node.js';
import { loadLayerCase } from '../../src/golden/layer-case.js';
import { getBackend } from '../../src/runtime/node/backends.js';
import { compareTensors } from '../../src/runtime/compare.js';
import { evaluate } from '../../src/runtime/reference.js';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const torchDir = join(repoRoot, '..', 'shared', 'golden', 'torch');
const present = existsSync(torchDir);
if (!present) console.warn(`torch-golden: ${torchDir} is absent; skipping the PyTorch layer cases`);

const cases = present
  ? readdirSync(torchDir)
      .filter((name) => existsSync(join(torchDir, name, 'case.json')))
      .sort()
  : [];
const load = (name: string): ReturnType<typeof loadLayerCase> =>
  loadLayerCase(join(torchDir, name), (path) => readTensorFile(path).tensor);

describe.skipIf(!present)('PyTorch layer goldens (../shared/golden/torch)', () => {
  it('finds every kind of the golden README (107 cases)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(107);
  });

  it.each(cases)('%s on ref', (name) => {
    const layer = load(name);
    const got = evaluate(layer.model, layer.inputs);
    for (const [output, want] of layer.outputs) {
      const actual = got.get(output);
      if (actual === undefined) throw new Error(`${name}: no output ${output}`);
      const result = compareTensors(actual, want, layer.tolerance);
      expect(result.ok, result.message).toBe(true);
    }
  });

  it.each(cases)('%s on ort-cpu', async (name) => {
    const layer = load(name);
    const session = await getBackend('ort-cpu').load(layer.model);
    try {
      const got = await session.run(layer.inputs);
      for (const [output, want] of layer.outputs) {
        const actual = got.get(output);
        if (actual === undefined) throw new Error(`${name}: no output ${output}`);
        const result = compareTensors(actual, want, layer.tolerance);
        expect(result.ok, result.message).toBe(true);
      }
    } finally {
      await session.dispose();
    }
  });
});
