/**
 * sppkit's own real-shaped cases (test/golden/open-world, made by scripts/make-golden.ts with expected outputs from
 * onnxruntime CPU): run by the golden runner, and checked, inferred and transformed with the op sppkit does not
 * implement (com.microsoft.Gelu) in place.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, readTensorFile } from '../../src/export/io-node.js';
import { DataType } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/graph.js';
import { compareTensors } from '../../src/runtime/compare.js';
import { getBackend } from '../../src/runtime/node/backends.js';
import { runGolden } from '../../src/golden/runner.js';
import { checkModelReport } from '../../src/transform/passes/check.js';
import { inferGraphTypes } from '../../src/transform/passes/infer-shapes.js';
import { runPasses } from '../../src/transform/passes/pass.js';
import { parsePassList } from '../../src/transform/passes/registry.js';
import { REPO_ROOT } from '../shared.js';

const CASES = join(REPO_ROOT, 'test', 'golden', 'open-world');

function caseModel(name: string): Model {
  return loadModel(join(CASES, name, 'model.onnx'));
}

function opCount(model: Model, opType: string): number {
  return model.graph.nodes.filter((node) => node.opType === opType).length;
}

describe('open-world golden cases', () => {
  it('pass on onnxruntime CPU; the reference passes those it can run and skips the others, naming the op', async () => {
    const report = await runGolden([CASES], [getBackend('ref'), getBackend('ort-cpu')]);
    const by = (backend: string): Record<string, string> =>
      Object.fromEntries(report.cases.filter((c) => c.backend === backend).map((c) => [c.case, c.status]));
    expect(by('ort-cpu')).toEqual({
      'classifier-tail': 'pass',
      'classifier-tail-gelu-declared': 'pass',
      'conv-bn-hardswish-gelu-spp': 'pass',
      'yolo-detect-head': 'pass',
    });
    expect(by('ref')).toEqual({
      'classifier-tail': 'pass',
      'classifier-tail-gelu-declared': 'skip',
      'conv-bn-hardswish-gelu-spp': 'skip',
      'yolo-detect-head': 'pass',
    });
    for (const skipped of report.cases.filter((c) => c.status === 'skip'))
      expect(skipped.message).toBe('the reference cannot run this model: ops not implemented: com.microsoft.Gelu ×1');
  });

  it('infers past an untyped contrib op: types before it, nothing invented after it, the declared output kept', () => {
    const model = caseModel('conv-bn-hardswish-gelu-spp');
    const report = inferGraphTypes(model.graph, model.opset);
    expect(report.unknownOps.map((node) => `${node.domain}.${node.opType}`)).toEqual(['com.microsoft.Gelu']);
    const gelu = report.unknownOps[0];
    // Everything before Gelu is typed; its input is the HardSwish product [1, 8, 12, 10].
    expect(gelu?.inputs[0]?.type).toEqual({ dtype: DataType.FLOAT, shape: [1, 8, 12, 10] });
    expect(gelu?.outputs[0]?.type).toBeNull();
    // After it: Conv, BN, Relu, 3 MaxPools and the Concat, none typed except the declared graph output.
    expect(report.untyped.map((node) => node.opType)).toEqual([
      'Conv',
      'BatchNormalization',
      'Relu',
      'MaxPool',
      'MaxPool',
      'MaxPool',
      'Concat',
    ]);
    expect(model.graph.outputs[0]?.type).toEqual({ dtype: DataType.FLOAT, shape: [1, 32, 12, 10] });
  });

  it('continues from a declared value_info type after the contrib op', () => {
    const model = caseModel('classifier-tail-gelu-declared');
    const report = inferGraphTypes(model.graph, model.opset);
    expect(report.unknownOps).toHaveLength(1);
    expect(report.untyped).toEqual([]);
    const types = model.graph.nodes.map((node) => `${node.opType}: ${JSON.stringify(node.outputs[0]?.type?.shape)}`);
    expect(types).toEqual(['Gelu: [2,16,7,6]', 'GlobalAveragePool: [2,16,1,1]', 'Flatten: [2,16]', 'Gemm: [2,10]']);
  });

  it('checks as valid, with one warning for the contrib op and one summary, and no follow-on errors', () => {
    const report = checkModelReport(caseModel('conv-bn-hardswish-gelu-spp'));
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([
      expect.stringMatching(/^op 'com\.microsoft\.Gelu' is not implemented by sppkit \(1 node\(s\): 'gelu'\)/),
      expect.stringMatching(/^7 node\(s\) not type-checked because an input has no known type/),
    ]);
    expect(checkModelReport(caseModel('classifier-tail-gelu-declared')).warnings).toHaveLength(1);
    expect(checkModelReport(caseModel('yolo-detect-head'))).toEqual({ errors: [], warnings: [] });
  });

  it('transforms with --passes default: both Conv+BN fold (one after Gelu) and SPP becomes SPPF', async () => {
    const model = caseModel('conv-bn-hardswish-gelu-spp');
    const { model: out, results } = runPasses(model, parsePassList('default'));
    const events = results.flatMap((result) => result.events);
    expect(events.filter((e) => e.rule === 'fold-bn').map((e) => e.kind)).toEqual(['fired', 'fired']);
    expect(opCount(out, 'BatchNormalization')).toBe(0);
    // The folded Conv after Gelu is known to be float32 (Conv's X and W share a type), shape unknown: enough for
    // the SPP rewrite, which holds at every size.
    expect(events.filter((e) => e.rule === 'spp-to-sppf').map((e) => e.kind)).toEqual(['fired']);
    const pools = out.graph.nodes.filter((node) => node.opType === 'MaxPool');
    // Three chained 5×5 pools (default does not make them separable: no faster on onnxruntime CPU).
    expect(pools.map((pool) => pool.inputs[0]?.producer()?.opType)).toEqual(['Relu', 'MaxPool', 'MaxPool']);
    // The rewritten model still computes the case's expected output (onnxruntime runs the contrib op).
    const data = join(CASES, 'conv-bn-hardswish-gelu-spp', 'test_data_set_0');
    const session = await getBackend('ort-cpu').load(out);
    const got = await session.run(new Map([['images', readTensorFile(join(data, 'input_0.pb')).tensor]]));
    await session.dispose();
    const want = readTensorFile(join(data, 'output_0.pb')).tensor;
    const actual = got.get('features');
    if (actual === undefined) throw new Error('no output');
    const comparison = compareTensors(actual, want, { atol: 1e-5, rtol: 1e-4 });
    expect(comparison.ok, comparison.message).toBe(true);
  });

  it('types the YOLO Detect head through Reshape, Transpose, Split and the grid constants', () => {
    const model = caseModel('yolo-detect-head');
    inferGraphTypes(model.graph, model.opset);
    const [detections, raw0] = model.graph.outputs;
    // Two levels of 3 anchors: 3·4·5 + 3·2·3 = 78 boxes of 2 classes + 5.
    expect(detections?.type).toEqual({ dtype: DataType.FLOAT, shape: [1, 78, 7] });
    expect(raw0?.type).toEqual({ dtype: DataType.FLOAT, shape: [1, 3, 4, 5, 7] });
  });
});
