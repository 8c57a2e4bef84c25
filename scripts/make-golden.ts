/**
 * Regenerates sppkit's own golden cases, with expected outputs computed by onnxruntime CPU — independent of
 * sppkit's reference kernels, which the tests then check against them:
 *   - test/golden/cases: every block of the catalogue at several sizes (odd, tiny, non-square), seeded weights and
 *     inputs, as layer cases (case.json + params);
 *   - test/golden/open-world: small real-shaped models (scripts/open-world-cases.ts), some with an op sppkit does
 *     not implement, in the ONNX backend-test layout with a case.json holding rtol and one atol per output.
 *
 *   npx tsx scripts/make-golden.ts                 (rewrites both folders)
 *   npx tsx scripts/make-golden.ts open-world      (only test/golden/open-world; `blocks` for the other)
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { catalog, type BlockOptions } from '../src/blocks/index.js';
import { prng, seededWeights } from '../src/blocks/weights.js';
import { saveModel, writeTensorFile } from '../src/export/io-node.js';
import { GraphBuilder } from '../src/graph/builder.js';
import { DataType } from '../src/ir/dtype.js';
import { ConfigError } from '../src/ir/errors.js';
import { Tensor } from '../src/ir/tensor.js';
import type { Backend } from '../src/runtime/backend.js';
import { getBackend } from '../src/runtime/node/backends.js';
import { openWorldCases } from './open-world-cases.js';

const OUT = resolve(import.meta.dirname, '..', 'test', 'golden', 'cases');
const OPEN_WORLD_OUT = resolve(import.meta.dirname, '..', 'test', 'golden', 'open-world');

/** Input sizes [N, C, H, W] tried for every block (a block that refuses a size is left out at that size). */
const SIZES: readonly (readonly [number, number, number, number])[] = [
  [1, 4, 13, 13],
  [2, 4, 7, 11],
  [1, 4, 1, 1],
  [1, 6, 5, 17],
  [1, 4, 24, 24],
];

/** Per-block options beyond the defaults (several configs for the blocks whose options matter most). */
const CONFIGS: Readonly<Record<string, readonly BlockOptions[]>> = {
  'spp-adaptive': [
    { levels: [4, 2, 1], pool: 'max' },
    { levels: [6, 3, 2, 1], pool: 'avg' },
  ],
  'ultralytics-spp': [{ outChannels: 6 }],
  sppf: [{ outChannels: 6 }],
};

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Writes test/golden/open-world: model.onnx, test_data_set_0/{input,output}_<i>.pb and case.json per case. */
async function makeOpenWorldCases(ort: Backend): Promise<void> {
  rmSync(OPEN_WORLD_OUT, { recursive: true, force: true });
  for (const item of openWorldCases()) {
    const dir = join(OPEN_WORLD_OUT, item.name);
    const data = join(dir, 'test_data_set_0');
    mkdirSync(data, { recursive: true });
    saveModel(join(dir, 'model.onnx'), item.model);
    const session = await ort.load(item.model);
    const outputs = await session.run(item.inputs);
    await session.dispose();
    const graph = item.model.graph;
    const inputs = graph.inputs.filter((v) => !graph.initializers.has(v.name));
    inputs.forEach((input, index) => {
      const tensor = item.inputs.get(input.name);
      if (tensor === undefined) throw new Error(`${item.name}: no data for input '${input.name}'`);
      writeTensorFile(join(data, `input_${index}.pb`), tensor, input.name);
    });
    graph.outputs.forEach((output, index) => {
      const tensor = outputs.get(output.name);
      if (tensor === undefined) throw new Error(`${item.name}: onnxruntime produced no '${output.name}'`);
      writeTensorFile(join(data, `output_${index}.pb`), tensor, output.name);
    });
    const caseJson = {
      name: item.name,
      description: item.description,
      opset: item.model.opset,
      unknown_ops: item.unknownOps,
      rtol: item.rtol,
      atol: item.atol,
      inputs: inputs.map((v, i) => ({ name: v.name, file: `test_data_set_0/input_${i}.pb` })),
      outputs: graph.outputs.map((v, i) => ({ name: v.name, file: `test_data_set_0/output_${i}.pb` })),
      generator: { script: 'scripts/make-golden.ts (scripts/open-world-cases.ts)', expected: 'onnxruntime-node CPU' },
    };
    writeFileSync(join(dir, 'case.json'), `${JSON.stringify(caseJson, null, 2)}\n`);
    console.error(`wrote ${item.name}`);
  }
}

async function main(): Promise<void> {
  const ort = getBackend('ort-cpu');
  const availability = await ort.availability();
  if (!availability.available)
    throw new Error(`onnxruntime CPU is needed to make expected outputs: ${availability.reason}`);
  const only = process.argv[2];
  if (only !== undefined && only !== 'blocks' && only !== 'open-world')
    throw new Error(`which cases? 'blocks' or 'open-world' (or nothing for both), got '${only}'`);
  if (only !== 'blocks') await makeOpenWorldCases(ort);
  if (only !== 'open-world') await makeBlockCases(ort);
}

async function makeBlockCases(ort: Backend): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  let written = 0;
  let seed = 1;
  for (const entry of Object.values(catalog)) {
    for (const options of CONFIGS[entry.cliName] ?? [{}]) {
      for (const [n, c, h, w] of SIZES) {
        seed += 1;
        const variant = CONFIGS[entry.cliName] === undefined ? '' : `_${Object.values(options).flat().join('-')}`;
        const name = `${entry.cliName}${variant}_n${n}c${c}h${h}w${w}`;
        let configured;
        const b = new GraphBuilder({ name });
        const x = b.input('x', DataType.FLOAT, [n, c, h, w]);
        let weights;
        try {
          configured = entry.configure(options, c);
          weights = seededWeights(configured.params, seed);
          b.output(configured.build(b, x, weights), 'y');
        } catch (error) {
          if (error instanceof ConfigError) {
            console.error(`skip ${name}: ${error.message}`);
            continue;
          }
          throw error;
        }
        const model = b.build();
        const random = prng(seed * 7919);
        // Stochastic pooling is defined for non-negative activations (it follows a ReLU): feed ReLU(normal).
        const nonNegative = entry.cliName === 'stochastic-pool';
        const input = Tensor.float32(
          [n, c, h, w],
          Array.from({ length: n * c * h * w }, () => (nonNegative ? Math.max(0, gaussian(random)) : gaussian(random))),
        );
        const session = await ort.load(model);
        const y = (await session.run(new Map([['x', input]]))).get('y');
        await session.dispose();
        if (y === undefined) throw new Error(`${name}: onnxruntime produced no output`);
        const dir = join(OUT, name);
        mkdirSync(join(dir, 'params'), { recursive: true });
        writeTensorFile(join(dir, 'input_0.pb'), input, 'x');
        writeTensorFile(join(dir, 'output_0.pb'), y, 'y');
        for (const [param, tensor] of weights) writeTensorFile(join(dir, 'params', `${param}.pb`), tensor, param);
        const onlyMax =
          configured.params.length === 0 &&
          !JSON.stringify(options).includes('avg') &&
          !/avg|stochastic|pyramid|non-local/.test(entry.cliName);
        const tolerance = onlyMax
          ? { atol: 0, rtol: 0 }
          : configured.params.length > 0
            ? { atol: 1e-5, rtol: 1e-4 }
            : { atol: 1e-6, rtol: 1e-5 };
        const caseJson = {
          name,
          kind: entry.cliName,
          description: `${entry.summary}; input [${n}, ${c}, ${h}, ${w}]`,
          config: options,
          inputs: [{ name: 'x', file: 'input_0.pb', shape: [n, c, h, w], dtype: 'float32', layout: 'NCHW' }],
          params: configured.params.map((p) => ({
            name: p.name,
            file: `params/${p.name}.pb`,
            shape: p.shape,
            dtype: 'float32',
          })),
          outputs: [{ name: 'y', file: 'output_0.pb', shape: y.dims, dtype: 'float32' }],
          tolerance,
          generator: { script: 'scripts/make-golden.ts', seed, expected: 'onnxruntime-node CPU' },
        };
        writeFileSync(join(dir, 'case.json'), `${JSON.stringify(caseJson, null, 2)}\n`);
        written += 1;
        console.error(`wrote ${name}`);
      }
    }
  }
  console.log(`${written} cases in ${OUT}`);
}

await main();
