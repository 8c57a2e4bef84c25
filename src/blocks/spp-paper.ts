/**
 * SPP-net with fixed pooling windows, for static input sizes:
 *
 * `sppPaper` follows He et al. 2014, "Spatial Pyramid Pooling in Deep Convolutional Networks for Visual
 * Recognition" §2.3: for a level of n×n bins on an axis of size a, window = ceil(a/n), stride = floor(a/n), no
 * padding (floor mode). That rule gives exactly n bins only for some sizes; the block refuses the others with
 * the reason (stride 0 when a < n, or the bin count it would give). The windows need not cover the whole input
 * (a = 10, n = 4: window 3, stride 2 reads rows 0..8).
 *
 * `sppnetCompat` follows the widely copied seed code (yueruchen/sppnet-pytorch `spatial_pyramid_pool`):
 * kernel = stride = ceil(a/n), pad = floor((k·n − a + 1)/2) on both sides (the seed computed `(…)/2`, a float
 * in Python 3; the integer floor is what ran in Python 2). It is refused where onnxruntime rejects the padding
 * (pad ≥ kernel), where it does not give n bins, and where a window would hold only padding. (PyTorch's own
 * MaxPool2d also demands pad ≤ kernel/2; ONNX does not, so sizes between the two limits build here.)
 *
 * Both flatten each level channel-major (`c*n*n + i*n + j`) and concatenate the levels in list order, like
 * `sppAdaptive`: the output is [N, C·Σn²]. Output sizes come from the shared pooling geometry (resolveWindows).
 */
import type { GraphBuilder } from '../graph/builder.js';
import { formatShape } from '../ir/dim.js';
import { ConfigError } from '../ir/errors.js';
import type { Value } from '../ir/value.js';
import { resolveWindows, type AxisGeometry } from '../ops/shared/pool-geometry.js';
import { nchw, positiveInt, type BlockDef } from './block.js';

/** `sppPaper` config. */
export interface SppPaperConfig {
  /** Bins per side for each level, in output order (e.g. 4, 2, 1). */
  readonly levels: readonly number[];
  /** Max pooling as in the paper (default), or average pooling over the same windows. */
  readonly pool?: 'max' | 'avg';
}

/** `sppnetCompat` config (max pooling, as the seed code). */
export interface SppnetCompatConfig {
  /** Bins per side for each level, in output order (e.g. 4, 2, 1). */
  readonly levels: readonly number[];
}

/** The fixed window of one level on both axes. */
export interface FixedLevel {
  readonly n: number;
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  /** Symmetric padding per axis (rows, cols). */
  readonly pad: readonly [number, number];
}

const AXIS_NAMES = ['height', 'width'] as const;

/** The static H and W of a block input; refuses symbolic sizes, naming the shape. */
function staticSize(x: Value, block: string): { height: number; width: number } {
  const { shape } = nchw(x, block);
  const [, , height, width] = shape;
  if (typeof height !== 'number' || typeof width !== 'number') {
    throw new ConfigError(
      `${block}: needs a static height and width (its windows depend on them), ` +
        `got input '${x.name}' ${formatShape(shape)}; use sppAdaptive for dynamic sizes`,
    );
  }
  return { height, width };
}

function checkLevels(block: string, levels: readonly number[]): void {
  if (levels.length === 0) throw new ConfigError(`${block}: levels must not be empty`);
  levels.forEach((n, i) => positiveInt(block, `levels[${i}]`, n));
}

/** The geometry of a level's windows on both axes, via the shared pooling geometry. */
function geometry(block: string, level: FixedLevel, size: readonly [number, number]): AxisGeometry[] {
  return resolveWindows(
    size,
    {
      autoPad: 'NOTSET',
      kernelShape: level.kernel,
      strides: level.stride,
      pads: [level.pad[0], level.pad[1], level.pad[0], level.pad[1]],
      dilations: undefined,
      ceilMode: 0,
    },
    (detail) => {
      throw new ConfigError(`${block}: level ${level.n}: ${detail}`);
    },
  );
}

/** Refuses a level whose windows do not give exactly n×n bins, naming the axis, size and window. */
function requireBins(
  block: string,
  level: FixedLevel,
  size: readonly [number, number],
  rule: (axis: 0 | 1) => string,
): void {
  geometry(block, level, size).forEach((axis, index) => {
    const which = index === 0 ? 0 : 1;
    if (axis.outSize !== level.n) {
      throw new ConfigError(
        `${block}: level ${level.n} on ${AXIS_NAMES[which]} ${size[which]} ` +
          `gives ${axis.outSize} bins, not ${level.n} (${rule(which)})`,
      );
    }
    // A window that starts at or past the input's end holds only padding.
    const lastStart = (axis.outSize - 1) * axis.stride - axis.padBegin;
    if (lastStart >= axis.inSize) {
      throw new ConfigError(
        `${block}: level ${level.n} on ${AXIS_NAMES[which]} ${size[which]}: ` +
          `the last window starts at ${lastStart}, past the input, so it holds only padding (${rule(which)})`,
      );
    }
  });
}

/** The paper's window for every level; throws ConfigError with the reason where it does not give n×n bins. */
export function planSppPaper(levels: readonly number[], height: number, width: number): FixedLevel[] {
  checkLevels('sppPaper', levels);
  const size = [height, width] as const;
  return levels.map((n) => {
    const kernel = [Math.ceil(height / n), Math.ceil(width / n)] as const;
    const stride = [Math.floor(height / n), Math.floor(width / n)] as const;
    stride.forEach((s, axis) => {
      const which = axis === 0 ? 0 : 1;
      if (s === 0)
        throw new ConfigError(
          `sppPaper: level ${n} on ${AXIS_NAMES[which]} ${size[which]}: ` +
            `stride floor(${size[which]}/${n}) = 0 (the input is smaller than the level)`,
        );
    });
    const level: FixedLevel = { n, kernel, stride, pad: [0, 0] };
    requireBins(
      'sppPaper',
      level,
      size,
      (axis) =>
        `window ceil(${size[axis]}/${n}) = ${kernel[axis]}, ` +
        `stride floor(${size[axis]}/${n}) = ${stride[axis]}, no padding`,
    );
    return level;
  });
}

/**
 * The seed code's window for every level; throws ConfigError with the reason where ORT rejects it or it does not
 * give n×n bins.
 */
export function planSppnetCompat(levels: readonly number[], height: number, width: number): FixedLevel[] {
  checkLevels('sppnetCompat', levels);
  const size = [height, width] as const;
  return levels.map((n) => {
    const kernel = [Math.ceil(height / n), Math.ceil(width / n)] as const;
    const pad = [Math.floor((kernel[0] * n - height + 1) / 2), Math.floor((kernel[1] * n - width + 1) / 2)] as const;
    const rule = (axis: 0 | 1): string =>
      `kernel = stride = ceil(${size[axis]}/${n}) = ${kernel[axis]}, ` +
      `pad = floor((${kernel[axis]}*${n} - ${size[axis]} + 1)/2) = ${pad[axis]}`;
    pad.forEach((p, index) => {
      const axis = index === 0 ? 0 : 1;
      if (p >= kernel[axis]) {
        throw new ConfigError(
          `sppnetCompat: level ${n} on ${AXIS_NAMES[axis]} ${size[axis]}: ` +
            `pad ${p} >= kernel ${kernel[axis]}, which onnxruntime rejects (${rule(axis)})`,
        );
      }
    });
    const level: FixedLevel = { n, kernel, stride: kernel, pad };
    requireBins('sppnetCompat', level, size, rule);
    return level;
  });
}

/** Emits fixed-window levels, flattens each and concatenates them: [N, C·Σn²]. */
export function fixedPyramid(
  b: GraphBuilder,
  x: Value,
  levels: readonly FixedLevel[],
  pool: 'max' | 'avg',
  size: { height: number; width: number },
): Value {
  const flat = levels.map((level) => {
    const name = `level${level.n}`;
    const whole =
      level.kernel[0] === size.height && level.kernel[1] === size.width && level.pad[0] === 0 && level.pad[1] === 0;
    let pooled: Value;
    if (whole) {
      // One window over the whole map: the global pool is the same reduction.
      pooled = pool === 'max' ? b.globalMaxPool(x, { name }) : b.globalAveragePool(x, { name });
    } else {
      const attrs = {
        kernelShape: [...level.kernel],
        strides: [...level.stride],
        pads: [level.pad[0], level.pad[1], level.pad[0], level.pad[1]],
      };
      pooled = pool === 'max' ? b.maxPool(x, attrs, { name }) : b.averagePool(x, attrs, { name });
    }
    return b.flatten(pooled, { axis: 1 }, { name: `${name}.flatten` });
  });
  const [only] = flat;
  return flat.length === 1 && only !== undefined ? only : b.concat(flat, { axis: 1 }, { name: 'spp.concat' });
}

/** Builds the SPP-net paper's pyramid on NCHW `x` (static H, W); the output is [N, C·Σn²]. */
export function sppPaper(b: GraphBuilder, x: Value, config: SppPaperConfig): Value {
  const pool = config.pool ?? 'max';
  if (pool !== 'max' && pool !== 'avg')
    throw new ConfigError(`sppPaper: pool must be 'max' or 'avg', got ${JSON.stringify(pool)}`);
  const size = staticSize(x, 'sppPaper');
  return fixedPyramid(b, x, planSppPaper(config.levels, size.height, size.width), pool, size);
}

/** Builds the seed code's padded pyramid on NCHW `x` (static H, W); the output is [N, C·Σn²]. */
export function sppnetCompat(b: GraphBuilder, x: Value, config: SppnetCompatConfig): Value {
  const size = staticSize(x, 'sppnetCompat');
  return fixedPyramid(b, x, planSppnetCompat(config.levels, size.height, size.width), 'max', size);
}

/** The `sppPaper` block. */
export const sppPaperBlock: BlockDef<SppPaperConfig> = {
  name: 'sppPaper',
  cliName: 'spp-paper',
  summary: 'SPP-net paper rule (window ceil(a/n), stride floor(a/n), no padding); static sizes that give n×n bins',
  source: 'He et al. 2014 (SPP-net), §2.3 window/stride rule',
  params: () => [],
  build: (b, x, config) => sppPaper(b, x, config),
};

/** The `sppnetCompat` block. */
export const sppnetCompatBlock: BlockDef<SppnetCompatConfig> = {
  name: 'sppnetCompat',
  cliName: 'sppnet-compat',
  summary: 'seed-code SPP (kernel = stride = ceil(a/n), pad = floor((k*n - a + 1)/2)); static sizes ORT accepts',
  source: 'yueruchen/sppnet-pytorch spatial_pyramid_pool (integer padding)',
  params: () => [],
  build: (b, x, config) => sppnetCompat(b, x, config),
};
