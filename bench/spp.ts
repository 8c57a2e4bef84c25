/**
 * sppAdaptive on onnxruntime CPU: the dynamic model (one file for any H×W) against the static form built for the
 * size, and against PyTorch's own export where it exists (golden/torch-export), at 16×16 and 13×13, 256 channels,
 * levels 4,2,1. Goal: dynamic within 1.5× of static.
 *
 *   npx tsx bench/spp.ts [--threads N]
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sppAdaptive } from '../src/blocks/spp-adaptive.js';
import { prng } from '../src/blocks/weights.js';
import { loadModel } from '../src/export/io-node.js';
import { GraphBuilder } from '../src/graph/builder.js';
import { DataType } from '../src/ir/dtype.js';
import type { Model } from '../src/ir/graph.js';
import { Tensor } from '../src/ir/tensor.js';
import { getBackend } from '../src/runtime/node/backends.js';
import { goal, printTimings, timeVariants, type Variant } from './harness.js';

const CHANNELS = 256;
const LEVELS = [4, 2, 1];
const EXPORTS = resolve(import.meta.dirname, '..', '..', 'shared', 'golden', 'torch-export');

function build(pool: 'max' | 'avg', height: number | string, width: number | string): Model {
  const b = new GraphBuilder();
  const x = b.input('x', DataType.FLOAT, [1, CHANNELS, height, width]);
  b.output(sppAdaptive(b, x, { levels: LEVELS, pool }), 'y');
  return b.build();
}

function input(h: number, w: number): Tensor {
  const random = prng(h * 100 + w);
  return Tensor.float32(
    [1, CHANNELS, h, w],
    Array.from({ length: CHANNELS * h * w }, () => random() * 2 - 1),
  );
}

async function main(): Promise<void> {
  const threadsArg = process.argv.indexOf('--threads');
  const threads = threadsArg > 0 ? Number(process.argv[threadsArg + 1]) : 1;
  const ort = getBackend('ort-cpu');
  const state = await ort.availability();
  if (!state.available) throw new Error(`ort-cpu unavailable: ${state.reason}`);
  console.log(
    `sppAdaptive levels ${LEVELS.join(',')}, ${CHANNELS} channels, onnxruntime-node CPU, ${threads} thread(s)`,
  );
  const dynamicOverStatic: number[] = [];
  for (const pool of ['max', 'avg'] as const) {
    const dynamic = build(pool, 'H', 'W');
    for (const size of [16, 13]) {
      const feeds = new Map([['x', input(size, size)]]);
      const variants: Variant[] = [
        { name: 'static (sppkit)', session: await ort.load(build(pool, size, size), { threads }), feeds },
        { name: 'dynamic (sppkit)', session: await ort.load(dynamic, { threads }), feeds },
      ];
      for (const exporter of ['torchscript', 'dynamo']) {
        for (const mode of ['static', 'dynamic']) {
          const file = join(
            EXPORTS,
            `torch2_adaptive_spp_${pool}_${exporter}_opset${exporter === 'dynamo' && pool === 'avg' ? 18 : 17}_${mode}_256c_${size}x${size}.onnx`,
          );
          if (existsSync(file))
            variants.push({
              name: `PyTorch ${exporter} ${mode} export`,
              session: await ort.load(loadModel(file), { threads }),
              feeds,
            });
        }
      }
      const timings = await timeVariants(variants);
      printTimings(`${pool} pooling, ${size}×${size}`, timings, 'static (sppkit)');
      const median = (name: string): number => timings.find((t) => t.name === name)?.medianMs ?? NaN;
      dynamicOverStatic.push(median('dynamic (sppkit)') / median('static (sppkit)'));
      for (const v of variants) await v.session.dispose();
    }
  }
  goal('spp dynamic within 1.5× of static (worst case)', Math.max(...dynamicOverStatic), 1.5, { direction: 'at-most' });
}

await main();
