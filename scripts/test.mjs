// The README's test command: format check, typecheck, lint, then vitest; ends with a plain
// "N passed, N failed, N skipped" line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function step(command, args) {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  return result.status ?? 1;
}

const extra = process.argv.slice(2);
let status = step('npx', ['prettier', '--check', '--log-level', 'warn', '.']);
status ||= step('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
status ||= step('npx', [
  'eslint',
  '--no-error-on-unmatched-pattern',
  ...['src', 'test', 'scripts', 'bench', 'web', 'fuzz'].filter((dir) => existsSync(dir)),
]);
if (status !== 0) process.exit(status);
const report = join(mkdtempSync(join(tmpdir(), 'sppkit-test-')), 'vitest.json');
status = step('npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...extra,
]);
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = json.numPendingTests + json.numTodoTests;
  // A test file that fails to load fails no test, but fails the run: count it.
  const brokenFiles = json.testResults.filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
  );
  const failed = json.numFailedTests + brokenFiles.length;
  console.log(`\nTests: ${json.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
  if (json.numTotalTests === 0) status ||= 1;
} catch (error) {
  console.error(`could not read the vitest report: ${error.message}`);
  status ||= 1;
}
process.exit(status);
