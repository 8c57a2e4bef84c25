/**
 * A fuzzing campaign: seeds (golden models, the hostile catalogues, saved reproducers) are mutated with a seeded
 * random source, every mutant runs the stage pipeline in the watched worker pool, and outcomes are counted by stage.
 * The first mutant of each kind of failure (stage + crash/hang/oom/died + first line of the error) is minimized and
 * saved as a reproducer.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { WorkerPool, type PoolOptions, type Verdict } from './engine.js';
import { minimize } from './minimize.js';
import { mutate, Random } from './mutate.js';
import { STAGES, type Stage } from './stages.js';

/** A seed model. */
export interface Seed {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Outcome counts. */
export interface Counts {
  /** Mutants run. */
  mutants: number;
  /** Mutants with no crash, hang, out-of-memory or death in any stage. */
  clean: number;
  crash: number;
  hang: number;
  oom: number;
  died: number;
  /** Per stage: how often it succeeded, refused (SppkitError), crashed, was skipped, hung or ran out of memory. */
  readonly stages: Record<Stage, Record<'ok' | 'refused' | 'crash' | 'skipped' | 'hang' | 'oom' | 'died', number>>;
}

/** A kind of failure and its first mutant. */
export interface Finding {
  readonly signature: string;
  readonly stage: Stage | 'start';
  readonly kind: 'crash' | 'hang' | 'oom' | 'died';
  readonly detail: string;
  readonly seed: string;
  readonly how: string;
  readonly bytes: Uint8Array;
}

/** Options of a campaign. */
export interface CampaignOptions extends PoolOptions {
  readonly count: number;
  readonly seed: number;
  readonly seeds: readonly Seed[];
  /** Called every `progressEvery` mutants. */
  readonly onProgress?: (counts: Counts, elapsedMs: number) => void;
  readonly progressEvery?: number;
}

/** Empty counts. */
export function emptyCounts(): Counts {
  const stages = Object.fromEntries(
    STAGES.map((stage) => [stage, { ok: 0, refused: 0, crash: 0, skipped: 0, hang: 0, oom: 0, died: 0 }]),
  ) as Counts['stages'];
  return { mutants: 0, clean: 0, crash: 0, hang: 0, oom: 0, died: 0, stages };
}

/** The failure a verdict shows, if any (the first crashing stage, or the watchdog's verdict). */
export function failureOf(
  verdict: Verdict,
): { stage: Stage | 'start'; kind: Finding['kind']; detail: string } | undefined {
  if (verdict.kind === 'hang') return { stage: verdict.stage, kind: 'hang', detail: 'over the time limit' };
  if (verdict.kind === 'oom') return { stage: verdict.stage, kind: 'oom', detail: 'over the memory cap' };
  if (verdict.kind === 'died') return { stage: verdict.stage, kind: 'died', detail: verdict.detail };
  for (const { stage, result } of verdict.result)
    if (result.kind === 'crash') return { stage, kind: 'crash', detail: result.error };
  return undefined;
}

function record(counts: Counts, verdict: Verdict): void {
  counts.mutants += 1;
  if (verdict.kind === 'result') {
    for (const { stage, result } of verdict.result) counts.stages[stage][result.kind] += 1;
    const crashed = verdict.result.some(({ result }) => result.kind === 'crash');
    if (crashed) counts.crash += 1;
    else counts.clean += 1;
    return;
  }
  counts[verdict.kind] += 1;
  if (verdict.stage !== 'start') counts.stages[verdict.stage][verdict.kind] += 1;
}

/** A stable signature for a failure: stage, kind and the first line of the error without numbers. */
export function signatureOf(failure: { stage: string; kind: string; detail: string }): string {
  const firstLine = failure.detail.split('\n')[0] ?? '';
  const shape = firstLine.replace(/\d+(\.\d+)?(e[+-]?\d+)?/g, 'N').replace(/'[^']*'/g, "'…'");
  return `${failure.stage}|${failure.kind}|${shape}`;
}

/** Runs a campaign and returns its counts and the first mutant of each kind of failure. */
export async function runCampaign(options: CampaignOptions): Promise<{ counts: Counts; findings: Finding[] }> {
  if (options.seeds.length === 0) throw new Error('fuzz: no seed models');
  const pool = new WorkerPool(options);
  const random = new Random(options.seed);
  const counts = emptyCounts();
  const findings = new Map<string, Finding>();
  const started = Date.now();
  const every = options.progressEvery ?? 1000;
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (issued < options.count) {
      issued += 1;
      const seed = random.pick(options.seeds);
      const mutant = mutate(seed.bytes, random);
      const verdict = await pool.run(mutant.bytes);
      record(counts, verdict);
      const failure = failureOf(verdict);
      if (failure !== undefined) {
        const signature = signatureOf(failure);
        if (!findings.has(signature))
          findings.set(signature, { signature, ...failure, seed: seed.name, how: mutant.how, bytes: mutant.bytes });
      }
      if (counts.mutants % every === 0) options.onProgress?.(counts, Date.now() - started);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.jobs ?? 2 }, worker));
  } finally {
    pool.close();
  }
  return { counts, findings: [...findings.values()] };
}

/** Minimizes each finding and writes it to `dir` as `mut-<stage>-<kind>-<hash>.onnx` (with a `.txt` note). */
export async function saveFindings(findings: readonly Finding[], dir: string, options: PoolOptions): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const pool = new WorkerPool(options);
  const saved: string[] = [];
  try {
    for (const finding of findings) {
      const small = await minimize(
        finding.bytes,
        async (bytes) => {
          const failure = failureOf(await pool.run(bytes));
          return failure !== undefined && signatureOf(failure) === finding.signature;
        },
        finding.kind === 'crash' ? 400 : 24,
      );
      const hash = createHash('sha1').update(small).digest('hex').slice(0, 10);
      const file = join(dir, `mut-${finding.stage}-${finding.kind}-${hash}.onnx`);
      writeFileSync(file, small);
      writeFileSync(
        file.replace(/\.onnx$/, '.txt'),
        `${finding.signature}\nseed: ${finding.seed}\nmutation: ${finding.how}\n\n${finding.detail}\n`,
      );
      saved.push(file);
    }
  } finally {
    pool.close();
  }
  return saved;
}

/** `.onnx` files under `dir` (recursively) no larger than `maxBytes`, as seeds. */
export function seedsFrom(dir: string, maxBytes: number): Seed[] {
  if (!existsSync(dir)) return [];
  const out: Seed[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder).sort()) {
      const path = join(folder, entry);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (entry.endsWith('.onnx') && stat.size <= maxBytes)
        out.push({ name: `${basename(folder)}/${entry}`, bytes: readFileSync(path) });
    }
  };
  walk(dir);
  return out;
}
