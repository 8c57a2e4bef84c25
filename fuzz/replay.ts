/**
 * `npx tsx fuzz/replay.ts [FILE.onnx | DIR]... [--catalogue] [--timeout MS]`: runs saved models (default: every
 * reproducer — fuzz/reproducers, ../shared/hostile — and the hostile catalogue) through the stage pipeline in
 * watched workers and prints, per model, how each stage ended and how long the model took. Exit code 1 when any
 * crashed, hung or ran out of memory.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { failureOf, seedsFrom, signatureOf, type Seed } from './campaign.js';
import { WorkerPool } from './engine.js';
import { hostileModels } from './hostile.js';
import { REPRODUCERS } from './main.js';

const SHARED_HOSTILE = resolve(import.meta.dirname, '..', '..', 'shared', 'hostile');

function seedsOf(paths: readonly string[], catalogue: boolean): Seed[] {
  const seeds: Seed[] = [];
  const targets = paths.length === 0 ? [REPRODUCERS, SHARED_HOSTILE] : paths;
  for (const path of targets) {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory() === true)
      seeds.push(...seedsFrom(path, Number.MAX_SAFE_INTEGER));
    else seeds.push({ name: basename(path), bytes: readFileSync(path) });
  }
  if (catalogue || paths.length === 0) seeds.push(...hostileModels().map((m) => ({ name: m.name, bytes: m.bytes })));
  return seeds;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { catalogue: { type: 'boolean', default: false }, timeout: { type: 'string', default: '5000' } },
    allowPositionals: true,
  });
  const pool = new WorkerPool({ jobs: 2, timeoutMs: Number(values.timeout), memoryMiB: 3072 });
  let failures = 0;
  try {
    const seeds = seedsOf(positionals, values.catalogue === true);
    await Promise.all(
      seeds.map(async (seed) => {
        const started = Date.now();
        const verdict = await pool.run(seed.bytes);
        const ms = Date.now() - started;
        const failure = failureOf(verdict);
        if (failure !== undefined) failures += 1;
        const stages =
          verdict.kind === 'result'
            ? verdict.result
                .map(({ stage, result, cpuMs }) => {
                  const detail =
                    result.kind === 'refused' ? `:${result.code}` : result.kind === 'crash' ? ':CRASH' : '';
                  return `${stage}=${result.kind}${detail}(${cpuMs})`;
                })
                .join(' ')
            : verdict.kind;
        const line = `${failure === undefined ? 'ok  ' : 'FAIL'} ${String(ms).padStart(6)} ms  ${seed.name}  ${stages}`;
        console.log(
          failure === undefined
            ? line
            : `${line}\n      ${signatureOf(failure)}\n      ${failure.detail
                .split('\n')
                .slice(0, 6)
                .join('\n      ')}`,
        );
      }),
    );
  } finally {
    pool.close();
  }
  console.log(`${failures} failing model(s)`);
  return failures > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && /fuzz[/\\]replay\.ts$/.test(process.argv[1])) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    },
  );
}
