/**
 * Benchmark helpers: variants are timed round-robin in one process (so machine noise hits them alike), and
 * reported as medians with ratios against a baseline.
 */
import type { Tensor } from '../src/ir/tensor.js';
import type { Session } from '../src/runtime/backend.js';

/** One thing to time. */
export interface Variant {
  readonly name: string;
  readonly session: Session;
  readonly feeds: ReadonlyMap<string, Tensor>;
}

/** Timing of one variant. */
export interface Timing {
  readonly name: string;
  readonly medianMs: number;
  readonly p10Ms: number;
  readonly p90Ms: number;
  readonly runs: number;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** Times variants round-robin: `warmup` untimed rounds, then rounds until `minRuns` and `minMs` per variant. */
export async function timeVariants(
  variants: readonly Variant[],
  options: { warmup?: number; minRuns?: number; minMs?: number } = {},
): Promise<Timing[]> {
  const times = variants.map(() => [] as number[]);
  for (let round = 0; round < (options.warmup ?? 3); round += 1) for (const v of variants) await v.session.run(v.feeds);
  const minRuns = options.minRuns ?? 20;
  const minMs = options.minMs ?? 500;
  const started = performance.now();
  while (times.some((t) => t.length < minRuns) || performance.now() - started < minMs) {
    for (const [index, v] of variants.entries()) {
      const t0 = performance.now();
      await v.session.run(v.feeds);
      times[index]?.push(performance.now() - t0);
    }
    if ((times[0]?.length ?? 0) > 2000) break;
  }
  return variants.map((v, index) => {
    const sorted = [...(times[index] ?? [])].sort((a, b) => a - b);
    return {
      name: v.name,
      medianMs: quantile(sorted, 0.5),
      p10Ms: quantile(sorted, 0.1),
      p90Ms: quantile(sorted, 0.9),
      runs: sorted.length,
    };
  });
}

/** Prints timings as a table with each median's ratio to the baseline's. */
export function printTimings(title: string, timings: readonly Timing[], baseline: string): void {
  const base = timings.find((t) => t.name === baseline)?.medianMs ?? NaN;
  console.log(`\n${title}`);
  const width = Math.max(...timings.map((t) => t.name.length), 7);
  console.log(`  ${'variant'.padEnd(width)}  median ms   p10 ms   p90 ms   runs   ratio vs ${baseline}`);
  for (const t of timings) {
    console.log(
      `  ${t.name.padEnd(width)}  ${t.medianMs.toFixed(3).padStart(9)}  ${t.p10Ms.toFixed(3).padStart(7)}  ${t.p90Ms.toFixed(3).padStart(7)}  ${String(t.runs).padStart(5)}   ${(t.medianMs / base).toFixed(2)}×`,
    );
  }
}
