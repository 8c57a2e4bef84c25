/**
 * Session-create time and median run time of sppkit's two headline models on every available backend, side by
 * side in one run: SPPF 512→512 at 20×20 (seeded weights) and the dynamic sppAdaptive (levels 4,2,1, 256 channels)
 * fed 40×40. Each backend's output is compared with the reference's.
 *
 *   npx tsx bench/backends.ts [--backends ref,ort-cpu,...] [--repeat 20]
 */
import { sppAdaptive } from '../src/blocks/spp-adaptive.js';
import { prng } from '../src/blocks/weights.js';
import { defaultJobModel, referenceFirst } from '../src/cli/commands/build-model.js';
import { formatRuns, runOnBackends } from '../src/cli/validate.js';
import { GraphBuilder } from '../src/graph/builder.js';
import { DataType } from '../src/ir/dtype.js';
import type { Model } from '../src/ir/graph.js';
import { Tensor } from '../src/ir/tensor.js';
import { BACKEND_NAMES, type BackendName } from '../src/runtime/backend.js';
import { getBackend } from '../src/runtime/node/backends.js';
import { figure } from './harness.js';

function input(shape: readonly number[], seed: number): Tensor {
  const random = prng(seed);
  return Tensor.float32(
    shape,
    Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() * 2 - 1),
  );
}

function dynamicSpp(): Model {
  const b = new GraphBuilder();
  const x = b.input('x', DataType.FLOAT, ['N', 256, 'H', 'W']);
  b.output(sppAdaptive(b, x, { levels: [4, 2, 1], pool: 'max' }), 'y');
  return b.build();
}

/** Runs both models on `names` (the reference first) and prints one table per model. */
export async function benchBackends(
  names: readonly BackendName[],
  repeats: number,
  log: (line: string) => void = console.log,
): Promise<void> {
  const backends = referenceFirst(names).map(getBackend);
  const cases: { title: string; model: Model; x: Tensor }[] = [
    {
      title: 'SPPF 512→512, 20×20 (seeded weights)',
      model: defaultJobModel(),
      x: input([1, 512, 20, 20], 1),
    },
    {
      title: 'dynamic sppAdaptive 4,2,1 max, 256 channels, fed 40×40',
      model: dynamicSpp(),
      x: input([1, 256, 40, 40], 2),
    },
  ];
  for (const c of cases) {
    const { runs } = await runOnBackends(c.model, new Map([['x', c.x]]), backends, {
      repeats,
      atol: 1e-4,
      rtol: 1e-4,
      onProgress: (line) => console.error(`${c.title}: ${line}`),
    });
    log(`\n${c.title}`);
    log(formatRuns(runs));
    for (const run of runs) {
      // Recorded for --json and --svg; a skipped backend's times are null (drawn as n/a).
      const place = { case: c.title, series: run.backend };
      figure(`${c.title}: ${run.backend} session create`, run.loadMs, 'ms', { chart: 'session create', ...place });
      figure(`${c.title}: ${run.backend} median run`, run.medianMs, 'ms', { chart: 'median run', ...place });
    }
  }
}

const invoked = process.argv[1]?.endsWith('backends.ts') === true || process.argv[1]?.endsWith('main.ts') === true;
if (invoked) {
  const at = process.argv.indexOf('--backends');
  const list = at > 0 ? (process.argv[at + 1] ?? '').split(',') : [...BACKEND_NAMES];
  const names = list.map((name) => {
    const found = BACKEND_NAMES.find((b) => b === name);
    if (found === undefined) throw new Error(`unknown backend '${name}'`);
    return found;
  });
  const repeatAt = process.argv.indexOf('--repeat');
  await benchBackends(names, repeatAt > 0 ? Number(process.argv[repeatAt + 1]) : 10);
}
