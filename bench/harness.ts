/**
 * Benchmark helpers: variants are timed round-robin in one process (so machine noise hits them alike), and
 * reported as medians with ratios against a baseline. Every table, figure and goal is also recorded, and written
 * as JSON at exit when the process was started with `--json <file>`:
 *
 *   { "version": 1, "generatedAt": ..., "host": {...}, "benches": [{ "name",
 *     "tables": [{ "title", "baseline", "timings": [...] }], "figures": [...], "goals": [...] }] }
 *
 * A goal prints one line, `GOAL <name>: <value> (target <target>) PASS|MISS`.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { basename } from 'node:path';
import type {
  ReportBench,
  ReportFigure,
  ReportGoal,
  ReportTable,
  ReportTiming,
} from '../src/cli/commands/bench-report.js';
import type { Tensor } from '../src/ir/tensor.js';
import type { Session } from '../src/runtime/backend.js';

/** One thing to time. */
export interface Variant {
  readonly name: string;
  readonly session: Session;
  readonly feeds: ReadonlyMap<string, Tensor>;
}

/** Timing of one variant: the median the tables' ratios use, with its spread. */
export interface Timing extends ReportTiming {
  readonly medianMs: number;
  readonly p10Ms: number;
  readonly p90Ms: number;
  readonly runs: number;
}

/** A printed timing table. */
export interface TimingTable extends ReportTable {
  readonly timings: readonly Timing[];
}

/** A named measurement (a ratio, a size, a time), placed in a chart by `chart`, `case` and `series`. */
export type Figure = ReportFigure;

/** Where a figure goes in a chart: the chart's title, the group (case) and the bar (series). */
export interface ChartPlace {
  readonly chart: string;
  readonly case: string;
  readonly series: string;
}

/** Which way a goal's value must go. */
export type GoalDirection = ReportGoal['direction'];

/** A goal and whether this run met it; `note` says why a value is missing or what qualifies it. */
export interface GoalResult extends ReportGoal {
  readonly note?: string;
}

/** Everything one benchmark recorded (the report's `benches[]` entry, as it is being filled). */
export interface BenchRecord extends ReportBench {
  readonly tables: TimingTable[];
  readonly figures: Figure[];
  readonly goals: GoalResult[];
}

const records: BenchRecord[] = [];

/** Starts recording under `name` (bench/main.ts calls this before each benchmark it runs in-process). */
export function beginBench(name: string): BenchRecord {
  const record: BenchRecord = { name, tables: [], figures: [], goals: [] };
  records.push(record);
  return record;
}

function current(): BenchRecord {
  return records[records.length - 1] ?? beginBench(basename(process.argv[1] ?? 'bench', '.ts'));
}

/** Records a figure (and returns its value, for chaining); `place` puts it in a chart of grouped bars. */
export function figure<T extends number | string | null>(name: string, value: T, unit = '', place?: ChartPlace): T {
  current().figures.push({ name, value, unit, ...place });
  return value;
}

function formatValue(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit}`;
}

/**
 * Records a goal and prints `GOAL <name>: <value> (target ≥<target>) PASS|MISS`; `value` null means it could not
 * be measured (`note` says why), which is a MISS.
 */
export function goal(
  name: string,
  value: number | null,
  target: number,
  options: { direction?: GoalDirection; unit?: string; note?: string } = {},
): GoalResult {
  const direction = options.direction ?? 'at-least';
  const unit = options.unit ?? '×';
  const pass =
    value !== null && Number.isFinite(value) && (direction === 'at-least' ? value >= target : value <= target);
  const result: GoalResult = {
    name,
    value,
    target,
    direction,
    unit,
    pass,
    ...(options.note === undefined ? {} : { note: options.note }),
  };
  current().goals.push(result);
  const shown = value === null ? 'n/a' : formatValue(value, unit);
  const note = options.note === undefined ? '' : ` — ${options.note}`;
  const wanted = `${direction === 'at-least' ? '≥' : '≤'}${formatValue(target, unit)}`;
  console.log(`GOAL ${name}: ${shown} (target ${wanted}) ${pass ? 'PASS' : 'MISS'}${note}`);
  return result;
}

/** The `--json <file>` argument of this process, if any. */
export function jsonOutputPath(argv: readonly string[] = process.argv): string | undefined {
  const at = argv.indexOf('--json');
  const path = at >= 0 ? argv[at + 1] : undefined;
  return path === undefined || path.startsWith('--') ? undefined : path;
}

/** The JSON document of everything recorded so far. */
export function benchReport(): object {
  return {
    version: 1,
    generatedAt: new Date().toISOString(),
    host: { node: process.version, platform: process.platform, cpus: availableParallelism(), loadavg: loadavg() },
    benches: records,
  };
}

let exitHookInstalled = false;

/** Writes the JSON report at exit when `--json <file>` was given (installed once, on first use of the harness). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const path = jsonOutputPath();
  if (path === undefined) return;
  process.on('exit', () => {
    writeFileSync(path, `${JSON.stringify(benchReport(), null, 2)}\n`);
  });
}
installExitHook();

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** Median, p10 and p90 of a list of times. */
export function summarize(name: string, times: readonly number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    name,
    medianMs: quantile(sorted, 0.5),
    p10Ms: quantile(sorted, 0.1),
    p90Ms: quantile(sorted, 0.9),
    runs: sorted.length,
  };
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
  return variants.map((v, index) => summarize(v.name, times[index] ?? []));
}

/** Prints timings as a table with each median's ratio to the baseline's (and records the table). */
export function printTimings(title: string, timings: readonly Timing[], baseline: string): void {
  current().tables.push({ title, baseline, timings: [...timings] });
  const base = timings.find((t) => t.name === baseline)?.medianMs ?? NaN;
  console.log(`\n${title}`);
  const width = Math.max(...timings.map((t) => t.name.length), 7);
  console.log(`  ${'variant'.padEnd(width)}  median ms   p10 ms   p90 ms   runs   ratio vs ${baseline}`);
  for (const t of timings) {
    const columns = [
      t.medianMs.toFixed(3).padStart(9),
      t.p10Ms.toFixed(3).padStart(7),
      t.p90Ms.toFixed(3).padStart(7),
      String(t.runs).padStart(5),
    ];
    console.log(`  ${t.name.padEnd(width)}  ${columns.join('  ')}   ${(t.medianMs / base).toFixed(2)}×`);
  }
}
