/**
 * Adaptive SPP for maps whose sides are multiples of every level that is not computed from a finer one: then each
 * adaptive bin is a whole block (bin i of n on an axis of size a = k·n covers [i·k, (i+1)·k), since
 * floor(i·a/n) = i·k and ceil((i+1)·a/n) = (i+1)·k), so a level is a reduction over a block layout of the map that
 * a Reshape exposes, whatever the size — no bounds to compute. sppAdaptive runs this form in the `then` branch of
 * an If on "the sides divide", for symbolic H/W (see spp-adaptive.ts); it is exact there and only there.
 *
 * Level n from x [N, C, H, W] (H = n·bh, W = n·bw), rows first, then columns, with a known C:
 *   Reshape [0, C·n, −1, 0] → [N, C·n, bh, W] → reduce axis 2 → [N, C·n, W]
 *   → Reshape [0, C·n², −1] → [N, C·n², bw] → reduce axis 2 → [N, C·n²]
 * (row i·W + j·bw + k of the rows is cell (i, j), column k of its block), which is the level flattened; a Reshape
 * [0, C, n, n] gives its grid for the coarser levels. With a symbolic C, an Unsqueeze(x, 2) lets Reshape keep C
 * ([0, 0, n, −1, 0]). Reshape's 0 copies the input's dim, −1 takes the rest; reducing the rows first keeps the
 * first, larger reduction over whole rows, and the second reduces the last axis: onnxruntime runs both faster
 * than a reduction of the columns' short runs in the middle of a 5-D layout.
 * A coarser level n whose size divides a finer computed level m is a pool with kernel = stride = m/n over that
 * level's n×n grid: its bins are unions of m/n × m/n equal blocks, so for max the result is exact and for mean it
 * is the mean of equal-sized means, i.e. the mean (up to float rounding).
 */
import type { GraphBuilder } from '../graph/builder.js';
import { DataType } from '../ir/dtype.js';
import { ConfigError } from '../ir/errors.js';
import { Tensor } from '../ir/tensor.js';
import type { Value } from '../ir/value.js';

/** How the block form computes one level. */
type BlockLevel =
  | { readonly kind: 'blocks'; readonly n: number }
  | { readonly kind: 'global'; readonly n: 1 }
  | { readonly kind: 'from-finer'; readonly n: number; readonly finer: number };

/** Plans the levels, finest first: from a finer computed level where one is a multiple, else from the map. */
function planBlocks(levels: readonly number[]): BlockLevel[] {
  const computed: number[] = [];
  const plans: BlockLevel[] = [];
  for (const n of [...new Set(levels)].sort((a, b) => b - a)) {
    const finer = computed.find((m) => m % n === 0);
    plans.push(
      finer !== undefined ? { kind: 'from-finer', n, finer } : n === 1 ? { kind: 'global', n } : { kind: 'blocks', n },
    );
    computed.push(n);
  }
  return plans;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The number that H and W must be multiples of for the block form to be exact with these levels: the least common
 * multiple of the levels it reduces from the map (the others come from finer levels).
 */
export function blockMultiple(levels: readonly number[]): number {
  return planBlocks(levels)
    .filter((plan) => plan.kind === 'blocks')
    .reduce((lcm, plan) => (lcm * plan.n) / gcd(lcm, plan.n), 1);
}

/**
 * Emits the bool condition "every symbolic side of x is a multiple of `multiple`", a 1-element tensor (the If's
 * `cond`). `axes` lists the symbolic axes (2, 3 or both). One side: `Shape(x)[axis] mod multiple == 0`. Two:
 * `ReduceMax(Cast<float>(Shape(x)[2:4] mod multiple)) == 0` (remainders are ≥ 0, so their maximum is 0 exactly
 * when both are; float, as sppkit's reference reduces floats only; sides are far below 2^24, exact in float32).
 */
export function sidesDivisible(b: GraphBuilder, x: Value, multiple: number, axes: readonly (2 | 3)[]): Value {
  const [first, last] = [Math.min(...axes), Math.max(...axes)];
  const sides = b.shapeRange(x, first, last + 1, { name: 'spp.sides' });
  const rest = b.mod(sides, b.int64s('spp.multiple', [multiple]), {}, { name: 'spp.remainders' });
  if (first === last) return b.equal(rest, b.int64s('spp.zero', [0]), { name: 'spp.divisible' });
  const largest = b.reduceMax(
    b.cast(rest, DataType.FLOAT, { name: 'spp.remainders_float' }),
    { keepdims: 1 },
    {
      name: 'spp.remainder',
    },
  );
  return b.equal(largest, b.constant('spp.zero', Tensor.float32([1], [0])), { name: 'spp.divisible' });
}

/** A level's grid [N, C, n, n] and the same values flattened [N, C·n²] (sppAdaptive's layout for that level). */
interface Grid {
  readonly grid: Value;
  readonly flat: Value;
}

/** One level as whole blocks: rows, then columns (see the file comment). */
function blockLevel(b: GraphBuilder, x: Value, n: number, pool: 'max' | 'avg'): Grid {
  const reduce = (t: Value, axis: number, name: string): Value =>
    pool === 'max'
      ? b.reduceMax(t, { axes: [axis], keepdims: 0 }, { name })
      : b.reduceMean(t, { axes: [axis], keepdims: 0 }, { name });
  const channels = x.type?.shape?.[1];
  if (typeof channels === 'number') {
    // Known C: [N, C·n, bh, W] → rows [N, C·n, W] → [N, C·n², bw] → [N, C·n²]: already the level flattened.
    const rows = reduce(
      b.reshape(x, [0, channels * n, -1, 0], { name: `blocks${n}.row_blocks` }),
      2,
      `blocks${n}.rows`,
    );
    const flat = reduce(
      b.reshape(rows, [0, channels * n * n, -1], { name: `blocks${n}.col_blocks` }),
      2,
      `blocks${n}.cols`,
    );
    return { flat, grid: b.reshape(flat, [0, channels, n, n], { name: `blocks${n}.grid` }) };
  }
  // Symbolic C: Unsqueeze(x, 2) → [N, C, n, bh, W] → rows [N, C, n, W] → [N, C, n², bw] → [N, C, n²].
  const lifted = b.unsqueeze(x, [2], { name: `blocks${n}.lift` });
  const rows = reduce(b.reshape(lifted, [0, 0, n, -1, 0], { name: `blocks${n}.row_blocks` }), 3, `blocks${n}.rows`);
  const cells = reduce(b.reshape(rows, [0, 0, n * n, -1], { name: `blocks${n}.col_blocks` }), 3, `blocks${n}.cols`);
  return {
    flat: b.flatten(cells, { axis: 1 }, { name: `blocks${n}.flatten` }),
    grid: b.reshape(cells, [0, 0, n, n], { name: `blocks${n}.grid` }),
  };
}

/**
 * Adaptive SPP of NCHW `x` as block reductions, exact when H and W are multiples of `blockMultiple(levels)`:
 * returns [N, C·Σn²] in sppAdaptive's layout (each level flattened channel-major, levels in the order given).
 */
export function sppBlocks(b: GraphBuilder, x: Value, levels: readonly number[], pool: 'max' | 'avg'): Value {
  const grids = new Map<number, Grid>();
  const pooled = (grid: Value, name: string): Grid => ({
    grid,
    flat: b.flatten(grid, { axis: 1 }, { name: `${name}.flatten` }),
  });
  for (const plan of planBlocks(levels)) {
    const name = `blocks${plan.n}`;
    switch (plan.kind) {
      case 'blocks':
        grids.set(plan.n, blockLevel(b, x, plan.n, pool));
        break;
      case 'global':
        grids.set(1, pooled(pool === 'max' ? b.globalMaxPool(x, { name }) : b.globalAveragePool(x, { name }), name));
        break;
      case 'from-finer': {
        const fine = grids.get(plan.finer)?.grid;
        if (fine === undefined) throw new ConfigError(`sppBlocks: internal error, level ${plan.finer} missing`);
        const k = plan.finer / plan.n;
        const attrs = { kernelShape: [k, k], strides: [k, k] };
        const global = plan.n === 1;
        const grid =
          pool === 'max'
            ? global
              ? b.globalMaxPool(fine, { name })
              : b.maxPool(fine, attrs, { name })
            : global
              ? b.globalAveragePool(fine, { name })
              : b.averagePool(fine, attrs, { name });
        grids.set(plan.n, pooled(grid, name));
        break;
      }
    }
  }
  const flat = levels.map((n) => {
    const level = grids.get(n);
    if (level === undefined) throw new ConfigError(`sppBlocks: internal error, level ${n} missing`);
    return level.flat;
  });
  const [only] = flat;
  return flat.length === 1 && only !== undefined ? only : b.concat(flat, { axis: 1 }, { name: 'blocks.concat' });
}
