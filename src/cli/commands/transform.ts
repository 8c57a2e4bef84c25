/**
 * `sppkit transform <in.onnx> -o <out.onnx> --passes a,b,c [--trace-size HxW] [--explain]`: reads any ONNX model,
 * runs passes on it and writes the result. Prints, per pass, whether it changed the model; `--explain` adds, per
 * rewrite rule, every site where it fired and every site where it was refused, with the reason (and, when nothing
 * matched, what the pass looked for and the nearest near-miss). `--trace-size` is the input size the model was
 * exported at, which adaptive-spp-dynamic needs to rewrite a dynamic export's frozen adaptive pooling.
 */
import { ConfigError } from '../../ir/errors.js';
import { runPasses, type PassRecord } from '../../transform/passes/pass.js';
import { parseTraceSize, type TraceSize } from '../../transform/frozen/sites.js';
import { DEFAULT_PASSES, PASS_ENTRIES, parsePassList, type PassEntry } from '../../transform/passes/registry.js';
import { helpLines, parse, str, UsageError } from '../args.js';
import { loadModel as readModelFile, saveModel as writeModelFile } from '../../export/io-node.js';

/** `sppkit transform --help`. */
export const TRANSFORM_HELP = `usage: sppkit transform <in.onnx> -o <out.onnx> --passes a,b,c [--trace-size HxW]
                        [--explain] [--json]
  runs the passes in order and writes the transformed model
  --passes LIST     comma-separated pass names; 'default' = ${DEFAULT_PASSES.join(',')}
  --trace-size HxW  the input size the model was exported (traced) at: adaptive-spp-dynamic needs it to rewrite
                    the adaptive pooling a dynamic (dynamo) export froze at that size
  --explain         print, per rewrite rule, where it fired and where it was refused (and why)
  --json            print the pass records as JSON
passes:
${PASS_ENTRIES.map(passHelp).join('\n')}`;

function passHelp(entry: PassEntry): string {
  if (entry.argument === undefined) return helpLines(`  ${entry.name.padEnd(24)} `, entry.summary);
  const form = entry.argumentForm ?? 'N';
  return helpLines(`  ${`${entry.name}=${form}`.padEnd(24)} `, `${entry.summary} (${form}: ${entry.argument})`);
}

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
      'trace-size': { type: 'string' },
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
    const traceText = str(values, 'trace-size');
    const traceSize: TraceSize | undefined = traceText === undefined ? undefined : parseTraceSize(traceText);
    passes = parsePassList(passList, traceSize === undefined ? {} : { traceSize });
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
