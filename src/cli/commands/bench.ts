/**
 * `sppkit bench <name>... [--json report.json] [--svg [FILE|DIR/]]`: runs the benchmarks of a source checkout
 * (bench/*.ts, through tsx), which print figures and ratios measured side by side in one process and one `GOAL` line
 * per goal. With `--json`, every figure, table and goal of every benchmark run goes to one file; with `--svg`, each
 * benchmark's figures are also drawn as bar charts (ratios against the peer, goal lines), derived from that same
 * data; `--from report.json` draws the charts of an earlier run instead of running. Published packages ship no
 * benchmarks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SppkitError } from '../../ir/errors.js';
import { FailedError, parse, str, UsageError, writeOutputFile } from '../args.js';
import { benchSvg } from './bench-charts.js';
import { readBenchReport, type BenchReport } from './bench-report.js';

const BENCHES: Readonly<Record<string, string>> = {
  spp: 'dynamic vs static sppAdaptive vs PyTorch exports, onnxruntime CPU',
  ops: 'reference kernels vs onnxruntime CPU (1 thread): MaxPool, SPPF chain, Conv 1×1',
  transform: 'PyTorch SPP export vs its spp-to-sppf (+ separable-pool) rewrite, onnxruntime CPU 1 and 2 threads',
  backends: 'session create and median run of SPPF 512 and dynamic sppAdaptive on every available backend',
  io: 'decode/encode and load/save of a 42 MB model vs Python onnx, peak memory, a >2 GB model transformed',
  real: 'reference vs onnxruntime CPU (1 thread) on the real networks of golden/real, with per-op profiles',
  passes: 'the default pass list on each real model of golden/real: onnxruntime CPU before and after, node counts',
};

/** `sppkit bench --help`. */
export const BENCH_HELP = `usage: sppkit bench <name>... [--json report.json] [--svg [FILE.svg|DIR/]] [-- bench options]
       sppkit bench [<name>...] --from report.json --svg [FILE.svg|DIR/]
  runs benchmarks from a source checkout; each prints figures and ratios side by side in one process, and one
  line per goal: GOAL <name>: <value> (target <target>) PASS|MISS
  --json FILE   also write every figure, timing table and goal of the benchmarks run to FILE (JSON)
  --svg [PATH]  also draw each benchmark's figures as bar charts (ratios against the peer, goal lines), one SVG per
                benchmark: PATH.svg (with several benchmarks, PATH-<name>.svg), DIR/<name>.svg, or
                bench-<name>.svg in the current folder when no path is given
  --from FILE   draw the charts of an earlier --json report instead of running (with --svg)
${Object.entries(BENCHES)
  .map(([name, what]) => `  ${name.padEnd(10)} ${what}`)
  .join('\n')}`;

/** The repository root when running from a checkout (src/ or dist/ under it). */
function checkoutRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/** The `benches` array and `host` of a report written by bench/harness.ts (empty when missing or unreadable). */
function benchesOf(path: string): { benches: unknown[]; host: unknown } {
  if (!existsSync(path)) return { benches: [], host: undefined };
  try {
    const report: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof report === 'object' && report !== null && 'benches' in report && Array.isArray(report.benches))
      return { benches: report.benches as unknown[], host: 'host' in report ? report.host : undefined };
  } catch {
    // A benchmark that died while writing: its figures are lost, the exit status says so.
  }
  return { benches: [], host: undefined };
}

/**
 * `--svg` takes an optional value: the next argument is its value when it names an SVG file or a folder
 * (`x.svg`, `out/`, an existing folder); otherwise `--svg` stands alone. Returns argv with `--svg=VALUE`.
 */
function svgValueInline(argv: readonly string[]): string[] {
  const at = argv.indexOf('--svg');
  if (at < 0) return [...argv];
  const next = argv[at + 1];
  const isPath =
    next !== undefined &&
    !next.startsWith('-') &&
    (next.endsWith('.svg') || next.endsWith('/') || (existsSync(next) && statSync(next).isDirectory()));
  return [...argv.slice(0, at), `--svg=${isPath ? next : ''}`, ...argv.slice(at + (isPath ? 2 : 1))];
}

/** Where the chart of benchmark `name` goes for `--svg PATH` (`''`: no path given). */
export function svgPathFor(path: string, name: string, benchCount: number): string {
  if (path === '') return `bench-${name}.svg`;
  if (path.endsWith('/') || (existsSync(path) && statSync(path).isDirectory())) return join(path, `${name}.svg`);
  if (benchCount === 1) return path;
  const stem = extname(path) === '.svg' ? path.slice(0, -4) : path;
  return `${stem}-${name}.svg`;
}

/** Writes one SVG per benchmark of `report` that recorded something chartable; says what it wrote. */
function writeCharts(report: BenchReport, path: string, out: (line: string) => void): void {
  for (const bench of report.benches) {
    const svg = benchSvg(report, bench);
    if (svg === undefined) {
      out(`--svg: bench ${bench.name} recorded no tables or figures to chart`);
      continue;
    }
    const file = svgPathFor(path, bench.name, report.benches.length);
    writeOutputFile(file, svg);
    out(`wrote ${file}: the charts of bench ${bench.name}`);
  }
}

/** `--from FILE`: the report of an earlier run, restricted to `names` when given. */
function reportFrom(path: string, names: readonly string[]): BenchReport {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `bench --from: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const report = readBenchReport(json, path);
  if (names.length === 0) return report;
  const missing = names.filter((name) => !report.benches.some((b) => b.name === name));
  if (missing.length > 0)
    throw new UsageError(
      `bench --from: ${path} has no bench ${missing.join(', ')} ` +
        `(it has ${report.benches.map((b) => b.name).join(', ')})`,
    );
  return { ...report, benches: report.benches.filter((b) => names.includes(b.name)) };
}

/** `sppkit bench`. */
export function benchCommand(argv: readonly string[], out: (line: string) => void): number {
  const split = argv.indexOf('--');
  const own = split < 0 ? argv : argv.slice(0, split);
  const passThrough = split < 0 ? [] : argv.slice(split + 1);
  const { values, positionals } = parse(
    svgValueInline(own),
    { json: { type: 'string' }, svg: { type: 'string' }, from: { type: 'string' } },
    'bench',
  );
  if (values.help === true) {
    out(BENCH_HELP);
    return 0;
  }
  const jsonPath = str(values, 'json');
  const svgPath = str(values, 'svg');
  const fromPath = str(values, 'from');
  if (fromPath !== undefined) {
    if (svgPath === undefined) throw new UsageError('bench --from: give --svg [PATH] to draw its charts');
    if (jsonPath !== undefined) throw new UsageError('bench --from: --json writes a new run; not with --from');
    writeCharts(reportFrom(fromPath, positionals), svgPath, out);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`bench: which benchmark?\n\n${BENCH_HELP}`);
  const root = checkoutRoot();
  const scratch =
    jsonPath === undefined && svgPath === undefined ? undefined : mkdtempSync(join(tmpdir(), 'sppkit-bench-'));
  const benches: unknown[] = [];
  let host: unknown;
  try {
    for (const [index, name] of positionals.entries()) {
      if (BENCHES[name] === undefined)
        throw new UsageError(`bench: unknown benchmark '${name}' (known: ${Object.keys(BENCHES).join(', ')})`);
      const file = join(root, 'bench', `${name}.ts`);
      if (!existsSync(file))
        throw new UsageError(`bench: ${file} not found; benchmarks run from a source checkout of sppkit`);
      out(`=== bench ${name}: ${BENCHES[name]}`);
      const childJson = scratch === undefined ? undefined : join(scratch, `${index}-${name}.json`);
      const args = ['--import', 'tsx', file, ...passThrough, ...(childJson === undefined ? [] : ['--json', childJson])];
      const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
      if (childJson !== undefined) {
        const child = benchesOf(childJson);
        benches.push(...child.benches);
        host ??= child.host;
      }
      if (result.status !== 0)
        throw new FailedError(`bench ${name} exited with ${result.status ?? result.signal ?? '?'}`);
    }
  } finally {
    const report = { version: 1, generatedAt: new Date().toISOString(), host, benches };
    if (jsonPath !== undefined) {
      writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
      out(`wrote ${jsonPath}`);
    }
    if (svgPath !== undefined) chartsOfRun(report, svgPath, out);
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }
  return 0;
}

/** The charts of a finished (or failed) run: a report that does not read back is said, not thrown over the run's. */
function chartsOfRun(report: object, svgPath: string, out: (line: string) => void): void {
  try {
    writeCharts(readBenchReport(report, 'this run'), svgPath, out);
  } catch (error) {
    if (!(error instanceof SppkitError)) throw error;
    out(`--svg: ${error.message}`);
  }
}
