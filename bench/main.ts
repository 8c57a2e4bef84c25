/**
 * `npm run bench -- <name>... [--json report.json] [bench options]`: runs benchmarks (or all) in this process.
 * Each prints figures and ratios measured side by side, and a `GOAL` line per goal; `--json` writes every figure.
 */
import { beginBench } from './harness.js';

const BENCHES: Readonly<Record<string, string>> = {
  spp: './spp.js',
  ops: './ops.js',
  transform: './transform.js',
  backends: './backends.js',
  io: './io.js',
  passes: './passes.js',
  real: './real.js',
};

/** Benchmark names among the arguments; an option's value (`--json x`, `--threads 2`) is not a name. */
function benchNames(argv: readonly string[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg.startsWith('--')) {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--') && BENCHES[next] === undefined) i += 1;
      continue;
    }
    names.push(arg);
  }
  return names;
}

const wanted = benchNames(process.argv.slice(2));
const names = wanted.length === 0 ? Object.keys(BENCHES) : wanted;
for (const name of names) {
  const path = BENCHES[name];
  if (path === undefined) {
    console.error(`unknown benchmark '${name}' (known: ${Object.keys(BENCHES).join(', ')})`);
    process.exit(2);
  }
  console.log(`\n=== bench ${name} ===`);
  beginBench(name);
  try {
    await import(path);
  } catch (error) {
    console.error(`bench ${name}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
