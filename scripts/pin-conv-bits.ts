/**
 * Writes test/ops/fixtures/conv-bits.json: the output bits (SHA-256 of the element bytes, plus the first elements)
 * of the real-shaped convolutions in test/ops/conv-bits-cases.ts, computed by the reference kernels of the
 * checkout it runs in. It was run ONCE, on the kernels before the issue-12 speed-up (commit recorded in the file),
 * so that test/ops/conv-bits.test.ts proves a faster kernel gives the same bits. Do not rerun it to make that
 * test pass: a mismatch means the kernel changed the numbers.
 *
 * It also writes test/ops/fixtures/real-bits.json: the same record for the reference's outputs of every network in
 * ../shared/golden/real that the reference could run at that commit (the others are listed with the reason).
 *
 *   npx tsx scripts/pin-conv-bits.ts [--commit <sha>]
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadModel, readTensorFile } from '../src/export/io-node.js';
import { evaluate } from '../src/runtime/reference.js';
import { BITS_CASES, pin, type PinnedBits } from '../test/ops/conv-bits-cases.js';

const at = process.argv.indexOf('--commit');
const commit = at >= 0 ? (process.argv[at + 1] ?? 'unknown') : 'unknown';
const out = resolve(import.meta.dirname, '..', 'test', 'ops', 'fixtures', 'conv-bits.json');
const cases = BITS_CASES.map((c) => pin(c.name, c.run()));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ generatedBy: 'scripts/pin-conv-bits.ts', kernelsOfCommit: commit, cases }, null, 2)}\n`,
);
console.log(`${cases.length} cases -> ${out}`);

const REAL = resolve(import.meta.dirname, '..', '..', 'shared', 'golden', 'real');
const real: { case: string; outputs?: PinnedBits[]; skipped?: string }[] = [];
for (const name of existsSync(REAL) ? readdirSync(REAL).sort() : []) {
  const dir = join(REAL, name);
  if (!existsSync(join(dir, 'model.onnx'))) continue;
  const model = loadModel(join(dir, 'model.onnx'), { lazy: false });
  const input = readTensorFile(join(dir, 'test_data_set_0', 'input_0.pb'));
  const inputName = model.graph.inputs[0]?.name ?? '';
  try {
    const results = evaluate(model, new Map([[inputName, input.tensor]]));
    real.push({ case: name, outputs: [...results].map(([output, tensor]) => pin(output, tensor)) });
  } catch (error) {
    real.push({ case: name, skipped: error instanceof Error ? error.message : String(error) });
  }
}
const realOut = resolve(dirname(out), 'real-bits.json');
writeFileSync(
  realOut,
  `${JSON.stringify({ generatedBy: 'scripts/pin-conv-bits.ts', kernelsOfCommit: commit, cases: real }, null, 2)}\n`,
);
console.log(`${real.filter((r) => r.outputs !== undefined).length} networks -> ${realOut}`);
