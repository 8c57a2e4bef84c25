/**
 * `sppkit bench real`: the reference evaluator against onnxruntime CPU (1 intra-op thread) on the whole networks of
 * ../shared/golden/real (SqueezeNet 1.0, MobileNetV2/V3, YOLOv5n, YOLOv3-SPP, YOLOv5n-seg), timed round-robin in
 * one process. Per model: median ms of each and their ratio, whether the reference's outputs pass the case's
 * tolerance against the float64 PyTorch oracle, and where the reference's time goes (per-op shares, from the
 * evaluator's per-node timing hook, fastest of a few runs per node). A model the reference cannot run (an op it
 * does not implement yet) is listed with the reason. The goal line is the worst ratio over the models that ran.
 *
 *   npx tsx bench/real.ts [--model NAME] [--min-ms MS] [--runs N] [--profile-runs N] [--threads N]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, readTensorFile } from '../src/export/io-node.js';
import type { Model } from '../src/ir/graph.js';
import type { Tensor } from '../src/ir/tensor.js';
import { compareTensors } from '../src/runtime/compare.js';
import { getBackend } from '../src/runtime/node/backends.js';
import { evaluate, referenceBackend } from '../src/runtime/reference.js';
import { figure, goal, printTimings, timeVariants, type Variant } from './harness.js';

const REAL = resolve(fileURLToPath(new URL('../', import.meta.url)), '..', 'shared', 'golden', 'real');
/** The goal of issue 12: the reference within this factor of onnxruntime CPU (1 thread) on every real model. */
const TARGET = 8;

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

interface CaseJson {
  readonly rtol?: number;
  readonly atol?: number | readonly number[];
}

function feedsOf(dir: string, model: Model): Map<string, Tensor> {
  const feeds = new Map<string, Tensor>();
  const inputs = model.graph.inputs.filter((input) => !model.graph.initializers.has(input.name));
  inputs.forEach((input, i) =>
    feeds.set(input.name, readTensorFile(join(dir, 'test_data_set_0', `input_${i}.pb`)).tensor),
  );
  return feeds;
}

/** Checks the reference's outputs against the oracle under the case's tolerance; a line to print. */
function checkOutputs(dir: string, model: Model, got: ReadonlyMap<string, Tensor>): string {
  const json = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseJson;
  const results = model.graph.outputs.map((output, j) => {
    const want = readTensorFile(join(dir, 'test_data_set_0', `output_${j}.pb`)).tensor;
    const atol = typeof json.atol === 'number' ? json.atol : (json.atol?.[j] ?? 0);
    const tensor = got.get(output.name);
    if (tensor === undefined) return { ok: false, text: `${output.name}: missing` };
    const c = compareTensors(tensor, want, { atol, rtol: json.rtol ?? 0 });
    return { ok: c.ok, text: `${output.name} max abs err ${c.maxAbsErr.toExponential(2)} (atol ${atol})` };
  });
  const ok = results.every((r) => r.ok);
  return `reference outputs ${ok ? 'PASS' : 'FAIL'} the oracle: ${results.map((r) => r.text).join('; ')}`;
}

/** Per-op time shares of the reference: per node, the fastest of `runs` timed runs; summed by op type. */
function profile(model: Model, feeds: ReadonlyMap<string, Tensor>, runs: number): string[] {
  const best = new Map<object, { op: string; ms: number }>();
  for (let run = 0; run < runs; run += 1) {
    evaluate(model, feeds, {
      onNodeTimed: (node, ms) => {
        const seen = best.get(node);
        if (seen === undefined || ms < seen.ms) best.set(node, { op: node.opType, ms });
      },
    });
  }
  const byOp = new Map<string, { ms: number; nodes: number }>();
  for (const { op, ms } of best.values()) {
    const entry = byOp.get(op) ?? { ms: 0, nodes: 0 };
    byOp.set(op, { ms: entry.ms + ms, nodes: entry.nodes + 1 });
  }
  const total = [...byOp.values()].reduce((sum, e) => sum + e.ms, 0);
  const rows = [...byOp].sort((a, b) => b[1].ms - a[1].ms);
  return [
    `  reference per-op time (fastest of ${runs} runs per node, sum ${total.toFixed(1)} ms):`,
    ...rows
      .filter(([, e]) => e.ms >= total * 0.005)
      .map(
        ([op, e]) =>
          `    ${op.padEnd(20)} ${e.ms.toFixed(2).padStart(8)} ms  ${((100 * e.ms) / total).toFixed(1).padStart(5)}%` +
          `  (${e.nodes} nodes)`,
      ),
  ];
}

const only = option('model');
const minMs = Number(option('min-ms') ?? 3000);
const minRuns = Number(option('runs') ?? 10);
const profileRuns = Number(option('profile-runs') ?? 5);
const threads = Number(option('threads') ?? 1);
const ort = getBackend('ort-cpu');
const state = await ort.availability();
if (!existsSync(REAL)) {
  console.log(`SKIP bench real: ${REAL} is absent`);
  goal(`reference within ${TARGET}× of ORT CPU (worst model)`, null, TARGET, {
    direction: 'at-most',
    note: `${REAL} is absent`,
  });
} else {
  const ratios: { name: string; ratio: number }[] = [];
  const skipped: string[] = [];
  const names = readdirSync(REAL)
    .filter((name) => existsSync(join(REAL, name, 'model.onnx')))
    .filter((name) => only === undefined || name.includes(only))
    .sort();
  console.log(`reference vs onnxruntime-node CPU (${threads} thread(s)); ${names.length} models in ${REAL}`);
  for (const name of names) {
    const dir = join(REAL, name);
    const model = loadModel(join(dir, 'model.onnx'), { lazy: false });
    const feeds = feedsOf(dir, model);
    let outputs: Map<string, Tensor>;
    try {
      outputs = evaluate(model, feeds);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      console.log(`\n${name}: SKIP, the reference cannot run it: ${reason}`);
      const op = /op (\w+) is not implemented/.exec(reason)?.[1];
      skipped.push(`${name} (${op === undefined ? 'error' : `no ${op}`})`);
      continue;
    }
    const variants: Variant[] = [{ name: 'ref', session: await referenceBackend.load(model), feeds }];
    if (state.available) variants.push({ name: 'ort-cpu', session: await ort.load(model, { threads }), feeds });
    const timings = await timeVariants(variants, { warmup: 2, minRuns, minMs });
    printTimings(`${name}: reference vs ORT CPU (${threads} thread)`, timings, state.available ? 'ort-cpu' : 'ref');
    console.log(`  ${checkOutputs(dir, model, outputs)}`);
    const [ref, base] = timings;
    if (ref !== undefined && base !== undefined) {
      const ratio = ref.medianMs / base.medianMs;
      ratios.push({ name, ratio });
      figure(`${name} reference / ORT CPU`, ratio, '×');
      console.log(
        `  ${name}: ref ${ref.medianMs.toFixed(1)} ms, ORT ${base.medianMs.toFixed(2)} ms, ${ratio.toFixed(1)}×`,
      );
    }
    for (const line of profile(model, feeds, profileRuns)) console.log(line);
    for (const v of variants) await v.session.dispose();
  }
  const worst = ratios.reduce<{ name: string; ratio: number } | undefined>(
    (w, r) => (w === undefined || r.ratio > w.ratio ? r : w),
    undefined,
  );
  console.log(
    `\nsummary: ${ratios.map((r) => `${r.name} ${r.ratio.toFixed(1)}×`).join(', ') || 'no model ran on both'}` +
      (skipped.length > 0 ? `; not run on the reference: ${skipped.join(', ')}` : ''),
  );
  const notes = [
    ...(worst === undefined ? [] : [`worst: ${worst.name}`]),
    ...(state.available ? [] : [`ort-cpu unavailable: ${state.reason}`]),
    ...(skipped.length > 0 ? [`${skipped.length} model(s) not run`] : []),
  ];
  goal(`reference within ${TARGET}× of ORT CPU (worst model)`, worst?.ratio ?? null, TARGET, {
    direction: 'at-most',
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
  });
}
