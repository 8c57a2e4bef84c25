/**
 * `sppkit bench <name>... [--json report.json]`: runs the benchmarks of a source checkout (bench/*.ts, through
 * tsx), which print figures and ratios measured side by side in one process and one `GOAL` line per goal. With
 * `--json`, every figure, table and goal of every benchmark run goes to one file. Published packages ship no
 * benchmarks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FailedError, parse, str, UsageError } from '../args.js';

const BENCHES: Readonly<Record<string, string>> = {
  spp: 'dynamic vs static sppAdaptive vs PyTorch exports, onnxruntime CPU',
  ops: 'reference kernels vs onnxruntime CPU (1 thread): MaxPool, SPPF chain, Conv 1×1',
  transform: 'PyTorch SPP export vs its spp-to-sppf (+ separable-pool) rewrite, onnxruntime CPU 1 and 2 threads',
  backends: 'session create and median run of SPPF 512 and dynamic sppAdaptive on every available backend',
  io: 'decode/encode and load/save of a 42 MB model vs Python onnx, peak memory, a >2 GB model transformed',
  real: 'reference vs onnxruntime CPU (1 thread) on the real networks of golden/real, with per-op profiles',
};

/** `sppkit bench --help`. */
export const BENCH_HELP = `usage: sppkit bench <name>... [--json report.json] [-- options for the benchmark]
  runs benchmarks from a source checkout; each prints figures and ratios side by side in one process, and one
  line per goal: GOAL <name>: <value> (target <target>) PASS|MISS
  --json FILE   also write every figure, timing table and goal of the benchmarks run to FILE (JSON)
${Object.entries(BENCHES)
  .map(([name, what]) => `  ${name.padEnd(10)} ${what}`)
  .join('\n')}`;

/** The repository root when running from a checkout (src/ or dist/ under it). */
function checkoutRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/** The `benches` array of a report written by bench/harness.ts (empty when the file is missing or unreadable). */
function benchesOf(path: string): unknown[] {
  if (!existsSync(path)) return [];
  try {
    const report: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof report === 'object' && report !== null && 'benches' in report && Array.isArray(report.benches))
      return report.benches as unknown[];
  } catch {
    // A benchmark that died while writing: its figures are lost, the exit status says so.
  }
  return [];
}

/** `sppkit bench`. */
export function benchCommand(argv: readonly string[], out: (line: string) => void): number {
  const split = argv.indexOf('--');
  const own = split < 0 ? argv : argv.slice(0, split);
  const passThrough = split < 0 ? [] : argv.slice(split + 1);
  const { values, positionals } = parse(own, { json: { type: 'string' } }, 'bench');
  if (values.help === true) {
    out(BENCH_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`bench: which benchmark?\n\n${BENCH_HELP}`);
  const jsonPath = str(values, 'json');
  const root = checkoutRoot();
  const scratch = jsonPath === undefined ? undefined : mkdtempSync(join(tmpdir(), 'sppkit-bench-'));
  const benches: unknown[] = [];
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
      if (childJson !== undefined) benches.push(...benchesOf(childJson));
      if (result.status !== 0)
        throw new FailedError(`bench ${name} exited with ${result.status ?? result.signal ?? '?'}`);
    }
  } finally {
    if (jsonPath !== undefined) {
      const report = { version: 1, generatedAt: new Date().toISOString(), benches };
      writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
      out(`wrote ${jsonPath}`);
    }
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }
  return 0;
}
