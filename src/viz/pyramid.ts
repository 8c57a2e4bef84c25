/**
 * The geometry of pyramid pictures: which input cells each bin of each level reads, taken from the blocks' own
 * planning functions (`adaptiveBin` / `planSppAdaptive`, `planSppPaper`, `planSppnetCompat`), and the levels a
 * block refuses, with its reason. The SPP/SPPF necks' receptive fields are in receptive.ts.
 *
 * Intervals are half-open row or column ranges `[start, end)`; a fixed-window level's intervals may reach into
 * the padding (start < 0 or end > size).
 */
import {
  adaptiveBin,
  planSppAdaptive,
  planSppnetCompat,
  planSppPaper,
  type FixedLevel,
  type SppAdaptiveConfig,
} from '../blocks/index.js';
import type { AxisPlan, LevelPlan } from '../blocks/spp-adaptive.js';
import { ConfigError, SppkitError } from '../ir/errors.js';

/** A half-open range of rows or columns. */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

/** Padding around the input grid, in cells, per side. */
export interface GridPadding {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

/** One level drawn as its bins: row intervals × column intervals. */
export interface BinsPanel {
  readonly kind: 'bins';
  /** `level 4: 4×4 bins`. */
  readonly title: string;
  /** How the windows are made and how sppkit lowers the level. */
  readonly notes: readonly string[];
  readonly height: number;
  readonly width: number;
  readonly padding: GridPadding;
  /** Bin i's rows (bin (i, j) covers rows[i] × cols[j]). */
  readonly rows: readonly Interval[];
  readonly cols: readonly Interval[];
  /** Input rows and columns that no window reads. */
  readonly uncoveredRows: readonly number[];
  readonly uncoveredCols: readonly number[];
}

/** A level the block refuses for this size, with the block's reason. */
export interface RefusedPanel {
  readonly kind: 'refused';
  readonly title: string;
  readonly reason: string;
}

/** The windows of one max-pool branch of a neck around one output cell (see receptive.ts). */
export interface FieldPanel {
  readonly kind: 'field';
  readonly title: string;
  readonly notes: readonly string[];
  readonly height: number;
  readonly width: number;
  readonly padding: GridPadding;
  /** The output cell whose inputs are shown. */
  readonly cell: { readonly row: number; readonly col: number };
  /** The window after each pool of the chain, innermost first; the last is the branch's receptive field. */
  readonly stages: readonly { readonly rows: Interval; readonly cols: Interval; readonly label: string }[];
}

/** One panel of a pyramid picture. */
export type PyramidPanel = BinsPanel | RefusedPanel | FieldPanel;

/** A whole picture: a heading, a line on the rule, how to read it, and the panels. */
export interface PyramidPicture {
  readonly heading: string;
  readonly rule: string;
  /** How to read the picture (colours, hatching). */
  readonly legend: readonly string[];
  readonly panels: readonly PyramidPanel[];
}

const NO_PADDING: GridPadding = { top: 0, left: 0, bottom: 0, right: 0 };

/** Indices in [0, size) that no interval contains. */
export function uncovered(intervals: readonly Interval[], size: number): number[] {
  const seen = new Array<boolean>(size).fill(false);
  for (const { start, end } of intervals)
    for (let k = Math.max(0, start); k < Math.min(size, end); k += 1) seen[k] = true;
  return seen.flatMap((covered, index) => (covered ? [] : [index]));
}

function describeAxisPlan(plan: AxisPlan, axis: 'rows' | 'cols', pool: 'max' | 'avg'): string {
  const op = pool === 'max' ? 'Max' : 'Average';
  switch (plan.kind) {
    case 'identity':
      return `${axis}: one cell per bin (nothing to reduce)`;
    case 'pool':
      return `${axis}: ${op}Pool, kernel = stride = ${plan.kernel}`;
    case 'slices':
      return `${axis}: ${plan.bins.length} Slices + Reduce${pool === 'max' ? 'Max' : 'Mean'}`;
    case 'dynamic':
      return `${axis}: Slices, bounds computed from Shape`;
  }
}

/** How sppkit computes a level (the planner's choice), in words. */
function describeLevelPlan(plan: LevelPlan | undefined, pool: 'max' | 'avg'): string[] {
  if (plan === undefined) return [];
  const op = pool === 'max' ? 'Max' : 'Average';
  switch (plan.kind) {
    case 'global':
      return [`lowered as Global${op}Pool`];
    case 'from-finer': {
      const k = plan.finer / plan.n;
      return [`lowered as a max over level ${plan.finer}'s bins in ${k}×${k} groups`];
    }
    case 'separable':
      if (plan.rows.kind === 'pool' && plan.cols.kind === 'pool')
        return [`lowered as ${op}Pool, kernel = stride = ${plan.rows.kernel}×${plan.cols.kernel}`];
      return [
        'lowered per axis:',
        describeAxisPlan(plan.rows, 'rows', pool),
        describeAxisPlan(plan.cols, 'cols', pool),
      ];
  }
}

function positiveLevel(block: string, n: number, index: number): string | undefined {
  return Number.isInteger(n) && n >= 1 ? undefined : `${block}: levels[${index}] must be a positive integer, got ${n}`;
}

function checkSize(height: number, width: number): void {
  for (const [name, size] of [
    ['height', height],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(size) || size < 1)
      throw new ConfigError(`pyramid picture: ${name} must be a positive integer, got ${size}`);
  }
}

/**
 * Panels of an adaptive pyramid (sppAdaptive, and PSPNet's pyramid pooling, whose branches are adaptive average
 * pools): level n, bin i covers `adaptiveBin(i, n, a)` on each axis. The lowering notes come from
 * `planSppAdaptive` (average pyramids whose levels are not plain pools use bin-mean matrices instead).
 */
export function adaptivePanels(
  config: SppAdaptiveConfig,
  height: number,
  width: number,
  block = 'sppAdaptive',
): PyramidPanel[] {
  checkSize(height, width);
  const problems = config.levels.flatMap((n, i) => positiveLevel(block, n, i) ?? []);
  if (problems.length > 0 || config.levels.length === 0) {
    return [{ kind: 'refused', title: 'levels', reason: problems[0] ?? `${block}: levels must not be empty` }];
  }
  // sppAdaptive plans the levels together (a max level may reuse a finer one; averages that are not plain pools
  // become bin-mean matrices); PSPNet's branches are separate adaptive pools, each planned as a level of its own.
  const together = block === 'sppAdaptive';
  const plans = planSppAdaptive(config, height, width);
  const plainPools = config.levels.every((n) => n === 1 || (height % n === 0 && width % n === 0));
  return config.levels.map((n, index) => {
    const rows = Array.from({ length: n }, (_, i) => adaptiveBin(i, n, height));
    const cols = Array.from({ length: n }, (_, j) => adaptiveBin(j, n, width));
    const lowering = !together
      ? describeLevelPlan(planSppAdaptive({ levels: [n], pool: config.pool }, height, width)[0], config.pool)
      : config.pool === 'avg' && !plainPools
        ? ['lowered as bin-mean matrices R·x·C (all levels at once)']
        : describeLevelPlan(plans[index], config.pool);
    return {
      kind: 'bins',
      title: `level ${n}: ${n}×${n} bins`,
      notes: [`bin i = [floor(i·a/${n}), ceil((i+1)·a/${n}))`, ...lowering],
      height,
      width,
      padding: NO_PADDING,
      rows,
      cols,
      uncoveredRows: uncovered(rows, height),
      uncoveredCols: uncovered(cols, width),
    };
  });
}

/** The windows of a fixed level on one axis: window i covers `[i·stride − pad, i·stride − pad + kernel)`. */
function fixedWindows(n: number, kernel: number, stride: number, pad: number): Interval[] {
  return Array.from({ length: n }, (_, i) => ({ start: i * stride - pad, end: i * stride - pad + kernel }));
}

/** A fixed-window level as a panel. */
function fixedPanel(level: FixedLevel, height: number, width: number): BinsPanel {
  const rows = fixedWindows(level.n, level.kernel[0], level.stride[0], level.pad[0]);
  const cols = fixedWindows(level.n, level.kernel[1], level.stride[1], level.pad[1]);
  const lastRow = rows[rows.length - 1]?.end ?? height;
  const lastCol = cols[cols.length - 1]?.end ?? width;
  const same =
    level.kernel[0] === level.kernel[1] && level.stride[0] === level.stride[1] && level.pad[0] === level.pad[1];
  const window = same
    ? `window ${level.kernel[0]}, stride ${level.stride[0]}, pad ${level.pad[0]}`
    : `window ${level.kernel.join('×')}, stride ${level.stride.join('×')}, pad ${level.pad.join('×')}`;
  return {
    kind: 'bins',
    title: `level ${level.n}: ${level.n}×${level.n} bins`,
    notes: [window],
    height,
    width,
    padding: {
      top: level.pad[0],
      left: level.pad[1],
      bottom: Math.max(0, lastRow - height),
      right: Math.max(0, lastCol - width),
    },
    rows,
    cols,
    uncoveredRows: uncovered(rows, height),
    uncoveredCols: uncovered(cols, width),
  };
}

/** Each level through `plan` on its own, so one refused level does not hide the others. */
function fixedPanels(
  levels: readonly number[],
  height: number,
  width: number,
  block: string,
  plan: (levels: readonly number[], height: number, width: number) => FixedLevel[],
): PyramidPanel[] {
  checkSize(height, width);
  if (levels.length === 0) return [{ kind: 'refused', title: 'levels', reason: `${block}: levels must not be empty` }];
  return levels.map((n, index): PyramidPanel => {
    const problem = positiveLevel(block, n, index);
    if (problem !== undefined) return { kind: 'refused', title: `level ${n}`, reason: problem };
    try {
      const [level] = plan([n], height, width);
      if (level === undefined) throw new ConfigError(`${block}: level ${n}: the planner returned nothing`);
      return fixedPanel(level, height, width);
    } catch (error) {
      if (!(error instanceof SppkitError)) throw error;
      return { kind: 'refused', title: `level ${n}: refused`, reason: error.message };
    }
  });
}

/** Panels of the SPP-net paper's rule (`planSppPaper`), refused levels included. */
export function paperPanels(levels: readonly number[], height: number, width: number): PyramidPanel[] {
  return fixedPanels(levels, height, width, 'sppPaper', planSppPaper);
}

/** Panels of the seed code's padded rule (`planSppnetCompat`), refused levels included. */
export function compatPanels(levels: readonly number[], height: number, width: number): PyramidPanel[] {
  return fixedPanels(levels, height, width, 'sppnetCompat', planSppnetCompat);
}
