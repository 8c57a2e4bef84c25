/**
 * `renderPyramidSvg(block, config, { height, width })`: a picture of the windows an SPP block uses on an H×W
 * input — the bins of every level (sppAdaptive, sppPaper, sppnetCompat, pyramidPooling), or the max-pool
 * windows of a neck around one output cell (ultralyticsSpp, sppf, simSppf, sppcspc, sppelan).
 */
import { catalog, type BlockOptions, type PyramidPoolingConfig, type SppAdaptiveConfig } from '../blocks/index.js';
import type { SppnetCompatConfig, SppPaperConfig } from '../blocks/spp-paper.js';
import { ConfigError } from '../ir/errors.js';
import { adaptivePanels, compatPanels, paperPanels, type PyramidPicture } from './pyramid.js';
import { drawPyramidPicture } from './pyramid-svg.js';
import { isNeckName, neckPanels, type NeckPictureConfigs } from './receptive.js';

/** The blocks with pyramid pictures and the config each takes (the block's own, channels optional). */
export interface PyramidConfigs extends NeckPictureConfigs {
  readonly sppAdaptive: SppAdaptiveConfig;
  readonly sppPaper: SppPaperConfig;
  readonly sppnetCompat: SppnetCompatConfig;
  readonly pyramidPooling: Pick<PyramidPoolingConfig, 'bins'>;
}

/** API names of the blocks with pyramid pictures. */
export type PyramidBlockName = keyof PyramidConfigs;

/** The input size of a picture, and (for the necks) the output cell whose window is drawn. */
export interface PyramidSize {
  readonly height: number;
  readonly width: number;
  /** Output cell of a neck picture (default row 1, column 1, or the last where the map is smaller). */
  readonly cell?: { readonly row: number; readonly col: number };
}

const BINS_LEGEND = [
  'Each bin is a semi-transparent window in its own colour (rows and columns two bins share look darker); the ' +
    'bars beside the grid are the row and column intervals; red hatching: cells no window reads; grey: padding.',
];
const FIELD_LEGEND = [
  'Dark cell: the output cell; blue: the input cells it reads; dashed: what the earlier pools of a chain read; ' +
    'grey hatching: padding (−∞ for a max pool, never the maximum).',
];

const BIN_BLOCKS = ['sppAdaptive', 'sppPaper', 'sppnetCompat', 'pyramidPooling'] as const;

/** Every block name `renderPyramidSvg` accepts. */
export const PYRAMID_BLOCKS: readonly PyramidBlockName[] = [
  ...BIN_BLOCKS,
  'ultralyticsSpp',
  'sppf',
  'simSppf',
  'sppcspc',
  'sppelan',
];

/** True for a block name `renderPyramidSvg` accepts. */
export function isPyramidBlock(name: string): name is PyramidBlockName {
  return (PYRAMID_BLOCKS as readonly string[]).includes(name);
}

function describeBlock(block: string): string {
  const entry = Object.values(catalog).find((e) => e.name === block);
  return entry === undefined ? block : `${entry.summary} — ${entry.source}`;
}

function levelsText(levels: readonly number[]): string {
  return levels.join(', ');
}

/** The panels of a picture, without drawing it (the geometry the tests check). */
export function pyramidPicture<K extends PyramidBlockName>(
  block: K,
  config: PyramidConfigs[K],
  size: PyramidSize,
): PyramidPicture {
  const { height, width } = size;
  const rule = describeBlock(block);
  const on = `on a ${height}×${width} input`;
  // Each branch narrows `config` by the block name; TypeScript cannot follow a generic key, so the casts name it.
  switch (block) {
    case 'sppAdaptive': {
      const c = config as PyramidConfigs['sppAdaptive'];
      return {
        heading: `sppAdaptive (${c.pool}) ${on}: levels ${levelsText(c.levels)}`,
        rule,
        legend: BINS_LEGEND,
        panels: adaptivePanels(c, height, width),
      };
    }
    case 'pyramidPooling': {
      const bins = (config as PyramidConfigs['pyramidPooling']).bins ?? [1, 2, 3, 6];
      return {
        heading: `pyramidPooling ${on}: adaptive average pools ${levelsText(bins)}`,
        rule,
        legend: BINS_LEGEND,
        panels: adaptivePanels({ levels: bins, pool: 'avg' }, height, width, 'pyramidPooling'),
      };
    }
    case 'sppPaper': {
      const c = config as PyramidConfigs['sppPaper'];
      return {
        heading: `sppPaper ${on}: levels ${levelsText(c.levels)}`,
        rule,
        legend: BINS_LEGEND,
        panels: paperPanels(c.levels, height, width),
      };
    }
    case 'sppnetCompat': {
      const c = config as PyramidConfigs['sppnetCompat'];
      return {
        heading: `sppnetCompat ${on}: levels ${levelsText(c.levels)}`,
        rule,
        legend: BINS_LEGEND,
        panels: compatPanels(c.levels, height, width),
      };
    }
    default: {
      if (!isNeckName(block))
        throw new ConfigError(
          `no pyramid picture for block '${String(block)}' (pictures: ${PYRAMID_BLOCKS.join(', ')})`,
        );
      const cell = size.cell ?? { row: Math.min(1, height - 1), col: Math.min(1, width - 1) };
      return {
        heading: `${block} ${on}: the max-pool windows read by output cell (${cell.row}, ${cell.col})`,
        rule,
        legend: FIELD_LEGEND,
        panels: neckPanels(block, config as NeckPictureConfigs[typeof block], height, width, cell),
      };
    }
  }
}

/**
 * Draws the windows a block uses on an H×W input as an SVG document (a string): one panel per level with its
 * bins over the grid of input cells (cells no window reads highlighted), or, for a neck, one panel per max pool
 * with its receptive field around an output cell. Levels the block refuses for this size become panels that
 * state the block's reason. Throws ConfigError for an unknown block or a size that is not a positive integer.
 */
export function renderPyramidSvg<K extends PyramidBlockName>(
  block: K,
  config: PyramidConfigs[K],
  size: PyramidSize,
): string {
  return drawPyramidPicture(pyramidPicture(block, config, size));
}

/**
 * A picture config from `sppkit build`'s options, with the same defaults as the block catalogue (levels 4, 2, 1;
 * pool max; kernels 5, 9, 13; chained kernel 5; PSPNet bins 1, 2, 3, 6).
 */
export function pyramidConfigFromOptions<K extends PyramidBlockName>(
  block: K,
  options: BlockOptions,
): PyramidConfigs[K];
export function pyramidConfigFromOptions(
  block: PyramidBlockName,
  options: BlockOptions,
): PyramidConfigs[PyramidBlockName] {
  const levels = options.levels ?? [4, 2, 1];
  const single = (fallback: number): number => {
    const kernels = options.kernels ?? [fallback];
    const [kernel] = kernels;
    if (kernels.length !== 1 || kernel === undefined)
      throw new ConfigError(`${block} takes one kernel size (chained 3 times), got ${kernels.join(',')}`);
    return kernel;
  };
  switch (block) {
    case 'sppAdaptive':
      return { levels, pool: options.pool ?? 'max' };
    case 'sppPaper':
      return { levels, pool: options.pool ?? 'max' };
    case 'sppnetCompat':
      return { levels };
    case 'pyramidPooling':
      return { bins: options.levels ?? [1, 2, 3, 6] };
    case 'ultralyticsSpp':
    case 'sppcspc':
      return { kernels: options.kernels ?? [5, 9, 13] };
    case 'sppf':
    case 'simSppf':
    case 'sppelan':
      return { kernel: single(5) };
  }
}
