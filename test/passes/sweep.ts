/**
 * The semantic sweep: for one model file and every pass, the pass either leaves the model unchanged or the
 * result gives the same outputs as the original on the stored data, on the reference and on onnxruntime CPU —
 * bit for bit for the structural and pooling rewrites, within 1e-5 relative for the folding passes. Where the
 * original does not run on a backend, the result is compared with the stored outputs instead (ONNX's backend
 * test tolerance), and a result that fails where the original ran is a failure.
 */
import type { Model } from '../../src/ir/graph.js';
import { parsePassList } from '../../src/transform/passes/registry.js';
import type { Tensor } from '../../src/ir/tensor.js';
import { compareTensors, type Tolerance } from '../../src/runtime/compare.js';
import { loadModel } from '../../src/export/io-node.js';
import { readDataSets, runOn, type OnnxCase, type TestBackend } from './helpers.js';

/** Passes checked by the sweep, with how close their result must be to the original's. */
export const SWEPT_PASSES: readonly {
  readonly spec: string;
  readonly tolerance: Tolerance;
  readonly ortTolerance?: Tolerance;
  readonly averageTolerance?: Tolerance;
}[] = [
  { spec: 'infer-shapes', tolerance: { atol: 0, rtol: 0 } },
  { spec: 'dce', tolerance: { atol: 0, rtol: 0 } },
  { spec: 'fold-constants', tolerance: { atol: 1e-6, rtol: 1e-5 } },
  { spec: 'fold-bn', tolerance: { atol: 1e-6, rtol: 1e-5 } },
  { spec: 'spp-to-sppf', tolerance: { atol: 0, rtol: 0 } },
  { spec: 'separable-pool', tolerance: { atol: 0, rtol: 0 } },
  // Bit-exact for max levels; sppAdaptive averages rows then columns, which rounds differently in float32 from
  // one AveragePool window sum (same value in real arithmetic), so average levels get float-rounding slack.
  { spec: 'adaptive-spp-dynamic', tolerance: { atol: 0, rtol: 0 }, averageTolerance: { atol: 1e-7, rtol: 1e-6 } },
  { spec: 'make-dynamic', tolerance: { atol: 0, rtol: 0 } },
  // Exact on the reference; onnxruntime runs some ops with another kernel at another opset (AveragePool-22 and
  // AveragePool-11 sum in a different order), so there the results may differ by float rounding.
  { spec: 'opset=13', tolerance: { atol: 0, rtol: 0 }, ortTolerance: { atol: 1e-6, rtol: 1e-5 } },
  { spec: 'opset=23', tolerance: { atol: 0, rtol: 0 }, ortTolerance: { atol: 1e-6, rtol: 1e-5 } },
];

/** ONNX's backend-test tolerance, for comparisons with stored outputs. */
const STORED_TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-3 };

/** What the sweep found for one case. */
export interface SweepReport {
  readonly failures: string[];
  /** `pass: changed|unchanged|refused` per pass. */
  readonly outcomes: string[];
}

function compareMaps(got: Map<string, Tensor>, want: Map<string, Tensor>, tolerance: Tolerance): string | undefined {
  for (const [name, tensor] of want) {
    const actual = got.get(name);
    if (actual === undefined) return `output '${name}' missing`;
    const comparison = compareTensors(actual, tensor, tolerance);
    if (!comparison.ok) return `output '${name}': ${comparison.message}`;
  }
  return undefined;
}

/** Runs the sweep for one case on `backends`. */
export async function sweepCase(testCase: OnnxCase, backends: readonly TestBackend[]): Promise<SweepReport> {
  const failures: string[] = [];
  const outcomes: string[] = [];
  const original = loadModel(testCase.modelPath);
  const data = readDataSets(original, testCase.dataDirs);
  const baseline = new Map<string, (Map<string, Tensor> | string)[]>();
  const baselineOn = async (backend: TestBackend): Promise<(Map<string, Tensor> | string)[]> => {
    const known = baseline.get(backend);
    if (known !== undefined) return known;
    const runs = await Promise.all(data.map((set) => runOn(backend, original, set.inputs)));
    baseline.set(backend, runs);
    return runs;
  };
  // Averages as torch.onnx writes them (AveragePool, GlobalAveragePool) and as dynamo does (ReduceMean over windows).
  const averages = original.graph.nodes.some(
    (node) => node.opType === 'AveragePool' || node.opType === 'GlobalAveragePool' || node.opType === 'ReduceMean',
  );
  for (const { spec, tolerance: exactTolerance, ortTolerance, averageTolerance } of SWEPT_PASSES) {
    const refTolerance = averages ? (averageTolerance ?? exactTolerance) : exactTolerance;
    const [pass] = parsePassList(spec);
    if (pass === undefined) continue;
    let model: Model;
    let modified: boolean;
    try {
      const result = pass.run(loadModel(testCase.modelPath));
      model = result.model;
      modified = result.modified;
    } catch (error) {
      // A pass may refuse a model it cannot handle by throwing (infer-shapes on an op sppkit lacks); the file on
      // disk is untouched then, which is "unchanged" for the user.
      outcomes.push(`${spec}: refused (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
      continue;
    }
    outcomes.push(`${spec}: ${modified ? 'changed' : 'unchanged'}`);
    if (!modified) continue;
    for (const backend of backends) {
      const tolerance = backend === 'ref' ? refTolerance : (ortTolerance ?? refTolerance);
      const before = await baselineOn(backend);
      for (const [index, set] of data.entries()) {
        const after = await runOn(backend, model, set.inputs);
        const reference = before[index];
        const where = `${spec} on ${backend}, data set ${index}`;
        if (reference !== undefined && typeof reference !== 'string') {
          if (typeof after === 'string') failures.push(`${where}: the original ran but the result fails: ${after}`);
          else {
            const problem = compareMaps(after, reference, tolerance);
            if (problem !== undefined) failures.push(`${where}: differs from the original: ${problem}`);
          }
          continue;
        }
        if (typeof after === 'string') continue; // neither runs on this backend
        const problem = compareMaps(after, set.outputs, STORED_TOLERANCE);
        if (problem !== undefined)
          failures.push(
            `${where}: differs from the stored outputs (the original does not run: ${reference}): ${problem}`,
          );
      }
    }
  }
  return { failures, outcomes };
}
