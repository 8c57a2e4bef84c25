/**
 * The block catalogue: every block by API name, and the mapping from the CLI's generic options to each block's
 * typed config.
 */
import { ConfigError } from '../ir/errors.js';
import type { GraphBuilder } from '../graph/builder.js';
import type { Value } from '../ir/value.js';
import type { BlockDef } from './block.js';
import type { ParamSpec, Weights } from './weights.js';
import { sppAdaptiveBlock, type SppAdaptiveConfig } from './spp-adaptive.js';
import { sppfBlock, ultralyticsSppBlock, type SppfConfig, type UltralyticsSppConfig } from './ultralytics.js';
import { nonLocalBlock, type NonLocalConfig } from './non-local.js';
import {
  avgPoolBlock,
  convPoolBlock,
  globalAvgPoolBlock,
  globalMaxPoolBlock,
  maxPoolBlock,
  stridedPoolBlock,
  type AvgPoolConfig,
  type ConvPoolConfig,
  type MaxPoolConfig,
  type StridedPoolConfig,
} from './pooling-layers.js';
import { pyramidPoolingBlock, type PyramidPoolingConfig } from './pyramid-pooling.js';
import { sppnetCompatBlock, sppPaperBlock, type SppnetCompatConfig, type SppPaperConfig } from './spp-paper.js';
import { stochasticPoolBlock, type StochasticPoolConfig } from './stochastic-pool.js';
import {
  simSppfBlock,
  sppcspcBlock,
  sppelanBlock,
  type SimSppfConfig,
  type SppcspcConfig,
  type SppelanConfig,
} from './yolo-necks.js';

export {
  sppAdaptive,
  planSppAdaptive,
  adaptiveBin,
  adaptivePoolLevel,
  type SppAdaptiveConfig,
} from './spp-adaptive.js';
export {
  sppPaper,
  sppnetCompat,
  planSppPaper,
  planSppnetCompat,
  sppPaperBlock,
  sppnetCompatBlock,
  type FixedLevel,
  type SppPaperConfig,
  type SppnetCompatConfig,
} from './spp-paper.js';
export {
  simSppfBlock,
  sppcspc,
  sppcspcBlock,
  sppelanBlock,
  type SimSppfConfig,
  type SppcspcConfig,
  type SppelanConfig,
} from './yolo-necks.js';
export { pyramidPooling, pyramidPoolingBlock, type PyramidPoolingConfig } from './pyramid-pooling.js';
export {
  avgPool,
  avgPoolBlock,
  convPoolBlock,
  globalAvgPoolBlock,
  globalMaxPoolBlock,
  maxPool,
  maxPoolBlock,
  stridedPoolBlock,
  type AvgPoolConfig,
  type ConvPoolConfig,
  type MaxPoolConfig,
  type Pair,
  type StridedPoolConfig,
} from './pooling-layers.js';
export {
  stochasticPool,
  stochasticPoolBlock,
  stochasticPoolSample,
  type StochasticPoolConfig,
} from './stochastic-pool.js';
export { nonLocal, nonLocalBlock, type NonLocalConfig } from './non-local.js';
export { sppfBlock, ultralyticsSppBlock, type SppfConfig, type UltralyticsSppConfig } from './ultralytics.js';
export { seededWeights, validateWeights, type ParamSpec, type Weights } from './weights.js';
export type { BlockDef } from './block.js';

/** The options `sppkit build` passes to every block (each block reads what it needs). */
export interface BlockOptions {
  readonly outChannels?: number;
  readonly levels?: readonly number[];
  readonly pool?: 'max' | 'avg';
  readonly kernels?: readonly number[];
  readonly keepBn?: boolean;
  /** Pooling stride (pooling layers; default: the kernel). */
  readonly stride?: number;
  /** Symmetric pooling padding (pooling layers; default 0). */
  readonly pad?: number;
  /** Ceil mode (pooling layers). */
  readonly ceilMode?: boolean;
  /** Average pooling divisor counts padding (avg-pool; default false, as ONNX). */
  readonly countIncludePad?: boolean;
}

/** A block configured from CLI options: its parameters and a build function (the config type is bound inside). */
export interface ConfiguredBlock {
  readonly name: string;
  readonly params: readonly ParamSpec[];
  build(b: GraphBuilder, x: Value, weights: Weights): Value;
}

/** A catalogue entry: the block's description and how CLI options configure it. */
export interface CatalogEntry {
  readonly name: string;
  readonly cliName: string;
  readonly summary: string;
  readonly source: string;
  /** Configures the block from CLI options; `inChannels` is the input's channel count. Throws ConfigError. */
  configure(options: BlockOptions, inChannels: number): ConfiguredBlock;
}

function entry<C>(block: BlockDef<C>, configFrom: (options: BlockOptions, inChannels: number) => C): CatalogEntry {
  return {
    name: block.name,
    cliName: block.cliName,
    summary: block.summary,
    source: block.source,
    configure(options, inChannels) {
      const config = configFrom(options, inChannels);
      return {
        name: block.name,
        params: block.params(config, inChannels),
        build: (b, x, weights) => block.build(b, x, config, weights),
      };
    },
  };
}

const keepBn = (options: BlockOptions): { keepBn?: boolean } =>
  options.keepBn === undefined ? {} : { keepBn: options.keepBn };

/** Every block, keyed by CLI name. */
export const catalog: Readonly<Record<string, CatalogEntry>> = {
  'spp-adaptive': entry<SppAdaptiveConfig>(sppAdaptiveBlock, (o) => ({
    levels: o.levels ?? [4, 2, 1],
    pool: o.pool ?? 'max',
  })),
  'ultralytics-spp': entry<UltralyticsSppConfig>(ultralyticsSppBlock, (o, c1) => ({
    outChannels: o.outChannels ?? c1,
    kernels: o.kernels ?? [5, 9, 13],
    ...keepBn(o),
  })),
  sppf: entry<SppfConfig>(sppfBlock, (o, c1) => {
    const kernels = o.kernels ?? [5];
    if (kernels.length !== 1)
      throw new ConfigError(`sppf takes one kernel size (chained 3 times), got ${kernels.join(',')}`);
    return { outChannels: o.outChannels ?? c1, kernel: kernels[0] ?? 5, ...keepBn(o) };
  }),
  'spp-paper': entry<SppPaperConfig>(sppPaperBlock, (o) => ({ levels: o.levels ?? [4, 2, 1], pool: o.pool ?? 'max' })),
  'sppnet-compat': entry<SppnetCompatConfig>(sppnetCompatBlock, (o) => {
    if (o.pool === 'avg')
      throw new ConfigError(
        'sppnet-compat is max pooling only (as the seed code); use spp-paper or spp-adaptive for --pool avg',
      );
    return { levels: o.levels ?? [4, 2, 1] };
  }),
  'sim-sppf': entry<SimSppfConfig>(simSppfBlock, (o, c1) => ({
    outChannels: o.outChannels ?? c1,
    kernel: singleKernel('sim-sppf', o, 5),
    ...keepBn(o),
  })),
  sppcspc: entry<SppcspcConfig>(sppcspcBlock, (o, c1) => ({
    outChannels: o.outChannels ?? c1,
    kernels: o.kernels ?? [5, 9, 13],
    ...keepBn(o),
  })),
  sppelan: entry<SppelanConfig>(sppelanBlock, (o, c1) => ({
    outChannels: o.outChannels ?? c1,
    kernel: singleKernel('sppelan', o, 5),
    ...keepBn(o),
  })),
  'pyramid-pooling': entry<PyramidPoolingConfig>(pyramidPoolingBlock, (o) => ({
    bins: o.levels ?? [1, 2, 3, 6],
    ...keepBn(o),
  })),
  'max-pool': entry<MaxPoolConfig>(maxPoolBlock, (o) => poolWindow('max-pool', o)),
  'avg-pool': entry<AvgPoolConfig>(avgPoolBlock, (o) => ({
    ...poolWindow('avg-pool', o),
    countIncludePad: o.countIncludePad === true,
  })),
  'global-max-pool': entry<Record<string, never>>(globalMaxPoolBlock, () => ({})),
  'global-avg-pool': entry<Record<string, never>>(globalAvgPoolBlock, () => ({})),
  'strided-pool': entry<StridedPoolConfig>(stridedPoolBlock, (o) => ({ kernel: singleKernel('strided-pool', o, 3) })),
  'conv-pool': entry<ConvPoolConfig>(convPoolBlock, (o, c1) => ({
    outChannels: o.outChannels ?? c1,
    kernel: singleKernel('conv-pool', o, 3),
    stride: o.stride ?? 2,
    pad: o.pad ?? 1,
  })),
  'stochastic-pool': entry<StochasticPoolConfig>(stochasticPoolBlock, (o) => {
    const kernel = singleKernel('stochastic-pool', o, 2);
    return { kernel, stride: o.stride ?? kernel };
  }),
  'non-local': entry<NonLocalConfig>(nonLocalBlock, (o) => keepBn(o)),
};

/** The one kernel size of a block that takes one (`--kernels K`), or its default. */
function singleKernel(cliName: string, options: BlockOptions, fallback: number): number {
  const kernels = options.kernels ?? [fallback];
  const [kernel] = kernels;
  if (kernels.length !== 1 || kernel === undefined)
    throw new ConfigError(`${cliName} takes one kernel size, got ${kernels.join(',')}`);
  return kernel;
}

/** A pooling window from CLI options: kernel (default 2), stride (default the kernel), pad, ceil mode. */
function poolWindow(cliName: string, options: BlockOptions): MaxPoolConfig {
  const kernel = singleKernel(cliName, options, 2);
  return { kernel, stride: options.stride ?? kernel, pad: options.pad ?? 0, ceilMode: options.ceilMode === true };
}
