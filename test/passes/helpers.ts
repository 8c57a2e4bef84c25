/**
 * Test helpers for the passes: the shared golden folders, ONNX-layout cases with their data sets, running a model
 * on the reference and on onnxruntime CPU, and an independent brute-force adaptive pooling oracle.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, readTensorFile } from '../../src/export/io-node.js';
import type { Model } from '../../src/ir/graph.js';
import { Tensor } from '../../src/ir/tensor.js';
import type { Pass } from '../../src/transform/passes/pass.js';
import { getBackend } from '../../src/runtime/node/backends.js';
import { evaluate } from '../../src/runtime/reference.js';

/** `../shared/golden` next to the repository. */
export const GOLDEN_DIR = resolve(fileURLToPath(new URL('../../', import.meta.url)), '..', 'shared', 'golden');
/** The PyTorch exports. */
export const TORCH_EXPORT_DIR = join(GOLDEN_DIR, 'torch-export');
/** ONNX's node conformance tests. */
export const ONNX_NODE_DIR = join(GOLDEN_DIR, 'onnx-node');

/** True when `dir` exists; warns visibly when it does not. */
export function haveDir(dir: string, suite: string): boolean {
  const present = existsSync(dir);
  if (!present) console.warn(`[${suite}] skipped: ${dir} is absent`);
  return present;
}

/** One data set: inputs by graph input name, outputs by graph output name. */
export interface DataSet {
  readonly inputs: Map<string, Tensor>;
  readonly outputs: Map<string, Tensor>;
}

/** An ONNX-layout case: its model file and data sets. */
export interface OnnxCase {
  readonly name: string;
  readonly modelPath: string;
  readonly dataDirs: readonly string[];
}

/** The `<stem>.onnx` + `<stem>/test_data_set_*` cases of torch-export. */
export function torchExportCases(): OnnxCase[] {
  if (!existsSync(TORCH_EXPORT_DIR)) return [];
  return readdirSync(TORCH_EXPORT_DIR)
    .filter((f) => f.endsWith('.onnx'))
    .sort()
    .map((f) => {
      const stem = f.slice(0, -5);
      return { name: stem, modelPath: join(TORCH_EXPORT_DIR, f), dataDirs: dataSets(join(TORCH_EXPORT_DIR, stem)) };
    });
}

/** The `test_<name>/model.onnx` cases of onnx-node. */
export function onnxNodeCases(): OnnxCase[] {
  if (!existsSync(ONNX_NODE_DIR)) return [];
  return readdirSync(ONNX_NODE_DIR)
    .filter((d) => d.startsWith('test_') && existsSync(join(ONNX_NODE_DIR, d, 'model.onnx')))
    .sort()
    .map((d) => ({
      name: d,
      modelPath: join(ONNX_NODE_DIR, d, 'model.onnx'),
      dataDirs: dataSets(join(ONNX_NODE_DIR, d)),
    }));
}

function dataSets(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((d) => d.startsWith('test_data_set_'))
    .sort()
    .map((d) => join(dir, d));
}

/** Reads a case's data sets, naming tensors after the model's graph inputs and outputs. */
export function readDataSets(model: Model, dirs: readonly string[]): DataSet[] {
  const inputs = model.graph.inputs.filter((v) => !model.graph.initializers.has(v.name)).map((v) => v.name);
  const outputs = model.graph.outputs.map((v) => v.name);
  return dirs.map((dir) => {
    const files = readdirSync(dir);
    const read = (prefix: string, names: readonly string[]): Map<string, Tensor> =>
      new Map(
        files
          .filter((f) => f.startsWith(prefix) && f.endsWith('.pb'))
          .map((f) => [names[Number(f.slice(prefix.length, -3))] ?? f, readTensorFile(join(dir, f)).tensor] as const),
      );
    return { inputs: read('input_', inputs), outputs: read('output_', outputs) };
  });
}

/** Loads a fresh copy of a model and runs one pass on it. */
export function transformed(path: string, pass: Pass): { model: Model; modified: boolean; notes: readonly string[] } {
  const result = pass.run(loadModel(path));
  return { model: result.model, modified: result.modified, notes: result.notes };
}

/** The backends the semantic tests run on. */
export type TestBackend = 'ref' | 'ort-cpu';

/** Runs `model` on a backend; the error message when it cannot. */
export async function runOn(
  backend: TestBackend,
  model: Model,
  feeds: ReadonlyMap<string, Tensor>,
): Promise<Map<string, Tensor> | string> {
  try {
    if (backend === 'ref') return evaluate(model, feeds);
    const session = await getBackend('ort-cpu').load(model);
    try {
      return await session.run(feeds);
    } finally {
      await session.dispose();
    }
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** True when onnxruntime CPU can run here. */
export async function ortAvailable(): Promise<boolean> {
  return (await getBackend('ort-cpu').availability()).available;
}

/** Deterministic pseudo-random float32 NCHW input in [-1, 1) (no library RNG: an LCG). */
export function randomInput(dims: readonly number[], seed = 1): Tensor {
  let state = seed >>> 0;
  const size = dims.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: size }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
  return Tensor.float32(dims, values);
}

/**
 * Brute-force SPP-net adaptive pooling, written from the definition (PyTorch adaptive_{max,avg}_pool2d):
 * level n, bin (i, j) covers rows [floor(i·H/n), ceil((i+1)·H/n)) and columns likewise; each level flattened as
 * c·n·n + i·n + j; levels concatenated. Independent of sppkit's lowering. Computed in float64, rounded to float32.
 */
export function bruteForceAdaptiveSpp(x: Tensor, levels: readonly number[], pool: 'max' | 'avg'): Tensor {
  const [batch = 1, channels = 1, height = 1, width = 1] = x.dims;
  const data = x.toNumbers();
  const out: number[] = [];
  for (let b = 0; b < batch; b += 1) {
    for (const n of levels) {
      for (let c = 0; c < channels; c += 1) {
        for (let i = 0; i < n; i += 1) {
          for (let j = 0; j < n; j += 1) {
            const [r0, r1] = [Math.floor((i * height) / n), Math.ceil(((i + 1) * height) / n)];
            const [c0, c1] = [Math.floor((j * width) / n), Math.ceil(((j + 1) * width) / n)];
            let best = -Infinity;
            let sum = 0;
            for (let r = r0; r < r1; r += 1) {
              for (let q = c0; q < c1; q += 1) {
                const v = data[((b * channels + c) * height + r) * width + q] ?? NaN;
                best = Math.max(best, v);
                sum += v;
              }
            }
            out.push(pool === 'max' ? best : sum / ((r1 - r0) * (c1 - c0)));
          }
        }
      }
    }
  }
  const features = channels * levels.reduce((a, n) => a + n * n, 0);
  return Tensor.float32([batch, features], out);
}
