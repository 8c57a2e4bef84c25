/**
 * `sppkit bench <name>...`: runs the benchmarks of a source checkout (bench/*.ts, through tsx), which print figures
 * and ratios measured side by side in one process. Published packages ship no benchmarks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FailedError, parse, UsageError } from '../args.js';

const BENCHES: Readonly<Record<string, string>> = {
  spp: 'dynamic vs static sppAdaptive vs PyTorch exports, onnxruntime CPU',
  ops: 'reference kernels vs onnxruntime CPU (1 thread): MaxPool, SPPF chain, Conv 1×1',
  transform: 'PyTorch SPP export vs its spp-to-sppf (+ separable-pool) rewrite, onnxruntime CPU 1 and 2 threads',
  backends: 'session create and median run of SPPF 512 and dynamic sppAdaptive on every available backend',
};

export const BENCH_HELP = `usage: sppkit bench <name>... [-- options for the benchmark]
  runs benchmarks from a source checkout; each prints figures and ratios side by side in one process
${Object.entries(BENCHES)
  .map(([name, what]) => `  ${name.padEnd(10)} ${what}`)
  .join('\n')}`;

/** The repository root when running from a checkout (src/ or dist/ under it). */
function checkoutRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/** `sppkit bench`. */
export function benchCommand(argv: readonly string[], out: (line: string) => void): number {
  const split = argv.indexOf('--');
  const own = split < 0 ? argv : argv.slice(0, split);
  const passThrough = split < 0 ? [] : argv.slice(split + 1);
  const { values, positionals } = parse(own, {}, 'bench');
  if (values.help === true) {
    out(BENCH_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`bench: which benchmark?\n\n${BENCH_HELP}`);
  const root = checkoutRoot();
  for (const name of positionals) {
    if (BENCHES[name] === undefined)
      throw new UsageError(`bench: unknown benchmark '${name}' (known: ${Object.keys(BENCHES).join(', ')})`);
    const file = join(root, 'bench', `${name}.ts`);
    if (!existsSync(file))
      throw new UsageError(`bench: ${file} not found; benchmarks run from a source checkout of sppkit`);
    out(`=== bench ${name}: ${BENCHES[name]}`);
    const result = spawnSync(process.execPath, ['--import', 'tsx', file, ...passThrough], {
      cwd: root,
      stdio: 'inherit',
    });
    if (result.status !== 0)
      throw new FailedError(`bench ${name} exited with ${result.status ?? result.signal ?? '?'}`);
  }
  return 0;
}
