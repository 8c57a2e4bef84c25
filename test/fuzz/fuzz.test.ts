/**
 * The fuzz harness as a regression test: a fixed, seeded sample of mutants, and every saved reproducer (sppkit's
 * own in fuzz/reproducers, the shared ones in ../shared/hostile, and the hostile catalogue) through every stage —
 * decode, check, infer, evaluate, passes, encode — in watched worker processes. Nothing may crash (an error that is
 * not an SppkitError), hang past the time limit, run out of memory or kill its process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { failureOf, runCampaign, seedsFrom, signatureOf, type Seed } from '../../fuzz/campaign.js';
import { WorkerPool } from '../../fuzz/engine.js';
import { hostileModels } from '../../fuzz/hostile.js';
import { defaultSeeds, formatCounts, REPRODUCERS } from '../../fuzz/main.js';
import { haveSharedGolden, SHARED_GOLDEN } from '../shared.js';

/** Mutants in the fixed sample, and its seed. */
const SAMPLE = 2000;
const SAMPLE_SEED = 20261130;
const LIMITS = { jobs: 2, timeoutMs: 5000, memoryMiB: 3072 };

function reproducers(): Seed[] {
  const own = readdirSync(REPRODUCERS)
    .filter((file) => file.endsWith('.onnx'))
    .map((file) => ({ name: `fuzz/reproducers/${file}`, bytes: readFileSync(join(REPRODUCERS, file)) }));
  const shared = haveSharedGolden('shared hostile reproducers')
    ? seedsFrom(join(SHARED_GOLDEN, '..', 'hostile'), Infinity)
    : [];
  const catalogue = hostileModels().map((model) => ({ name: model.name, bytes: model.bytes }));
  return [...own, ...shared, ...catalogue];
}

describe('fuzz: saved reproducers and the hostile catalogue', () => {
  const pool = new WorkerPool(LIMITS);
  afterAll(() => pool.close());
  it.each(reproducers().map((seed) => [seed.name, seed] as const))(
    '%s ends in a result or a typed error',
    async (_, seed) => {
      const failure = failureOf(await pool.run(seed.bytes));
      expect(failure === undefined ? 'clean' : `${signatureOf(failure)}\n${failure.detail}`).toBe('clean');
    },
  );
});

describe('fuzz: a fixed sample of mutants', () => {
  it(`${SAMPLE} seeded mutants (seed ${SAMPLE_SEED}) neither crash, hang nor run out of memory`, async () => {
    const seeds = defaultSeeds(64 * 1024);
    const { counts, findings } = await runCampaign({ ...LIMITS, count: SAMPLE, seed: SAMPLE_SEED, seeds });
    console.log(formatCounts(counts));
    const described = findings.map(
      (f) => `${f.signature} (seed ${f.seed}; ${f.how})\n${f.detail.split('\n').slice(0, 4).join('\n')}`,
    );
    expect(described).toEqual([]);
  }, 300_000);
});
