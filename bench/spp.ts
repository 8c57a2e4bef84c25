/**
 * sppAdaptive on onnxruntime CPU, the full matrix: pool (max, avg) × levels (4,2,1 and 6,3,2,1) × input size (13, 16,
 * 24, 40; 256 channels). Per case, side by side in one process: the static form built for that size, the one
 * dynamic model (built once per pool and levels, symbolic H×W, exact adaptive bins computed in the graph), and
 * PyTorch's own exports of that size where golden/torch-export has them (levels 4,2,1 only; PyTorch cannot export
 * non-divisible sizes). For max the dynamic model branches (an If) on whether H and W divide by the levels; for avg
 * that If is opt-in (its block branch is slower than the matrix form at small sizes), shown as an extra row. Ends
 * with a summary table and one line per goal of issue 12 (goal 3): the dynamic model
 * within 1.5× of the static form at every size, and never slower than PyTorch's static export.
 *
 *   npx tsx bench/spp.ts [--threads N] [--min-ms MS]
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sppAdaptive } from '../src/blocks/spp-adaptive.js';
import { prng } from '../src/blocks/weights.js';
import { loadModel } from '../src/export/io-node.js';
import { GraphBuilder } from '../src/graph/builder.js';
import { DataType } from '../src/ir/dtype.js';
import type { Model } from '../src/ir/graph.js';
import { Tensor } from '../src/ir/tensor.js';
import { getBackend } from '../src/runtime/node/backends.js';
import type { Session } from '../src/runtime/backend.js';
import { compareTensors } from '../src/runtime/compare.js';
import { goal, printTimings, timeVariants, type Timing, type Variant } from './harness.js';

const CHANNELS = 256;
const POOLS = ['max', 'avg'] as const;
const LEVEL_SETS: readonly (readonly number[])[] = [
  [4, 2, 1],
  [6, 3, 2, 1],
];
const SIZES = [13, 16, 24, 40];
/** The levels of golden/torch-export's AdaptiveSPP module. */
const EXPORTED_LEVELS = '4,2,1';
/** Goal: the dynamic model's median within this factor of the static form's. */
const STATIC_RATIO_GOAL = 1.5;
const EXPORTS = resolve(import.meta.dirname, '..', '..', 'shared', 'golden', 'torch-export');
const STATIC = 'static (sppkit)';
const DYNAMIC = 'dynamic (sppkit)';
/** Avg only: the dynamic model with the If on divisibility opted in (its block branch reduces with ReduceMean). */
const DYNAMIC_AVG_IF = 'dynamic, If opted in (avg)';

type Pool = (typeof POOLS)[number];

function build(
  pool: Pool,
  levels: readonly number[],
  height: number | string,
  width: number | string,
  divisibleBranch?: boolean,
): Model {
  const b = new GraphBuilder();
  const x = b.input('x', DataType.FLOAT, [1, CHANNELS, height, width]);
  b.output(sppAdaptive(b, x, { levels, pool, ...(divisibleBranch === undefined ? {} : { divisibleBranch }) }), 'y');
  return b.build();
}

function input(size: number): Tensor {
  const random = prng(size * 101);
  return Tensor.float32(
    [1, CHANNELS, size, size],
    Array.from({ length: CHANNELS * size * size }, () => random() * 2 - 1),
  );
}

/** PyTorch exports of AdaptiveSPP(pool) at size×size, 256 channels: `torch2_adaptive_spp_<pool>_<exporter>_...`. */
function torchExports(pool: Pool, size: number): { label: string; file: string; mode: string }[] {
  if (!existsSync(EXPORTS)) return [];
  const pattern = new RegExp(
    `^torch2_adaptive_spp_${pool}_(torchscript|dynamo)_opset\\d+_(static|dynamic)_${CHANNELS}c_${size}x${size}\\.onnx$`,
  );
  return readdirSync(EXPORTS)
    .sort()
    .flatMap((name) => {
      const match = pattern.exec(name);
      const exporter = match?.[1];
      const mode = match?.[2];
      return exporter === undefined || mode === undefined
        ? []
        : [{ label: `PyTorch ${exporter} ${mode} export`, file: join(EXPORTS, name), mode }];
    });
}

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  const value = index > 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

/** One row of the summary. */
interface Row {
  readonly pool: Pool;
  readonly levels: string;
  readonly size: number;
  readonly staticMs: number;
  readonly dynamicMs: number;
  /** The fastest PyTorch static export of this case, if any. */
  readonly torch?: Timing;
}

async function main(): Promise<void> {
  const threads = option('--threads', 1);
  const minMs = option('--min-ms', 1500);
  const ort = getBackend('ort-cpu');
  const state = await ort.availability();
  if (!state.available) throw new Error(`ort-cpu unavailable: ${state.reason}`);
  console.log(
    `sppAdaptive, ${CHANNELS} channels, onnxruntime-node CPU, ${threads} thread(s); median of round-robin runs`,
  );
  const rows: Row[] = [];
  for (const pool of POOLS) {
    for (const levels of LEVEL_SETS) {
      const dynamic = await ort.load(build(pool, levels, 'H', 'W'), { threads });
      const avgIf = pool === 'avg' ? await ort.load(build(pool, levels, 'H', 'W', true), { threads }) : undefined;
      for (const size of SIZES) {
        const feeds = new Map([['x', input(size)]]);
        const variants: Variant[] = [
          { name: STATIC, session: await ort.load(build(pool, levels, size, size), { threads }), feeds },
          { name: DYNAMIC, session: dynamic, feeds },
          ...(avgIf === undefined ? [] : [{ name: DYNAMIC_AVG_IF, session: avgIf, feeds }]),
        ];
        const exports = levels.join(',') === EXPORTED_LEVELS ? torchExports(pool, size) : [];
        for (const exported of exports)
          variants.push({
            name: exported.label,
            session: await ort.load(loadModel(exported.file), { threads }),
            feeds,
          });
        await checkSameOutput(pool, variants);
        const timings = await timeVariants(variants, { minMs });
        printTimings(`${pool} pooling, levels ${levels.join(',')}, ${size}×${size}`, timings, STATIC);
        const median = (name: string): number => timings.find((t) => t.name === name)?.medianMs ?? NaN;
        const torch = timings
          .filter((t) => exports.some((e) => e.label === t.name && e.mode === 'static'))
          .sort((a, b) => a.medianMs - b.medianMs)[0];
        rows.push({
          pool,
          levels: levels.join(','),
          size,
          staticMs: median(STATIC),
          dynamicMs: median(DYNAMIC),
          ...(torch === undefined ? {} : { torch }),
        });
        for (const v of variants) if (v.session !== dynamic && v.session !== avgIf) await v.session.dispose();
      }
      await dynamic.dispose();
      await avgIf?.dispose();
    }
  }
  printSummary(rows);
}

/** Warns when a variant's output differs from the static form's (max bit for bit, avg within float rounding). */
async function checkSameOutput(pool: Pool, variants: readonly Variant[]): Promise<void> {
  const run = async (session: Session, feeds: Variant['feeds']): Promise<Tensor | undefined> =>
    (await session.run(feeds)).get('y');
  const [reference, ...others] = variants;
  if (reference === undefined) return;
  const want = await run(reference.session, reference.feeds);
  for (const v of others) {
    const got = await run(v.session, v.feeds);
    const tolerance = pool === 'max' ? { atol: 0, rtol: 0 } : { atol: 1e-5, rtol: 1e-4 };
    const comparison = got === undefined || want === undefined ? undefined : compareTensors(got, want, tolerance);
    if (comparison?.ok !== true)
      console.warn(`WARNING: ${v.name} differs from ${reference.name}: ${comparison?.message}`);
  }
}

function printSummary(rows: readonly Row[]): void {
  const ms = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(3)).padStart(8);
  const times = (value: number | undefined): string => {
    const text = value === undefined ? '-' : `${value.toFixed(2)}×`;
    return text.padStart(8);
  };
  const vsStatic = (r: Row): number => r.dynamicMs / r.staticMs;
  const vsTorch = (r: Row): number | undefined => (r.torch === undefined ? undefined : r.dynamicMs / r.torch.medianMs);
  console.log('\nsummary (median ms; dynamic = one model for any H×W; PyTorch = its fastest static export)');
  console.log('  pool  levels    size    static   dynamic  dyn/stat   PyTorch   dyn/PyT');
  for (const r of rows) {
    const cells = [ms(r.staticMs), ms(r.dynamicMs), times(vsStatic(r)), ms(r.torch?.medianMs), times(vsTorch(r))];
    console.log(`  ${r.pool.padEnd(4)}  ${r.levels.padEnd(8)} ${String(r.size).padStart(5)}  ${cells.join('  ')}`);
  }
  const worst = [...rows].sort((a, b) => vsStatic(b) - vsStatic(a))[0];
  const within = rows.filter((r) => vsStatic(r) <= STATIC_RATIO_GOAL).length;
  const worstText =
    worst === undefined
      ? ''
      : ` (worst ${times(vsStatic(worst)).trim()}: ${worst.pool} ${worst.levels} ${worst.size}²)`;
  console.log(`\ndynamic within ${STATIC_RATIO_GOAL}× of static: met in ${within} of ${rows.length}${worstText}`);
  const compared = rows.filter((r) => r.torch !== undefined);
  const faster = compared.filter((r) => (vsTorch(r) ?? Infinity) <= 1).length;
  console.log(`dynamic never slower than PyTorch's static export: met in ${faster} of ${compared.length}`);
  goal(
    'spp dynamic within 1.5× of static (worst case)',
    worst === undefined ? null : vsStatic(worst),
    STATIC_RATIO_GOAL,
    {
      direction: 'at-most',
    },
  );
  const slowest = [...compared].sort((a, b) => (vsTorch(b) ?? 0) - (vsTorch(a) ?? 0))[0];
  goal(
    'spp dynamic vs PyTorch static export (worst case)',
    slowest === undefined ? null : (vsTorch(slowest) ?? null),
    1,
    {
      direction: 'at-most',
    },
  );
}

await main();
