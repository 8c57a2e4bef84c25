/**
 * `npm run fuzz -- --count N --seed S`: a mutation-fuzzing campaign over the golden models, the shared hostile
 * reproducers, sppkit's own hostile catalogue and the saved reproducers. Prints progress, a table of outcomes by
 * stage, and saves a minimized reproducer for each new kind of failure (default folder: fuzz/reproducers, which
 * `npm test` runs as regression tests). Exit code 1 when anything crashed, hung or ran out of memory.
 *
 * Options: --count N (default 1000), --seed S (default 1), --jobs J (default 2), --timeout MS (default 5000),
 * --memory MIB (default 3072), --out DIR, --no-save, --max-seed-bytes B (default 262144),
 * --write-hostile DIR (write the hostile catalogue as .onnx files and stop).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runCampaign, saveFindings, seedsFrom, type Counts, type Seed } from './campaign.js';
import { hostileModels } from './hostile.js';
import { STAGES } from './stages.js';

const ROOT = resolve(import.meta.dirname, '..');
const SHARED = resolve(ROOT, '..', 'shared');
/** Where saved reproducers live (npm test runs every file here). */
export const REPRODUCERS = join(ROOT, 'fuzz', 'reproducers');

/** The default seed corpus. */
export function defaultSeeds(maxSeedBytes: number): Seed[] {
  return [
    ...seedsFrom(join(SHARED, 'golden', 'onnx-node'), maxSeedBytes),
    ...seedsFrom(join(SHARED, 'golden', 'torch-export'), maxSeedBytes),
    ...seedsFrom(join(SHARED, 'hostile'), maxSeedBytes),
    ...seedsFrom(REPRODUCERS, maxSeedBytes),
    ...hostileModels()
      .filter((m) => m.bytes.length <= maxSeedBytes)
      .map((m) => ({ name: m.name, bytes: m.bytes })),
  ];
}

/** The outcome table. */
export function formatCounts(counts: Counts): string {
  const kinds = ['ok', 'refused', 'crash', 'skipped', 'hang', 'oom', 'died'] as const;
  const rows = STAGES.map((stage) => [stage, ...kinds.map((kind) => String(counts.stages[stage][kind]))]);
  const header = ['stage', ...kinds];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  return [
    line(header),
    ...rows.map(line),
    `mutants ${counts.mutants}: clean ${counts.clean}, crash ${counts.crash}, hang ${counts.hang}, ` +
      `out of memory ${counts.oom}, died ${counts.died}`,
  ].join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      jobs: { type: 'string', default: '2' },
      timeout: { type: 'string', default: '5000' },
      memory: { type: 'string', default: '3072' },
      out: { type: 'string', default: REPRODUCERS },
      'no-save': { type: 'boolean', default: false },
      'max-seed-bytes': { type: 'string', default: String(256 * 1024) },
      'write-hostile': { type: 'string' },
    },
  });
  const number = (name: string, text: string | undefined): number => {
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 0)
      throw new Error(`fuzz: --${name} must be a non-negative integer, got '${text}'`);
    return value;
  };
  if (values['write-hostile'] !== undefined) {
    mkdirSync(values['write-hostile'], { recursive: true });
    for (const model of hostileModels())
      writeFileSync(join(values['write-hostile'], `${model.name}.onnx`), model.bytes);
    console.log(`wrote ${hostileModels().length} hostile models to ${values['write-hostile']}`);
    return 0;
  }
  const pool = {
    jobs: number('jobs', values.jobs),
    timeoutMs: number('timeout', values.timeout),
    memoryMiB: number('memory', values.memory),
  };
  const seeds = defaultSeeds(number('max-seed-bytes', values['max-seed-bytes']));
  const count = number('count', values.count);
  console.log(
    `fuzz: ${count} mutants of ${seeds.length} seeds, seed ${values.seed}, ` +
      `${pool.jobs} job(s), ${pool.timeoutMs} ms limit`,
  );
  const { counts, findings } = await runCampaign({
    ...pool,
    count,
    seed: number('seed', values.seed),
    seeds,
    progressEvery: 1000,
    onProgress: (c, ms) =>
      console.log(
        `  ${c.mutants}/${count} (${Math.round((c.mutants / ms) * 1000)}/s): ` +
          `crash ${c.crash}, hang ${c.hang}, oom ${c.oom}, died ${c.died}`,
      ),
  });
  console.log(formatCounts(counts));
  for (const finding of findings) console.log(`finding: ${finding.signature} (seed ${finding.seed}; ${finding.how})`);
  if (findings.length > 0 && values['no-save'] !== true) {
    const saved = await saveFindings(findings, values.out, pool);
    for (const file of saved) console.log(`saved ${file}`);
  }
  return counts.crash + counts.hang + counts.oom + counts.died > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && /fuzz[/\\]main\.ts$/.test(process.argv[1])) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    },
  );
}
