/**
 * `sppkit golden DIR... [--backends ref,ort-cpu] [--json report.json]`.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { runGolden, type CaseResult, type GoldenReport } from '../../golden/runner.js';
import { BACKEND_NAMES, type BackendName } from '../../runtime/backend.js';
import { getBackend } from '../../runtime/node/backends.js';
import { FailedError, parse, str, UsageError } from '../args.js';
import { table } from '../validate.js';

export const GOLDEN_HELP = `usage: sppkit golden <DIR>... [--backends ref,ort-cpu,...] [--json report.json] [--quiet]
  runs every golden case under the folders (ONNX backend-test layout, case.json layer cases) on each backend;
  prints a progress line per case, a table with a column per backend and a summary.
  A failure shows its max abs error and the tolerance it was held to: |got-want| <= atol + rtol*|want|, from the
  case's case.json (rtol, and atol for every output or one per output) or the default (1e-5 + 1e-3*|want| for
  floats, exact otherwise). A case without expected outputs is an error, never a pass.
  exit 0 when nothing failed; 1 on any fail or error; 2 on bad usage, which includes a folder that does not exist,
  cannot be searched (an unreadable entry, a symlink loop) or holds no case: then nothing is run.
  backends: ${BACKEND_NAMES.join(', ')} (default: ref,ort-cpu)`;

function parseBackends(text: string | undefined): BackendName[] {
  const names = (text ?? 'ref,ort-cpu')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return names.map((name) => {
    const found = BACKEND_NAMES.find((b) => b === name);
    if (found === undefined)
      throw new UsageError(`--backends: unknown backend '${name}' (known: ${BACKEND_NAMES.join(', ')})`);
    return found;
  });
}

/** A number for the table: 2 significant digits, `0` for zero. */
function short(value: number): string {
  return value === 0 ? '0' : value.toExponential(1);
}

function cell(result: CaseResult | undefined): string {
  if (result === undefined) return '';
  if (result.status === 'pass')
    return result.maxAbsErr === null || result.maxAbsErr === 0 ? 'pass' : `pass ${short(result.maxAbsErr)}`;
  if (result.status === 'fail' && result.maxAbsErr !== null) {
    const tolerance = result.tolerance;
    const allowed = tolerance === null ? '' : ` > ${short(tolerance.atol)}+${short(tolerance.rtol)}*|want|`;
    return `fail ${short(result.maxAbsErr)}${allowed}`;
  }
  return result.status;
}

/** The per-case table: one row per case, one column per backend. */
export function goldenTable(report: GoldenReport, backends: readonly BackendName[]): string {
  const byCase = new Map<string, Map<BackendName, CaseResult>>();
  for (const result of report.cases) {
    const row = byCase.get(result.case) ?? new Map<BackendName, CaseResult>();
    row.set(result.backend, result);
    byCase.set(result.case, row);
  }
  return table(
    ['case', ...backends],
    [...byCase].map(([name, row]) => [name, ...backends.map((b) => cell(row.get(b)))]),
  );
}

/** `sppkit golden`. */
export async function goldenCommand(
  argv: readonly string[],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { backends: { type: 'string' }, json: { type: 'string' }, quiet: { type: 'boolean' } },
    'golden',
  );
  if (values.help === true) {
    out(GOLDEN_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`golden: which folders?\n\n${GOLDEN_HELP}`);
  const missing = positionals.filter((dir) => !existsSync(dir));
  if (missing.length > 0) throw new UsageError(`golden: ${missing.map((d) => `'${d}'`).join(', ')} does not exist`);
  const names = parseBackends(str(values, 'backends'));
  const report = await runGolden(positionals, names.map(getBackend), {
    onResult: (result, done, total) => {
      if (values.quiet === true) return;
      const detail = result.status === 'pass' ? '' : ` — ${result.message}`;
      err(`[${done}/${total}] ${result.case} @ ${result.backend}: ${result.status}${detail}`);
    },
  });
  out(goldenTable(report, names));
  const perBackend = names.map((name) => {
    const mine = report.cases.filter((c) => c.backend === name);
    const count = (s: CaseResult['status']): number => mine.filter((c) => c.status === s).length;
    return [name, String(count('pass')), String(count('fail')), String(count('skip')), String(count('error'))];
  });
  out('');
  out(table(['backend', 'pass', 'fail', 'skip', 'error'], perBackend));
  const { pass, fail, skip, error } = report.summary;
  out(`\ngolden: ${pass} passed, ${fail} failed, ${skip} skipped, ${error} errors`);
  const json = str(values, 'json');
  if (json !== undefined) writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  if (fail + error > 0) throw new FailedError(`golden: ${fail} failed, ${error} errors`);
  return 0;
}
