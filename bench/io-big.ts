/**
 * A model over protobuf's 2 GiB limit, transformed end to end (bench/io.ts): a chain of 1×1 convolutions with
 * 256 MiB float32 weights (8192×8192), a Conv → BatchNormalization at the head, and a dead 256 MiB branch.
 *
 * 1. A child generates it: the weights are sources that compute deterministic values chunk by chunk while
 *    saveModel streams them out, so the model never sits in memory; saveModel sees that it would exceed 2 GiB
 *    and writes the initializers to external data by itself.
 * 2. A fresh child measures: loadModel (lazy: the weights stay in the data file) → `fold-bn,dce` from
 *    src/transform, unchanged → saveModel (again automatically with external data, the untouched weights streamed
 *    from the old data file to the new one) — time and peak RSS over the baseline.
 * 3. It then checks the result: BatchNormalization and the dead branch are gone, untouched weights are
 *    byte-identical (sampled), the folded weights equal W·scale/√(var+ε) (sampled), the ModelProto is under 2 GiB.
 * The files are deleted afterwards.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, saveModel } from '../src/export/io-node.js';
import { MAX_PROTOBUF_BYTES } from '../src/export/model.js';
import { DataType } from '../src/ir/dtype.js';
import { Graph, Model } from '../src/ir/graph.js';
import { Tensor, type TensorByteSource } from '../src/ir/tensor.js';
import type { Value } from '../src/ir/value.js';
import { parsePassList } from '../src/transform/passes/registry.js';
import { runPasses } from '../src/transform/passes/pass.js';
import { figure, goal } from './harness.js';

const CHANNELS = 8192;
const HEAD_CHANNELS = 1024;
const MIB = 1024 * 1024;
const BIG_BYTES = CHANNELS * CHANNELS * 4;
const EPSILON = 1e-5;

/** Deterministic weight value of element `index` of the tensor with `seed`. */
function weightAt(seed: number, index: number): number {
  let h = Math.imul(index ^ seed, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca77);
  h ^= h >>> 13;
  return ((h >>> 0) / 2 ** 32 - 0.5) * 0.02;
}

/** float32 weights computed on demand, chunk by chunk. */
class GeneratedWeights implements TensorByteSource {
  constructor(
    readonly seed: number,
    readonly byteLength: number,
  ) {}

  readInto(target: Uint8Array, offset: number): void {
    const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
    for (let at = 0; at < target.length; at += 4) view.setFloat32(at, weightAt(this.seed, (offset + at) / 4), true);
  }

  describe(): string {
    return `generated weights (seed ${this.seed})`;
  }
}

const bnScale = (o: number): number => 1 + 0.001 * (o % 97);
const bnVar = (o: number): number => 0.5 + 0.01 * (o % 13);

function vector(values: (o: number) => number): Tensor {
  return new Tensor(
    DataType.FLOAT,
    [CHANNELS],
    Float32Array.from({ length: CHANNELS }, (_, o) => values(o)),
  );
}

/** The big model: `chain` 8192×8192 convolutions after a Conv(1024→8192) + BatchNormalization head. */
function bigModel(chain: number): Model {
  const graph = new Graph('big');
  const x = graph.addInput('x', { dtype: DataType.FLOAT, shape: [1, HEAD_CHANNELS, 2, 2] });
  const weight = (name: string, seed: number, inputs: number): Value =>
    graph.addInitializer(
      name,
      Tensor.fromSource(DataType.FLOAT, [CHANNELS, inputs, 1, 1], new GeneratedWeights(seed, CHANNELS * inputs * 4)),
    );
  const conv0 = graph.addNode({ opType: 'Conv', inputs: [x, weight('w0', 1, HEAD_CHANNELS)], outputs: ['c0'] });
  const params = [bnScale, () => 0.1, (o: number) => 0.001 * (o % 7), bnVar].map((f, i) =>
    graph.addInitializer(['bn_scale', 'bn_bias', 'bn_mean', 'bn_var'][i] ?? 'p', vector(f)),
  );
  const bn = graph.addNode({
    opType: 'BatchNormalization',
    inputs: [conv0.outputs[0] as Value, ...params],
    outputs: ['bn'],
  });
  let y = graph.addNode({ opType: 'Relu', inputs: [bn.outputs[0] as Value], outputs: ['r0'] }).outputs[0] as Value;
  const head = y;
  for (let i = 1; i <= chain; i += 1) {
    const conv = graph.addNode({ opType: 'Conv', inputs: [y, weight(`w${i}`, 1 + i, CHANNELS)], outputs: [`c${i}`] });
    y = graph.addNode({ opType: 'Relu', inputs: [conv.outputs[0] as Value], outputs: [`r${i}`] }).outputs[0] as Value;
  }
  graph.addNode({ opType: 'Conv', inputs: [head, weight('w_dead', 999, CHANNELS)], outputs: ['dead'] });
  graph.addOutput(y);
  return new Model(graph, 17);
}

function status(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return Number(match?.[1] ?? NaN) * 1024;
}

/** Samples of a tensor's bytes from its source, compared with the generator. */
function sameSamples(tensor: Tensor, seed: number): boolean {
  const source = tensor.pendingSource();
  if (source === undefined) return false;
  const window = new Uint8Array(64 * 1024);
  const expected = new Uint8Array(window.length);
  for (const offset of [0, source.byteLength / 2, source.byteLength - window.length]) {
    source.readInto(window, offset);
    new GeneratedWeights(seed, source.byteLength).readInto(expected, offset);
    if (!Buffer.from(window).equals(Buffer.from(expected))) return false;
  }
  return true;
}

/** Largest |folded − W·scale/√(var+ε)| over a few output channels of the folded head weights. */
function foldError(tensor: Tensor): number {
  const row = new Uint8Array(HEAD_CHANNELS * 4);
  const source = tensor.pendingSource();
  let worst = 0;
  for (const o of [0, 1, 4095, CHANNELS - 1]) {
    if (source !== undefined) source.readInto(row, o * row.length);
    else {
      const data = tensor.data as Float32Array;
      row.set(new Uint8Array(data.buffer, data.byteOffset + o * row.length, row.length));
    }
    const values = new Float32Array(row.buffer.slice(0));
    const factor = Math.fround(bnScale(o)) / Math.sqrt(Math.fround(bnVar(o)) + EPSILON);
    for (let i = 0; i < HEAD_CHANNELS; i += 1) {
      const want = Math.fround(Math.fround(weightAt(1, o * HEAD_CHANNELS + i)) * factor);
      worst = Math.max(worst, Math.abs((values[i] ?? NaN) - want));
    }
  }
  return worst;
}

/** Child side: `generate <dir> <chain>` or `transform <dir>`; prints one JSON line. */
export function bigChild(kind: string, args: readonly string[]): void {
  const dir = args[0] ?? '.';
  if (kind === 'big-generate') {
    const started = performance.now();
    const saved = saveModel(join(dir, 'big.onnx'), bigModel(Number(args[1] ?? 8)));
    console.log(`BIG ${JSON.stringify({ ms: performance.now() - started, saved, rss: status('VmHWM') })}`);
    return;
  }
  const baseline = status('VmRSS');
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // the peak then includes start-up, which only overstates it
  }
  const t0 = performance.now();
  const model = loadModel(join(dir, 'big.onnx'));
  const t1 = performance.now();
  const { results } = runPasses(model, parsePassList('fold-bn,dce'));
  const t2 = performance.now();
  const saved = saveModel(join(dir, 'big-out.onnx'), model);
  const t3 = performance.now();
  const peak = status('VmHWM');
  const out = loadModel(join(dir, 'big-out.onnx'));
  const ops = out.graph.nodes.map((node) => node.opType);
  const weights = [...out.graph.initializers.keys()];
  const chain = weights.filter((name) => /^w\d+$/.test(name));
  const untouched = chain.every((name) => {
    const tensor = out.graph.initializers.get(name)?.constValue;
    return tensor !== null && tensor !== undefined && sameSamples(tensor, 1 + Number(name.slice(1)));
  });
  // The head Conv reads x; after fold-bn its weight input is the folded weights (whatever the pass named them).
  const head = out.graph.nodes.find((node) => node.opType === 'Conv' && node.inputs[0]?.name === 'x');
  const folded = head?.inputs[1]?.constValue ?? null;
  const result = {
    loadMs: t1 - t0,
    passesMs: t2 - t1,
    saveMs: t3 - t2,
    baselineRss: baseline,
    peakRss: peak,
    saved,
    modelFileBytes: statSync(join(dir, 'big-out.onnx')).size,
    passes: results.map((r) => `${r.pass}: ${r.modified ? 'modified' : 'unchanged'} (${r.notes[0] ?? ''})`),
    batchNormGone: !ops.includes('BatchNormalization'),
    deadGone: !weights.includes('w_dead') && ops.filter((op) => op === 'Conv').length === chain.length + 1,
    untouchedIdentical: untouched,
    foldMaxAbsError: folded === null ? null : foldError(folded),
  };
  console.log(`BIG ${JSON.stringify(result)}`);
}

function child(kind: string, args: readonly string[]): Record<string, unknown> {
  const script = fileURLToPath(new URL('./io.ts', import.meta.url));
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, '--io-child', kind, ...args], {
    encoding: 'utf8',
    maxBuffer: 16 * MIB,
  });
  const line = result.stdout.split('\n').find((text) => text.startsWith('BIG '));
  if (result.status !== 0 || line === undefined)
    throw new Error(`${kind} child failed: ${result.stderr.trim() || result.stdout.trim()}`);
  return JSON.parse(line.slice('BIG '.length)) as Record<string, unknown>;
}

/** Parent side: generates, transforms and checks the big model in `dir`, prints figures and the goal line. */
export function runBigBenchmark(dir: string, gib: number): void {
  const chain = Math.max(1, Math.ceil((gib * 1024 * MIB - CHANNELS * HEAD_CHANNELS * 4 - BIG_BYTES) / BIG_BYTES));
  const total = CHANNELS * HEAD_CHANNELS * 4 + (chain + 1) * BIG_BYTES;
  console.log(`\n>2 GiB model: ${chain + 1} weights of 256 MiB + one of 32 MiB = ${(total / 2 ** 30).toFixed(2)} GiB`);
  try {
    const generated = child('big-generate', [dir, String(chain)]);
    const ms = (value: unknown): string => `${Number(value).toFixed(0)} ms`;
    console.log(`  generated in ${ms(generated.ms)} (streamed from generators): ${JSON.stringify(generated.saved)}`);
    const result = child('big-transform', [dir]);
    const over = Number(result.peakRss) - Number(result.baselineRss);
    const saved = result.saved as { length: number; automaticExternalData: boolean; externalData?: { length: number } };
    console.log(`  load ${ms(result.loadMs)}, fold-bn+dce ${ms(result.passesMs)}, save ${ms(result.saveMs)}`);
    console.log(`  passes: ${(result.passes as string[]).join('; ')}`);
    console.log(
      `  written: model ${saved.length} bytes + external data ${saved.externalData?.length ?? 0} bytes ` +
        `(external data chosen automatically: ${saved.automaticExternalData})`,
    );
    console.log(`  peak RSS over baseline ${(over / MIB).toFixed(0)} MiB = ${(over / total).toFixed(3)}× the model`);
    const checks = [
      `BatchNormalization gone ${String(result.batchNormGone)}`,
      `dead branch gone ${String(result.deadGone)}`,
      `untouched weights identical ${String(result.untouchedIdentical)}`,
      `folded weights max |error| ${String(result.foldMaxAbsError)}`,
    ];
    console.log(`  checks: ${checks.join(', ')}`);
    figure('bigModelBytes', total, 'bytes');
    figure('bigLoadMs', Number(result.loadMs), 'ms');
    figure('bigPassesMs', Number(result.passesMs), 'ms');
    figure('bigSaveMs', Number(result.saveMs), 'ms');
    figure('bigPeakOverBaseline', over / total, '× model');
    const ok =
      result.batchNormGone === true &&
      result.deadGone === true &&
      result.untouchedIdentical === true &&
      result.foldMaxAbsError === 0 &&
      saved.automaticExternalData &&
      Number(result.modelFileBytes) < MAX_PROTOBUF_BYTES;
    goal('io-over-2GiB transform (load → fold-bn,dce → save with external data)', ok ? total / 2 ** 30 : null, 2, {
      unit: ' GiB',
      ...(ok ? {} : { note: 'a check failed (see above)' }),
    });
  } catch (error) {
    console.log(`  failed: ${error instanceof Error ? error.message : String(error)}`);
    goal('io-over-2GiB transform (load → fold-bn,dce → save with external data)', null, 2, {
      unit: ' GiB',
      note: 'failed',
    });
  } finally {
    for (const name of ['big.onnx', 'big.onnx.data', 'big-out.onnx', 'big-out.onnx.data'])
      rmSync(join(dir, name), { force: true });
  }
}
