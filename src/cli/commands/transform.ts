/**
 * `sppkit transform <in.onnx> -o <out.onnx> --passes a,b,c [--explain]`: reads any ONNX model, runs passes on it
 * and writes the result. Prints, per pass, whether it changed the model; `--explain` adds, per rewrite rule,
 * every site where it fired and every site where it was refused, with the reason.
 */
import { ConfigError } from '../../ir/errors.js';
import { runPasses, type PassRecord } from '../../transform/passes/pass.js';
import { DEFAULT_PASSES, PASS_ENTRIES, parsePassList } from '../../transform/passes/registry.js';
import { parse, str, UsageError } from '../args.js';
import { loadModel as readModelFile, saveModel as writeModelFile } from '../../export/io-node.js';

/** `sppkit transform --help`. */
export const TRANSFORM_HELP = `usage: sppkit transform <in.onnx> -o <out.onnx> --passes a,b,c [--explain] [--json]
  runs the passes in order and writes the transformed model
  --passes LIST   comma-separated pass names; 'default' = ${DEFAULT_PASSES.join(',')}
  --explain       print, per rewrite rule, where it fired and where it was refused (and why)
  --json          print the pass records as JSON
passes:
${PASS_ENTRIES.map((e) => `  ${(e.argument === undefined ? e.name : `${e.name}=N`).padEnd(22)} ${e.summary}${e.argument === undefined ? '' : ` (N: ${e.argument})`}`).join('\n')}`;

function summary(record: PassRecord): string {
  const first = record.notes[0] ?? '';
  return `${record.pass}: ${record.modified ? 'changed' : 'unchanged'}${first === '' ? '' : ` — ${first}`}`;
}

/** `sppkit transform`. */
export function transformCommand(argv: readonly string[], out: (line: string) => void): number {
  const { values, positionals } = parse(
    argv,
    {
      output: { type: 'string', short: 'o' },
      passes: { type: 'string' },
      explain: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    'transform',
  );
  if (values.help === true) {
    out(TRANSFORM_HELP);
    return 0;
  }
  const [input, ...extra] = positionals;
  if (input === undefined)
    throw new UsageError(`transform: which model? (sppkit transform <in.onnx> -o <out.onnx> --passes ...)`);
  if (extra.length > 0) throw new UsageError(`transform: unexpected arguments ${extra.join(' ')}`);
  const output = str(values, 'output');
  if (output === undefined) throw new UsageError('transform: -o <out.onnx> is required');
  const passList = str(values, 'passes');
  if (passList === undefined)
    throw new UsageError(
      `transform: --passes is required (e.g. --passes default, or ${PASS_ENTRIES.map((e) => e.name)
        .slice(3, 6)
        .join(',')})`,
    );
  let passes;
  try {
    passes = parsePassList(passList);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`transform: ${error.message}`);
    throw error;
  }
  const model = readModelFile(input);
  const { model: result, results } = runPasses(model, passes);
  const bytes = writeModelFile(output, result);
  if (values.json === true) {
    out(JSON.stringify({ input, output, bytes: bytes.length, passes: results }, null, 2));
    return 0;
  }
  for (const record of results) {
    out(summary(record));
    if (values.explain !== true) continue;
    if (record.events.length === 0) for (const note of record.notes.slice(1)) out(`    ${note}`);
    for (const event of record.events)
      out(`    ${event.kind === 'fired' ? 'fired  ' : 'refused'} ${event.where}\n            ${event.detail}`);
    if (record.events.length > 0) for (const note of record.notes.slice(1 + record.events.length)) out(`    ${note}`);
  }
  out(`wrote ${output} (${bytes.length} bytes, ${result.graph.nodes.length} nodes)`);
  return 0;
}
