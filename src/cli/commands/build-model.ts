/**
 * `npm run build-model` / `sppkit build-model`: the default job. Builds SPPF 512→512 at 20×20 with seeded weights,
 * checks it, runs it on the reference and on every other available backend, and prints a table with the largest
 * difference from the reference and the run times.
 */
import type { Model } from '../../ir/graph.js';
import { assertValidModel } from '../../transform/passes/check.js';
import { BACKEND_NAMES, type BackendName } from '../../runtime/backend.js';
import { getBackend } from '../../runtime/node/backends.js';
import { FailedError, int, makeFolderFor, parse, str, UsageError } from '../args.js';
import { saveModel as writeModelFile } from '../../export/io-node.js';
import { formatRuns, randomFeeds, runOnBackends } from '../validate.js';
import { buildModel, inputToOutput } from './build.js';

export const BUILD_MODEL_HELP =
  'usage: sppkit build-model [-o out/sppf_512x20x20.onnx] [--backends ref,ort-cpu,...] [--repeat 5]\n' +
  '  the default job: build SPPF 512->512 at 20x20 (seeded weights), check it, run it on every backend, print a table';

/** The default job's model, also benchmarked by bench/backends.ts: SPPF 512→512 at 20×20, seeded weights, opset 17. */
export function defaultJobModel(): Model {
  return buildModel({
    block: 'sppf',
    inChannels: 512,
    batch: 1,
    height: 20,
    width: 20,
    opset: 17,
    options: { outChannels: 512 },
    weightsPath: undefined,
    seed: 0,
  });
}

/** `names` with the reference first (added when absent): every other backend is compared with it. */
export function referenceFirst(names: readonly BackendName[]): BackendName[] {
  return ['ref', ...names.filter((n) => n !== 'ref')];
}

/** `sppkit build-model`. */
export async function buildModelCommand(
  argv: readonly string[],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const { values } = parse(
    argv,
    { output: { type: 'string', short: 'o' }, backends: { type: 'string' }, repeat: { type: 'string' } },
    'build-model',
  );
  if (values.help === true) {
    out(BUILD_MODEL_HELP);
    return 0;
  }
  const output = str(values, 'output') ?? 'out/sppf_512x20x20.onnx';
  const names = (str(values, 'backends') ?? BACKEND_NAMES.join(',')).split(',').map((name) => {
    const found = BACKEND_NAMES.find((b) => b === name.trim());
    if (found === undefined) throw new UsageError(`--backends: unknown backend '${name}'`);
    return found;
  });
  const backends = referenceFirst(names);
  const t0 = performance.now();
  err('building SPPF 512->512 at 20x20 with seeded weights ...');
  const model = defaultJobModel();
  makeFolderFor(output);
  const bytes = writeModelFile(output, model);
  assertValidModel(model);
  out(
    `model: ${output} (${(bytes.length / 1e6).toFixed(2)} MB, ${model.graph.nodes.length} nodes, ` +
      `${inputToOutput(model)}); checker: ok`,
  );
  const feeds = randomFeeds(model, 1, new Map());
  const { runs } = await runOnBackends(model, feeds, backends.map(getBackend), {
    repeats: int(values, 'repeat', 1, 1000) ?? 5,
    atol: 1e-4,
    rtol: 1e-4,
    onProgress: err,
  });
  out(formatRuns(runs));
  out(`total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const bad = runs.filter((r) => r.status === 'mismatch' || r.status === 'error');
  if (bad.length > 0) throw new FailedError(`build-model: ${bad.map((r) => `${r.backend} ${r.status}`).join(', ')}`);
  return 0;
}
