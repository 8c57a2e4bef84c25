/**
 * Runs the sppkit command line in-process for tests: `main()` with its stdout and stderr captured, fresh temporary
 * folders, and a golden case whose expected output is wrong on purpose.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { writeTensorFile } from '../../src/export/io-node.js';
import { Tensor } from '../../src/ir/tensor.js';

/** What one CLI call wrote, one entry per call of its writers, and its exit code. */
export interface CliLines {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

/** What one CLI call wrote, each stream joined with newlines, and its exit code. */
export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `main(argv)` and keeps what it writes to stdout and stderr as the lines it was given. */
export async function runCliLines(argv: readonly string[]): Promise<CliLines> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    (line) => out.push(line),
    (line) => err.push(line),
  );
  return { code, out, err };
}

/** Runs `sppkit ...argv` in-process; stdout and stderr come back as text, lines joined with `\n`. */
export async function cli(...argv: string[]): Promise<CliResult> {
  const { code, out, err } = await runCliLines(argv);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A fresh folder under the system temp folder, named `sppkit-<prefix>-XXXXXX`. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `sppkit-${prefix}-`));
}

/**
 * Writes the golden case `root/name`: a global average pool of [1, 2, 3, 4] whose stored expected output is 2.75
 * where the mean is 2.5, so that the case fails by 0.25 against atol 1e-6. Returns the case folder.
 */
export function writeOffByQuarterCase(root: string, name: string): string {
  const caseDir = join(root, name);
  mkdirSync(caseDir);
  writeFileSync(
    join(caseDir, 'case.json'),
    JSON.stringify({
      name,
      kind: 'global_avg_pool',
      config: {},
      inputs: [{ name: 'x', file: 'input_0.pb', shape: [1, 1, 2, 2] }],
      outputs: [{ name: 'y', file: 'output_0.pb', shape: [1, 1, 1, 1] }],
      tolerance: { atol: 1e-6, rtol: 0 },
    }),
  );
  writeTensorFile(join(caseDir, 'input_0.pb'), Tensor.float32([1, 1, 2, 2], [1, 2, 3, 4]), 'x');
  writeTensorFile(join(caseDir, 'output_0.pb'), Tensor.float32([1, 1, 1, 1], [2.75]), 'y');
  return caseDir;
}
