/**
 * SPP-net with exact adaptive bins (PyTorch `adaptive_{max,avg}_pool2d` per level, flattened channel-major,
 * levels concatenated): level n, bin i covers `[floor(i*a/n), ceil((i+1)*a/n))` on an axis of size a.
 *
 * Lowering, per level and per axis, the cheapest exact form:
 *   - level 1                         → GlobalMaxPool / GlobalAveragePool
 *   - static and a % n == 0            → MaxPool / AveragePool with kernel = stride = a/n on that axis
 *   - static otherwise                → n Slices with constant bounds + ReduceMax/ReduceMean, concatenated
 *   - symbolic a                      → the same, with the bounds computed in the graph from Shape as int64
 *                                        vectors (once per level and axis), split into the n bins
 * Rows are reduced first, then columns (2n slices per level, not n²): max and mean over a rectangle factor per
 * axis. For max pooling, a level n that divides a finer level m is a max over groups of m/n fine bins (the union
 * of fine bins k·i … k·i+k−1 is exactly the coarse bin), so it is a MaxPool with kernel = stride = m/n on the
 * finer level's n×n result. This does not hold for averages (fine bins overlap).
 */
import type { GraphBuilder } from '../graph/builder.js';
import type { Dim } from '../ir/dim.js';
import { ConfigError } from '../ir/errors.js';
import { Tensor } from '../ir/tensor.js';
import type { Value } from '../ir/value.js';
import { adaptiveAvgPyramid } from './adaptive-avg.js';
import { nchw, positiveInt, type BlockDef } from './block.js';
import { blockMultiple, sidesDivisible, sppBlocks } from './spp-blocks.js';

/** `sppAdaptive` config. */
export interface SppAdaptiveConfig {
  /** Bins per side for each level, in output order (e.g. 4, 2, 1). */
  readonly levels: readonly number[];
  readonly pool: 'max' | 'avg';
  /**
   * For a symbolic H or W: branch at run time on whether the sides are multiples of the levels (an If whose `then`
   * branch reduces whole blocks, spp-blocks.ts) instead of always computing bin bounds. Default: on for max pooling;
   * off for average pooling, whose dynamic form stays the matrix products of adaptive-avg.ts (its block branch
   * reduces with ReduceMean, which onnxruntime runs slower than ReduceMax on that layout: see bench/spp.ts).
   */
  readonly divisibleBranch?: boolean;
}

/** The bounds of bin i of n on an axis of size a (PyTorch adaptive pooling). */
export function adaptiveBin(i: number, n: number, a: number): { start: number; end: number } {
  return { start: Math.floor((i * a) / n), end: Math.ceil(((i + 1) * a) / n) };
}

/** How one level reduces one axis. */
export type AxisPlan =
  | { readonly kind: 'identity' }
  | { readonly kind: 'pool'; readonly kernel: number }
  | { readonly kind: 'slices'; readonly bins: readonly { start: number; end: number }[] }
  | { readonly kind: 'dynamic' };

/** How one level is computed. */
export type LevelPlan =
  | { readonly kind: 'global'; readonly n: 1 }
  | { readonly kind: 'from-finer'; readonly n: number; readonly finer: number }
  | { readonly kind: 'separable'; readonly n: number; readonly rows: AxisPlan; readonly cols: AxisPlan };

/** Plans one axis of one level. */
export function planAxis(n: number, size: Dim): AxisPlan {
  if (typeof size !== 'number') return { kind: 'dynamic' };
  if (size === n) return { kind: 'identity' };
  if (size % n === 0) return { kind: 'pool', kernel: size / n };
  return { kind: 'slices', bins: Array.from({ length: n }, (_, i) => adaptiveBin(i, n, size)) };
}

/** Plans every level (in the order given); `finer` reuse is used for max pooling only. */
export function planSppAdaptive(config: SppAdaptiveConfig, height: Dim, width: Dim): LevelPlan[] {
  const computed: number[] = [];
  const order = [...config.levels].map((n, index) => ({ n, index })).sort((a, b) => b.n - a.n);
  const plans = new Array<LevelPlan>(config.levels.length);
  for (const { n, index } of order) {
    const finer = config.pool === 'max' ? computed.find((m) => m !== n && m % n === 0) : undefined;
    if (finer !== undefined) plans[index] = { kind: 'from-finer', n, finer };
    else if (n === 1) plans[index] = { kind: 'global', n: 1 };
    else plans[index] = { kind: 'separable', n, rows: planAxis(n, height), cols: planAxis(n, width) };
    computed.push(n);
  }
  return plans;
}

function checkConfig(config: SppAdaptiveConfig): void {
  if (config.levels.length === 0) throw new ConfigError('sppAdaptive: levels must not be empty');
  config.levels.forEach((n, i) => positiveInt('sppAdaptive', `levels[${i}]`, n));
  if (config.pool !== 'max' && config.pool !== 'avg')
    throw new ConfigError(`sppAdaptive: pool must be 'max' or 'avg', got ${JSON.stringify(config.pool)}`);
}

const int64 = (values: readonly number[]): Tensor => Tensor.int64([values.length], values);

/** Emits the reduction of one axis of one level. */
function reduceAxis(
  b: GraphBuilder,
  x: Value,
  axis: 2 | 3,
  n: number,
  plan: AxisPlan,
  pool: 'max' | 'avg',
  name: string,
  axisSize: (axis: 2 | 3) => Value,
): Value {
  const reduce = (slice: Value, binName: string): Value =>
    pool === 'max'
      ? b.reduceMax(slice, { axes: [axis], keepdims: 1 }, { name: binName })
      : b.reduceMean(slice, { axes: [axis], keepdims: 1 }, { name: binName });
  switch (plan.kind) {
    case 'identity':
      return x;
    case 'pool': {
      const kernel = axis === 2 ? [plan.kernel, 1] : [1, plan.kernel];
      const attrs = { kernelShape: kernel, strides: kernel };
      return pool === 'max' ? b.maxPool(x, attrs, { name }) : b.averagePool(x, attrs, { name });
    }
    case 'slices': {
      const bins = plan.bins.map((bin, i) =>
        reduce(
          b.slice(x, { starts: [bin.start], ends: [bin.end], axes: [axis] }, { name: `${name}.slice${i}` }),
          `${name}.reduce${i}`,
        ),
      );
      return bins.length === 1 && bins[0] !== undefined
        ? bins[0]
        : b.concat(bins, { axis }, { name: `${name}.concat` });
    }
    case 'dynamic': {
      // All 2n bounds in one int64 vector, computed once per level and axis from the axis size a:
      //   starts_i = (i*a) div n,  ends_i = ((i+1)*a + n - 1) div n   (floor and ceil of the PyTorch bin edges)
      // then split into 2n one-element tensors, the Slice bounds of the n bins.
      const factors = b.constant(
        `${name}.factors`,
        int64([...Array.from({ length: n }, (_, i) => i), ...Array.from({ length: n }, (_, i) => i + 1)]),
      );
      const roundUp = b.constant(
        `${name}.round_up`,
        int64([...Array.from({ length: n }, () => 0), ...Array.from({ length: n }, () => n - 1)]),
      );
      const count = b.constant(`${name}.n`, int64([n]));
      const bounds = b.div(
        b.add(b.mul(factors, axisSize(axis), { name: `${name}.scaled` }), roundUp, { name: `${name}.rounded` }),
        count,
        { name: `${name}.bounds` },
      );
      const pieces = b.split(bounds, 2 * n, { name: `${name}.split` });
      const axes = b.constant(`${name}.axis`, int64([axis]));
      const bins = Array.from({ length: n }, (_, i) => {
        const start = pieces[i];
        const end = pieces[n + i];
        if (start === undefined || end === undefined)
          throw new ConfigError(`sppAdaptive: internal error, bin ${i} has no bounds`);
        return reduce(b.sliceDynamic(x, start, end, axes, { name: `${name}.slice${i}` }), `${name}.reduce${i}`);
      });
      return bins.length === 1 && bins[0] !== undefined
        ? bins[0]
        : b.concat(bins, { axis }, { name: `${name}.concat` });
    }
  }
}

/** `Shape(x)[axis]` as a 1-element int64 vector, made once per axis and shared by every level. */
function axisSizes(b: GraphBuilder, x: Value): (axis: 2 | 3) => Value {
  const made = new Map<number, Value>();
  return (axis) => {
    let size = made.get(axis);
    if (size === undefined) {
      size = b.shapeOf(x, axis, { name: `${x.name}.size${axis}` });
      made.set(axis, size);
    }
    return size;
  };
}

/** Emits one level; returns its [N, C, n, n] result. */
function emitLevel(
  b: GraphBuilder,
  x: Value,
  plan: LevelPlan,
  results: ReadonlyMap<number, Value>,
  pool: 'max' | 'avg',
  sizes: (axis: 2 | 3) => Value,
  name = `level${plan.n}`,
): Value {
  switch (plan.kind) {
    case 'global':
      return pool === 'max' ? b.globalMaxPool(x, { name }) : b.globalAveragePool(x, { name });
    case 'from-finer': {
      const fine = results.get(plan.finer);
      if (fine === undefined) throw new ConfigError(`sppAdaptive: internal error, level ${plan.finer} missing`);
      const k = plan.finer / plan.n;
      return plan.n === 1
        ? b.globalMaxPool(fine, { name })
        : b.maxPool(fine, { kernelShape: [k, k], strides: [k, k] }, { name });
    }
    case 'separable': {
      if (plan.rows.kind === 'pool' && plan.cols.kind === 'pool') {
        const attrs = {
          kernelShape: [plan.rows.kernel, plan.cols.kernel],
          strides: [plan.rows.kernel, plan.cols.kernel],
        };
        return pool === 'max' ? b.maxPool(x, attrs, { name }) : b.averagePool(x, attrs, { name });
      }
      const rows = reduceAxis(b, x, 2, plan.n, plan.rows, pool, `${name}.rows`, sizes);
      return reduceAxis(b, rows, 3, plan.n, plan.cols, pool, `${name}.cols`, sizes);
    }
  }
}

/**
 * One exact adaptive pooling level on NCHW `x` (PyTorch `adaptive_{max,avg}_pool2d(x, n)`): returns [N, C, n, n],
 * lowered like an `sppAdaptive` level (global pool, fixed-kernel pool, constant slices or Shape-computed slices).
 * `name` prefixes the node names (default `level<n>`).
 */
export function adaptivePoolLevel(
  b: GraphBuilder,
  x: Value,
  n: number,
  pool: 'max' | 'avg',
  name = `level${n}`,
): Value {
  positiveInt('adaptivePoolLevel', 'n', n);
  const { shape } = nchw(x, 'adaptivePoolLevel');
  const plan: LevelPlan =
    n === 1
      ? { kind: 'global', n: 1 }
      : { kind: 'separable', n, rows: planAxis(n, shape[2] ?? 0), cols: planAxis(n, shape[3] ?? 0) };
  return emitLevel(b, x, plan, new Map(), pool, axisSizes(b, x), name);
}

/**
 * Exact adaptive pooling of NCHW `x` to `rows`×`cols` (PyTorch `adaptive_{max,avg}_pool2d(x, (rows, cols))`):
 * returns [N, C, rows, cols]. Each axis is planned on its own like an `sppAdaptive` level (identity, fixed-kernel
 * pool, constant slices, or Shape-computed slices for a symbolic size); rows are reduced first, then columns (max and
 * mean over a rectangle factor per axis). 1×1 is a global pool; two fixed kernels make one pool.
 */
export function adaptivePool2d(
  b: GraphBuilder,
  x: Value,
  output: { readonly rows: number; readonly cols: number },
  pool: 'max' | 'avg',
  name = `adaptive${output.rows}x${output.cols}`,
): Value {
  positiveInt('adaptivePool2d', 'rows', output.rows);
  positiveInt('adaptivePool2d', 'cols', output.cols);
  const { shape } = nchw(x, 'adaptivePool2d');
  if (output.rows === 1 && output.cols === 1)
    return pool === 'max' ? b.globalMaxPool(x, { name }) : b.globalAveragePool(x, { name });
  const rows = planAxis(output.rows, shape[2] ?? 0);
  const cols = planAxis(output.cols, shape[3] ?? 0);
  if (rows.kind === 'pool' && cols.kind === 'pool') {
    const attrs = { kernelShape: [rows.kernel, cols.kernel], strides: [rows.kernel, cols.kernel] };
    return pool === 'max' ? b.maxPool(x, attrs, { name }) : b.averagePool(x, attrs, { name });
  }
  const sizes = axisSizes(b, x);
  const reduced = reduceAxis(b, x, 2, output.rows, rows, pool, `${name}.rows`, sizes);
  return reduceAxis(b, reduced, 3, output.cols, cols, pool, `${name}.cols`, sizes);
}

/**
 * Builds SPP-net adaptive pooling on NCHW `x`; the output is [N, C·Σn²].
 *
 * With a symbolic H or W (and `divisibleBranch`, on by default for max), the graph branches on the size at run
 * time: an If whose `then` branch, taken when the symbolic sides are multiples of the levels (`blockMultiple`,
 * tested with 3–5 small nodes on Shape), computes the levels as block reductions (spp-blocks.ts: a few Reshapes and
 * reductions, about as fast as the fixed-size form), and whose `else` branch is the general lowering below. Both are
 * exact; the test and the If cost a few microseconds.
 */
export function sppAdaptive(b: GraphBuilder, x: Value, config: SppAdaptiveConfig): Value {
  checkConfig(config);
  const { shape } = nchw(x, 'sppAdaptive');
  const symbolic = ([2, 3] as const).filter((axis) => typeof shape[axis] !== 'number');
  const multiple = blockMultiple(config.levels);
  // A static side that is not a multiple rules the block form out; so does having nothing to branch on.
  const possible = ([2, 3] as const).every((axis) => {
    const size = shape[axis];
    return typeof size !== 'number' || size % multiple === 0;
  });
  const branch = config.divisibleBranch ?? config.pool === 'max';
  if (!branch || symbolic.length === 0 || multiple === 1 || !possible) return sppExact(b, x, config);
  const divisible = sidesDivisible(b, x, multiple, symbolic);
  const [y] = b.if(
    divisible,
    (blocks) => [sppBlocks(blocks, x, config.levels, config.pool)],
    (exact) => [sppExact(exact, x, config)],
    { name: 'spp.if_divisible' },
  );
  if (y === undefined) throw new ConfigError('sppAdaptive: internal error, the If has no output');
  return y;
}

/** sppAdaptive without branching: the cheapest exact form per level for the sizes the type of `x` gives. */
function sppExact(b: GraphBuilder, x: Value, config: SppAdaptiveConfig): Value {
  const { shape } = nchw(x, 'sppAdaptive');
  const height = shape[2] ?? 0;
  const width = shape[3] ?? 0;
  const sizes = axisSizes(b, x);
  // Averages: unless every level is a plain fixed-kernel pool, two matrix products serve all levels at once.
  if (
    config.pool === 'avg' &&
    !config.levels.every(
      (n) =>
        n === 1 || (typeof height === 'number' && typeof width === 'number' && height % n === 0 && width % n === 0),
    )
  ) {
    return adaptiveAvgPyramid(b, x, config.levels, nchw(x, 'sppAdaptive').channels, height, width, sizes);
  }
  const plans = planSppAdaptive(config, height, width);
  const results = new Map<number, Value>();
  const emitOrder = plans.map((plan, index) => ({ plan, index })).sort((a, b2) => b2.plan.n - a.plan.n);
  for (const { plan } of emitOrder)
    if (!results.has(plan.n)) results.set(plan.n, emitLevel(b, x, plan, results, config.pool, sizes));
  const flat = config.levels.map((n) => {
    const level = results.get(n);
    if (level === undefined) throw new ConfigError(`sppAdaptive: internal error, level ${n} missing`);
    return b.flatten(level, { axis: 1 }, { name: `level${n}.flatten` });
  });
  return flat.length === 1 && flat[0] !== undefined ? flat[0] : b.concat(flat, { axis: 1 }, { name: 'spp.concat' });
}

/** The `sppAdaptive` block. */
export const sppAdaptiveBlock: BlockDef<SppAdaptiveConfig> = {
  name: 'sppAdaptive',
  cliName: 'spp-adaptive',
  summary: 'SPP-net with exact adaptive bins (PyTorch adaptive pooling), any input size',
  source: 'He et al. 2014 (SPP-net) with torch.nn.functional.adaptive_{max,avg}_pool2d bins',
  params: () => [],
  build: (b, x, config) => sppAdaptive(b, x, config),
};
