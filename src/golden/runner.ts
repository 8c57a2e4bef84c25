/**
 * The golden-test runner: every case × every backend → pass / fail (with max abs error and the tolerance) / skip
 * (with the reason) / error (with the message). A case a backend cannot run is a skip, never a pass; a case without
 * expected outputs is an error, never a pass; a folder without any case is a GoldenError (nothing is run).
 *
 * Tolerances: see tolerance.ts (a case's `case.json` `rtol`/`atol`, per output where given; the layer cases'
 * `tolerance`; otherwise a default by output type).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, UnsupportedError } from '../ir/errors.js';
import type { Model } from '../ir/graph.js';
import type { Tensor } from '../ir/tensor.js';
import type { Backend, BackendName } from '../runtime/backend.js';
import { compareTensors } from '../runtime/compare.js';
import { loadModel, readTensorFile } from '../export/io-node.js';
import { discoverCases, GoldenError, type CaseLocation } from './cases.js';
import { loadLayerCase, type TensorReader } from './layer-case.js';
import { onnxCaseTolerance, toleranceOf, type CaseTolerance, type OutputTolerance } from './tolerance.js';

/** One case on one backend. */
export interface CaseResult {
  readonly case: string;
  readonly backend: BackendName;
  readonly status: 'pass' | 'fail' | 'skip' | 'error';
  /** pass: the largest abs error over all outputs; fail: that of the failing output; otherwise null. */
  readonly maxAbsErr: number | null;
  /** fail: the tolerance the failing output was held to (`|got-want| <= atol + rtol*|want|`); otherwise null. */
  readonly tolerance: OutputTolerance | null;
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

/** One expected output: its index among the graph outputs (which picks its tolerance), name and tensor. */
interface Expected {
  readonly index: number;
  readonly name: string;
  readonly tensor: Tensor;
}

/** A case ready to run. */
interface LoadedCase {
  readonly model: Model;
  readonly dataSets: readonly { readonly inputs: Map<string, Tensor>; readonly outputs: readonly Expected[] }[];
  readonly tolerance: CaseTolerance | null;
}

type Outcome = Omit<CaseResult, 'case' | 'backend'>;

/** Reads `<prefix><i>.pb` files of a data set in index order, naming each after `names[i]`. */
function readIndexed(
  dir: string,
  files: readonly string[],
  prefix: 'input_' | 'output_',
  names: readonly string[],
  io: GoldenIo,
): Expected[] {
  return files
    .filter((f) => f.startsWith(prefix) && f.endsWith('.pb'))
    .map((f) => ({ f, index: Number(f.slice(prefix.length, -3)) }))
    .sort((a, b) => a.index - b.index)
    .map(({ f, index }) => {
      const name = names[index];
      if (name === undefined)
        throw new ConfigError(`${join(dir, f)}: the model has no ${prefix.replace('_', '')} #${index}`);
      return { index, name, tensor: io.readTensor(join(dir, f)) };
    });
}

function loadOnnxCase(location: Extract<CaseLocation, { layout: 'onnx' }>, io: GoldenIo): LoadedCase {
  const model = io.readModel(location.modelPath);
  const graphInputs = model.graph.inputs.filter((input) => !model.graph.initializers.has(input.name));
  const outputNames = model.graph.outputs.map((v) => v.name);
  let tolerance: CaseTolerance | null = null;
  if (location.caseJsonPath !== undefined) {
    const file = location.caseJsonPath;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigError(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    tolerance = onnxCaseTolerance(json, file, outputNames.length);
  }
  if (location.dataDirs.length === 0)
    throw new ConfigError(`${location.modelPath}: no test data sets (test_data_set_*/ with output_*.pb)`);
  const dataSets = location.dataDirs.map((dir) => {
    const files = readdirSync(dir);
    const inputs = readIndexed(
      dir,
      files,
      'input_',
      graphInputs.map((v) => v.name),
      io,
    );
    const outputs = readIndexed(dir, files, 'output_', outputNames, io);
    const missing = outputNames.filter((_, index) => !outputs.some((o) => o.index === index));
    if (missing.length > 0) {
      const what = outputs.length === 0 ? 'no expected outputs' : 'no expected output';
      const list = missing.map((name) => `'${name}' (output_${outputNames.indexOf(name)}.pb)`).join(', ');
      throw new ConfigError(`${dir}: ${what} for graph output ${list}`);
    }
    return { inputs: new Map(inputs.map((input) => [input.name, input.tensor] as const)), outputs };
  });
  return { model, dataSets, tolerance };
}

function loadCase(location: CaseLocation, io: GoldenIo): LoadedCase {
  if (location.layout === 'onnx') return loadOnnxCase(location, io);
  const layer = loadLayerCase(location.dir, io.readTensor);
  const outputs = [...layer.outputs].map(([name, tensor], index) => ({ index, name, tensor }));
  if (outputs.length === 0) throw new ConfigError(`${location.dir}: no expected outputs`);
  return {
    model: layer.model,
    dataSets: [{ inputs: layer.inputs, outputs }],
    tolerance: { atol: layer.tolerance.atol ?? 0, rtol: layer.tolerance.rtol ?? 0 },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split('\n').slice(0, 3).join(' | ') : String(error);
}

function problem(status: 'skip' | 'error', error: unknown): Outcome {
  return { status, maxAbsErr: null, tolerance: null, message: messageOf(error) };
}

async function runOne(loaded: LoadedCase, backend: Backend): Promise<Outcome> {
  let session;
  try {
    session = await backend.load(loaded.model);
  } catch (error) {
    return problem(error instanceof UnsupportedError ? 'skip' : 'error', error);
  }
  try {
    let worst = 0;
    for (const [index, dataSet] of loaded.dataSets.entries()) {
      let got: Map<string, Tensor>;
      try {
        got = await session.run(dataSet.inputs);
      } catch (error) {
        return problem(error instanceof UnsupportedError ? 'skip' : 'error', error);
      }
      for (const want of dataSet.outputs) {
        const actual = got.get(want.name);
        if (actual === undefined) return problem('error', `output '${want.name}' was not produced`);
        const tolerance = toleranceOf(loaded.tolerance, want.index, want.tensor);
        const comparison = compareTensors(actual, want.tensor, tolerance);
        worst = Math.max(worst, comparison.maxAbsErr);
        if (!comparison.ok)
          return {
            status: 'fail',
            maxAbsErr: comparison.maxAbsErr,
            tolerance,
            message: `data set ${index}, output '${want.name}': ${comparison.message}`,
          };
      }
    }
    return { status: 'pass', maxAbsErr: worst, tolerance: null, message: '' };
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

/**
 * Runs every case under `dirs` on every backend. Throws GoldenError, before running anything, when a folder
 * cannot be searched (missing, unreadable entry, symlink loop) or holds no case.
 */
export async function runGolden(
  dirs: readonly string[],
  backends: readonly Backend[],
  options: GoldenOptions = {},
): Promise<GoldenReport> {
  const locations = dirs.flatMap((dir) => {
    const found = discoverCases(dir);
    if (found.length === 0)
      throw new GoldenError(
        `golden: no golden case under '${dir}' (looked for model.onnx with test_data_set_*/, ` +
          `<stem>.onnx beside <stem>/test_data_set_*/, and case.json)`,
      );
    return found;
  });
  const availability = new Map(await Promise.all(backends.map(async (b) => [b.name, await b.availability()] as const)));
  const results: CaseResult[] = [];
  const total = locations.length * backends.length;
  for (const location of locations) {
    let loaded: LoadedCase | undefined;
    let loadProblem: Outcome | undefined;
    try {
      loaded = loadCase(location, options.io ?? NODE_IO);
    } catch (error) {
      loadProblem = problem(error instanceof UnsupportedError ? 'skip' : 'error', error);
    }
    for (const backend of backends) {
      const available = availability.get(backend.name);
      let outcome: Outcome;
      // A case that cannot be loaded is reported as such on every backend, available or not.
      if (loaded === undefined) outcome = loadProblem ?? problem('error', 'the case could not be loaded');
      else if (available !== undefined && !available.available)
        outcome = problem('skip', `backend unavailable: ${available.reason}`);
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
