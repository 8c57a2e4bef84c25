/**
 * Op benchmark: the reference kernels against onnxruntime-node CPU (1 intra-op thread), side by side in one
 * process, on the shapes an SPP neck runs: MaxPool k5 s1 p2 on [1,256,40,40]; the SPPF chain (three MaxPool
 * k5 + Concat) on [1,256,20,20]; a 1×1 Conv 512→256 on [1,512,20,20].
 * Run: `npx tsx bench/ops.ts [--min-ms 1500]`. Prints medians (ms) and the reference/ORT ratio per case.
 */
import { GraphBuilder } from '../src/graph/builder.js';
import { DataType } from '../src/ir/dtype.js';
import type { Model } from '../src/ir/graph.js';
import { Tensor } from '../src/ir/tensor.js';
import { getBackend } from '../src/runtime/node/backends.js';
import { referenceBackend } from '../src/runtime/reference.js';
import { goal, printTimings, timeVariants, type Variant } from './harness.js';

/** Deterministic pseudo-random floats in [-1, 1) (xorshift32), so runs are repeatable. */
function randomFloats(count: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = ((state >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

interface Case {
  readonly title: string;
  readonly model: Model;
  readonly input: Tensor;
  /** The goal for the reference's median over ORT's (README: SPPF chain 3×, Conv 1×1 10×), when there is one. */
  readonly goal?: { readonly name: string; readonly ratio: number };
}

const POOL5 = { kernelShape: [5, 5], strides: [1, 1], pads: [2, 2, 2, 2] } as const;

function maxPoolCase(): Case {
  const b = new GraphBuilder({ opset: 17 });
  const x = b.input('x', DataType.FLOAT, [1, 256, 40, 40]);
  b.output(b.maxPool(x, POOL5), 'y');
  return {
    title: 'MaxPool k5 s1 p2, [1,256,40,40]',
    model: b.build(),
    input: Tensor.float32([1, 256, 40, 40], randomFloats(256 * 1600, 1)),
  };
}

function sppfCase(): Case {
  const b = new GraphBuilder({ opset: 17 });
  const x = b.input('x', DataType.FLOAT, [1, 256, 20, 20]);
  const y1 = b.maxPool(x, POOL5);
  const y2 = b.maxPool(y1, POOL5);
  const y3 = b.maxPool(y2, POOL5);
  b.output(b.concat([x, y1, y2, y3], { axis: 1 }), 'y');
  return {
    title: 'SPPF chain (3× MaxPool k5 + Concat), [1,256,20,20]',
    goal: { name: 'ops SPPF chain reference / ORT', ratio: 3 },
    model: b.build(),
    input: Tensor.float32([1, 256, 20, 20], randomFloats(256 * 400, 2)),
  };
}

function convCase(): Case {
  const b = new GraphBuilder({ opset: 17 });
  const x = b.input('x', DataType.FLOAT, [1, 512, 20, 20]);
  const w = b.constant('w', Tensor.float32([256, 512, 1, 1], randomFloats(256 * 512, 3)));
  const bias = b.constant('b', Tensor.float32([256], randomFloats(256, 4)));
  b.output(b.conv(x, w, bias), 'y');
  return {
    title: 'Conv 1×1 512→256, [1,512,20,20]',
    goal: { name: 'ops Conv 1×1 reference / ORT', ratio: 10 },
    model: b.build(),
    input: Tensor.float32([1, 512, 20, 20], randomFloats(512 * 400, 5)),
  };
}

async function main(): Promise<void> {
  const minMsFlag = process.argv.indexOf('--min-ms');
  const minMs = minMsFlag >= 0 ? Number(process.argv[minMsFlag + 1]) : 1500;
  const ort = getBackend('ort-cpu');
  const availability = await ort.availability();
  if (!availability.available) console.warn(`ort-cpu unavailable (${availability.reason}): timing the reference alone`);
  const summary: string[] = [];
  for (const testCase of [maxPoolCase(), sppfCase(), convCase()]) {
    const feeds = new Map([['x', testCase.input]]);
    const variants: Variant[] = [{ name: 'ref', session: await referenceBackend.load(testCase.model), feeds }];
    if (availability.available)
      variants.push({ name: 'ort-cpu (1 thread)', session: await ort.load(testCase.model, { threads: 1 }), feeds });
    const timings = await timeVariants(variants, { warmup: 3, minRuns: 15, minMs });
    printTimings(testCase.title, timings, variants[variants.length - 1]?.name ?? 'ref');
    const [ref, base] = timings;
    if (ref !== undefined && base !== undefined)
      summary.push(
        `  ${testCase.title.padEnd(52)} ref ${ref.medianMs.toFixed(2).padStart(7)} ms` +
          `   ort ${base.medianMs.toFixed(2).padStart(6)} ms   ${(ref.medianMs / base.medianMs).toFixed(1)}×`,
      );
    if (testCase.goal !== undefined) {
      const ratio =
        ref !== undefined && base !== undefined && availability.available ? ref.medianMs / base.medianMs : null;
      goal(testCase.goal.name, ratio, testCase.goal.ratio, {
        direction: 'at-most',
        ...(ratio === null ? { note: 'ort-cpu unavailable' } : {}),
      });
    }
    for (const v of variants) await v.session.dispose();
  }
  console.log(`\nsummary (median of each, ref / ort-cpu 1 thread):\n${summary.join('\n')}`);
}

await main();
