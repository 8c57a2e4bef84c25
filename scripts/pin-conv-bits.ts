/**
 * Writes test/ops/fixtures/conv-bits.json: the output bits (SHA-256 of the element bytes, plus the first elements)
 * of the real-shaped convolutions in test/ops/conv-bits-cases.ts, computed by the reference kernels of the
 * checkout it runs in. It was run ONCE, on the kernels before the issue-12 speed-up (commit recorded in the file),
 * so that test/ops/conv-bits.test.ts proves a faster kernel gives the same bits. Do not rerun it to make that
 * test pass: a mismatch means the kernel changed the numbers.
 *
 *   npx tsx scripts/pin-conv-bits.ts [--commit <sha>]
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BITS_CASES, pin } from '../test/ops/conv-bits-cases.js';

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
