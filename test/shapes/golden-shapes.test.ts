import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, readTensorFile } from '../../src/export/io-node.js';
import type { Tensor } from '../../src/ir/tensor.js';
import { inferGraphShapes } from '../../src/transform/passes/infer-shapes.js';
import { auditShapes, traceModel } from './trace.js';

const GOLDEN = resolve(new URL('.', import.meta.url).pathname, '..', '..', '..', 'shared', 'golden');
const present = existsSync(join(GOLDEN, 'onnx-node')) && existsSync(join(GOLDEN, 'torch-export'));
if (!present) console.warn(`shapes/golden-shapes: skipped, ${GOLDEN} (onnx-node, torch-export) is absent`);

/** Every ONNX backend-test case under the two golden folders: the model and its first data set. */
function cases(): { name: string; model: string; data: string }[] {
  const found: { name: string; model: string; data: string }[] = [];
  const nodeDir = join(GOLDEN, 'onnx-node');
  for (const entry of readdirSync(nodeDir).sort()) {
    const model = join(nodeDir, entry, 'model.onnx');
    if (existsSync(model))
      found.push({ name: `onnx-node/${entry}`, model, data: join(nodeDir, entry, 'test_data_set_0') });
  }
  const exportDir = join(GOLDEN, 'torch-export');
  for (const entry of readdirSync(exportDir).sort()) {
    if (!entry.endsWith('.onnx')) continue;
    const stem = entry.slice(0, -'.onnx'.length);
    found.push({
      name: `torch-export/${stem}`,
      model: join(exportDir, entry),
      data: join(exportDir, stem, 'test_data_set_0'),
    });
  }
  return found;
}

/** The inputs of a data set, matched to the model's non-initializer graph inputs by index. */
function feedsFor(dir: string, names: readonly string[]): Map<string, Tensor> {
  const feeds = new Map<string, Tensor>();
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return feeds;
  for (const file of readdirSync(dir)) {
    const match = /^input_(\d+)\.pb$/.exec(file);
    const name = match === null ? undefined : names[Number(match[1])];
    if (name !== undefined) feeds.set(name, readTensorFile(join(dir, file)).tensor);
  }
  return feeds;
}

describe.skipIf(!present)('shape inference over every golden model', () => {
  const all = present ? cases() : [];

  it('finds the golden models (onnx-node and torch-export)', () => {
    expect(all.length).toBeGreaterThan(300);
  });

  it('types every value with a known rank, and every inferred dim agrees with the reference run', () => {
    const problems: string[] = [];
    const totals = { numbers: 0, named: 0, expressions: 0, unknown: 0 };
    for (const testCase of all) {
      const model = loadModel(testCase.model);
      inferGraphShapes(model.graph, model.opset);
      const inputs = model.graph.inputs
        .filter((input) => !model.graph.initializers.has(input.name))
        .map((input) => input.name);
      const env = traceModel(model, feedsFor(testCase.data, inputs));
      const audit = auditShapes(model, env);
      for (const line of [...audit.untyped, ...audit.mismatches]) problems.push(`${testCase.name}: ${line}`);
      for (const key of ['numbers', 'named', 'expressions', 'unknown'] as const) totals[key] += audit.counts[key];
    }
    console.info(
      `golden-shapes: ${all.length} models; dims checked: ${totals.numbers} known, ${totals.named} named, ` +
        `${totals.expressions} expressions; ${totals.unknown} left unknown`,
    );
    expect(problems).toEqual([]);
  });

  const symbolsTitle =
    "binds the dynamic torch exports' symbols consistently " +
    '(H = W = 13 in the 13×13 data, dims computed from them agree)';
  it(symbolsTitle, () => {
    const stem = 'torch2_adaptive_spp_avg_dynamo_opset18_dynamic_256c_13x13';
    const model = loadModel(join(GOLDEN, 'torch-export', `${stem}.onnx`));
    inferGraphShapes(model.graph, model.opset);
    const env = traceModel(model, feedsFor(join(GOLDEN, 'torch-export', stem, 'test_data_set_0'), ['x']));
    const audit = auditShapes(model, env);
    expect(audit.mismatches).toEqual([]);
    expect(audit.bindings.get('H')).toBe(13);
    expect(audit.bindings.get('W')).toBe(13);
    // The Expand/GatherND index tensors get their shape from Shape(...) in the graph: [4, floor(13/4)+1, 4, ...].
    const gathered = model.graph.nodes.find((node) => node.opType === 'GatherND')?.outputs[0];
    expect(gathered === undefined ? undefined : env.get(gathered)?.dims).toEqual([4, 4, 4, 4, 1, 256]);
    expect(gathered?.type?.shape?.every((dim) => typeof dim === 'number' || !dim.isUnknown)).toBe(true);
  });
});
