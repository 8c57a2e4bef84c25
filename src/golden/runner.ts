/**
 * The golden-test runner: every case × every backend → pass / fail (with max abs error) / skip (with the reason) /
 * error (with the message). A case a backend cannot run is a skip, never a pass.
 *
 * Default tolerances (when a case gives none): `abs(got - want) <= 1e-5 + 1e-3 * abs(want)` for float outputs of
 * ONNX-layout cases (ONNX's backend-test runner uses rtol 1e-3; the atol covers float32 noise near zero);
 * integer and bool outputs must match exactly.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isFloatType } from '../ir/dtype.js';
import { UnsupportedError } from '../ir/errors.js';
import type { Model } from '../ir/graph.js';
import type { Tensor } from '../ir/tensor.js';
import type { Backend, BackendName } from '../runtime/backend.js';
import { compareTensors, type Tolerance } from '../runtime/compare.js';
import { loadModel, readTensorFile } from '../export/io-node.js';
import { discoverCases, type CaseLocation } from './cases.js';
import { loadLayerCase, type TensorReader } from './layer-case.js';

/** One case on one backend. */
export interface CaseResult {
  readonly case: string;
  readonly backend: BackendName;
  readonly status: 'pass' | 'fail' | 'skip' | 'error';
  readonly maxAbsErr: number | null;
  readonly message: string;
}

/** The runner's report (`--json`). */
export interface GoldenReport {
  readonly summary: { pass: number; fail: number; skip: number; error: number };
  readonly cases: CaseResult[];
}

/** How the runner reads files (injected so the engine stays testable). */
export interface GoldenIo {
  readonly readTensor: TensorReader;
  readonly readModel: (path: string) => Model;
}

/** sppkit's own file readers. */
const NODE_IO: GoldenIo = { readTensor: (path) => readTensorFile(path).tensor, readModel: loadModel };

/** A case ready to run. */
interface LoadedCase {
  readonly model: Model;
  readonly dataSets: readonly { readonly inputs: Map<string, Tensor>; readonly outputs: Map<string, Tensor> }[];
  readonly tolerance: Tolerance | null;
}

const DEFAULT_FLOAT_TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-3 };
const EXACT: Tolerance = { atol: 0, rtol: 0 };

function loadOnnxCase(location: Extract<CaseLocation, { layout: 'onnx' }>, io: GoldenIo): LoadedCase {
  const model = io.readModel(location.modelPath);
  const graphInputs = model.graph.inputs.filter((input) => !model.graph.initializers.has(input.name));
  const dataSets = location.dataDirs.map((dir) => {
    const files = readdirSync(dir);
    const read = (prefix: string, names: readonly string[]): Map<string, Tensor> => {
      const out = new Map<string, Tensor>();
      files
        .filter((f) => f.startsWith(prefix) && f.endsWith('.pb'))
        .map((f) => ({ f, index: Number(f.slice(prefix.length, -3)) }))
        .sort((a, b) => a.index - b.index)
        .forEach(({ f, index }) => {
          const name = names[index];
          if (name === undefined)
            throw new Error(`${join(dir, f)}: the model has no ${prefix.replace('_', '')} #${index}`);
          out.set(name, io.readTensor(join(dir, f)));
        });
      return out;
    };
    return {
      inputs: read(
        'input_',
        graphInputs.map((v) => v.name),
      ),
      outputs: read(
        'output_',
        model.graph.outputs.map((v) => v.name),
      ),
    };
  });
  return { model, dataSets, tolerance: null };
}

function loadCase(location: CaseLocation, io: GoldenIo): LoadedCase {
  if (location.layout === 'onnx') return loadOnnxCase(location, io);
  const layer = loadLayerCase(location.dir, io.readTensor);
  return {
    model: layer.model,
    dataSets: [{ inputs: layer.inputs, outputs: layer.outputs }],
    tolerance: layer.tolerance,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split('\n').slice(0, 3).join(' | ') : String(error);
}

async function runOne(loaded: LoadedCase, backend: Backend): Promise<Omit<CaseResult, 'case' | 'backend'>> {
  if (loaded.dataSets.length === 0) return { status: 'skip', maxAbsErr: null, message: 'no test data sets' };
  let session;
  try {
    session = await backend.load(loaded.model);
  } catch (error) {
    if (error instanceof UnsupportedError) return { status: 'skip', maxAbsErr: null, message: messageOf(error) };
    return { status: 'error', maxAbsErr: null, message: messageOf(error) };
  }
  try {
    let worst = 0;
    for (const [index, dataSet] of loaded.dataSets.entries()) {
      let got: Map<string, Tensor>;
      try {
        got = await session.run(dataSet.inputs);
      } catch (error) {
        if (error instanceof UnsupportedError) return { status: 'skip', maxAbsErr: null, message: messageOf(error) };
        return { status: 'error', maxAbsErr: null, message: messageOf(error) };
      }
      for (const [name, want] of dataSet.outputs) {
        const actual = got.get(name);
        if (actual === undefined)
          return { status: 'error', maxAbsErr: null, message: `output '${name}' was not produced` };
        const tolerance = loaded.tolerance ?? (isFloatType(want.dtype) ? DEFAULT_FLOAT_TOLERANCE : EXACT);
        const comparison = compareTensors(actual, want, tolerance);
        worst = Math.max(worst, comparison.maxAbsErr);
        if (!comparison.ok)
          return {
            status: 'fail',
            maxAbsErr: comparison.maxAbsErr,
            message: `data set ${index}, output '${name}': ${comparison.message}`,
          };
      }
    }
    return { status: 'pass', maxAbsErr: worst, message: '' };
  } finally {
    await session.dispose();
  }
}

/** Options of `runGolden`. */
export interface GoldenOptions {
  /** How files are read (default: sppkit's own readers, external data resolved inside each case's folder). */
  readonly io?: GoldenIo;
  /** Called after each case × backend (for progress lines). */
  readonly onResult?: (result: CaseResult, done: number, total: number) => void;
}

/** Runs every case under `dirs` on every backend. */
export async function runGolden(
  dirs: readonly string[],
  backends: readonly Backend[],
  options: GoldenOptions = {},
): Promise<GoldenReport> {
  const locations = dirs.flatMap((dir) => discoverCases(dir).map((location) => ({ location, root: dir })));
  const availability = new Map(await Promise.all(backends.map(async (b) => [b.name, await b.availability()] as const)));
  const results: CaseResult[] = [];
  const total = locations.length * backends.length;
  for (const { location } of locations) {
    let loaded: LoadedCase | undefined;
    let loadProblem: CaseResult['status'] = 'error';
    let loadMessage = '';
    try {
      loaded = loadCase(location, options.io ?? NODE_IO);
    } catch (error) {
      loadProblem = error instanceof UnsupportedError ? 'skip' : 'error';
      loadMessage = messageOf(error);
    }
    for (const backend of backends) {
      const available = availability.get(backend.name);
      let outcome: Omit<CaseResult, 'case' | 'backend'>;
      if (available !== undefined && !available.available)
        outcome = { status: 'skip', maxAbsErr: null, message: `backend unavailable: ${available.reason}` };
      else if (loaded === undefined) outcome = { status: loadProblem, maxAbsErr: null, message: loadMessage };
      else outcome = await runOne(loaded, backend);
      const result = { case: location.name, backend: backend.name, ...outcome };
      results.push(result);
      options.onResult?.(result, results.length, total);
    }
  }
  const summary = { pass: 0, fail: 0, skip: 0, error: 0 };
  for (const result of results) summary[result.status] += 1;
  return { summary, cases: results };
}

/** True when `dir` exists (for messages about missing golden folders). */
export function goldenDirExists(dir: string): boolean {
  return existsSync(dir);
}
