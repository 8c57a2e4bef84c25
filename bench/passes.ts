/**
 * `sppkit bench passes`: does `--passes default` pay off on real models? For each model of ../shared/golden/real
 * (YOLOv5n, YOLOv3-SPP, YOLOv5n-seg, MobileNetV2/V3, SqueezeNet): onnxruntime CPU latency (1 thread) of the
 * original, of the model after `default`, and after each default pass alone, timed round-robin in one process;
 * sppkit's decode + passes + encode time; node counts by op before and after. A pass belongs in `default` only
 * where it is measured not slower; the goal line is the worst model's speed-up of `default` (1.0 = unchanged).
 *
 *   npx tsx bench/passes.ts [--threads N] [--min-ms MS] [--model NAME]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModel, encodeModel } from '../src/export/model.js';
import { readTensorFile } from '../src/export/io-node.js';
import type { Model } from '../src/ir/graph.js';
import type { Tensor } from '../src/ir/tensor.js';
import { getBackend } from '../src/runtime/node/backends.js';
import { DEFAULT_PASSES, parsePassList } from '../src/transform/passes/registry.js';
import { runPasses } from '../src/transform/passes/pass.js';
import { figure, goal, printTimings, timeVariants, type Variant } from './harness.js';

const REAL = resolve(fileURLToPath(new URL('../', import.meta.url)), '..', 'shared', 'golden', 'real');
/** "Not slower" allows this much measurement noise on a shared machine. */
const NOISE = 0.03;
/**
 * The goal compares the fastest decile (p10) of the round-robin runs: on a shared machine the median swings with
 * other processes' load, the fastest runs much less.
 */
const ROBUST = 'p10Ms';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

function opCounts(model: Model): Map<string, number> {
  const counts = new Map<string, number>();
  for (const node of model.graph.nodes) counts.set(node.opType, (counts.get(node.opType) ?? 0) + 1);
  return counts;
}

function countsDiff(before: Map<string, number>, after: Map<string, number>): string {
  const ops = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changed = ops.filter((op) => (before.get(op) ?? 0) !== (after.get(op) ?? 0));
  if (changed.length === 0) return 'no op count changed';
  return changed.map((op) => `${op} ${before.get(op) ?? 0}→${after.get(op) ?? 0}`).join(', ');
}

function feedsOf(dir: string, model: Model): Map<string, Tensor> {
  const feeds = new Map<string, Tensor>();
  const inputs = model.graph.inputs.filter((input) => !model.graph.initializers.has(input.name));
  inputs.forEach((input, i) =>
    feeds.set(input.name, readTensorFile(join(dir, 'test_data_set_0', `input_${i}.pb`)).tensor),
  );
  return feeds;
}

/** Applies `passes` to a fresh decode of `bytes`; the model, or why the passes failed. */
function transformed(bytes: Uint8Array, file: string, passes: string): { model: Model; ms: number } | string {
  const started = performance.now();
  try {
    const { model } = runPasses(decodeModel(bytes, file), parsePassList(passes));
    const encoded = encodeModel(model);
    const ms = performance.now() - started;
    return { model: decodeModel(encoded, `${file} (${passes})`), ms };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const threads = Number(option('threads') ?? 1);
const minMs = Number(option('min-ms') ?? 1500);
const only = option('model');
const ort = getBackend('ort-cpu');
const state = await ort.availability();
if (!state.available) throw new Error(`ort-cpu unavailable: ${state.reason}`);
if (!existsSync(REAL)) {
  console.log(`SKIP bench passes: ${REAL} is absent`);
} else {
  console.log(`default passes = ${DEFAULT_PASSES.join(',')}; onnxruntime-node CPU, ${threads} thread(s)`);
  const speedups: number[] = [];
  for (const name of readdirSync(REAL)
    .filter((entry) => existsSync(join(REAL, entry, 'model.onnx')))
    .sort()) {
    if (only !== undefined && name !== only) continue;
    const dir = join(REAL, name);
    const file = join(dir, 'model.onnx');
    const bytes = new Uint8Array(readFileSync(file));
    const original = decodeModel(bytes, file);
    const feeds = feedsOf(dir, original);
    const variants: Variant[] = [{ name: 'original', session: await ort.load(original, { threads }), feeds }];
    console.log(`\n${name}: ${original.graph.nodes.length} nodes`);
    for (const passes of ['default', ...DEFAULT_PASSES]) {
      const result = transformed(bytes, file, passes);
      if (typeof result === 'string') {
        console.log(`  ${passes}: FAILED: ${result}`);
        continue;
      }
      const diff = countsDiff(opCounts(original), opCounts(result.model));
      console.log(`  ${passes}: decode+passes+encode ${result.ms.toFixed(0)} ms; ${diff}`);
      figure(`${name} ${passes} decode+passes+encode`, Number(result.ms.toFixed(1)), 'ms');
      variants.push({ name: passes, session: await ort.load(result.model, { threads }), feeds });
    }
    const timings = await timeVariants(variants, { minMs, minRuns: 40 });
    printTimings(`${name}: onnxruntime CPU latency`, timings, 'original');
    const robust = (variant: string): number | undefined => timings.find((t) => t.name === variant)?.[ROBUST];
    const before = robust('original');
    const after = robust('default');
    if (before !== undefined && after !== undefined) {
      speedups.push(before / after);
      figure(`${name} default speed-up (p10)`, Number((before / after).toFixed(3)), '×');
    }
    for (const v of variants) await v.session.dispose();
  }
  goal(
    'default passes never slow a real model down (worst speed-up)',
    speedups.length > 0 ? Math.min(...speedups) : null,
    1 - NOISE,
  );
}
