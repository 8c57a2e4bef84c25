/**
 * The block catalogue: every block by API name, and the mapping from the CLI's generic options to each block's
 * typed config.
 */
import { ConfigError } from '../graph/errors.js';
import type { GraphBuilder } from '../graph/builder.js';
import type { Value } from '../graph/value.js';
import type { BlockDef } from './block.js';
import type { ParamSpec, Weights } from './weights.js';
import { sppAdaptiveBlock, type SppAdaptiveConfig } from './spp-adaptive.js';
import { sppfBlock, ultralyticsSppBlock, type SppfConfig, type UltralyticsSppConfig } from './ultralytics.js';

export { sppAdaptive, planSppAdaptive, adaptiveBin, type SppAdaptiveConfig } from './spp-adaptive.js';
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
      return { name: block.name, params: block.params(config, inChannels), build: (b, x, weights) => block.build(b, x, config, weights) };
    },
  };
}

const keepBn = (options: BlockOptions): { keepBn?: boolean } => (options.keepBn === undefined ? {} : { keepBn: options.keepBn });

/** Every block, keyed by CLI name. */
export const catalog: Readonly<Record<string, CatalogEntry>> = {
  'spp-adaptive': entry<SppAdaptiveConfig>(sppAdaptiveBlock, (o) => ({ levels: o.levels ?? [4, 2, 1], pool: o.pool ?? 'max' })),
  'ultralytics-spp': entry<UltralyticsSppConfig>(ultralyticsSppBlock, (o, c1) => ({ outChannels: o.outChannels ?? c1, kernels: o.kernels ?? [5, 9, 13], ...keepBn(o) })),
  sppf: entry<SppfConfig>(sppfBlock, (o, c1) => {
    const kernels = o.kernels ?? [5];
    if (kernels.length !== 1) throw new ConfigError(`sppf takes one kernel size (chained 3 times), got ${kernels.join(',')}`);
    return { outChannels: o.outChannels ?? c1, kernel: kernels[0] ?? 5, ...keepBn(o) };
  }),
};
