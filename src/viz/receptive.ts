/**
 * Receptive fields of the max-pool branches of the SPP/SPPF necks (Ultralytics SPP and SPPF, YOLOv6 SimSPPF,
 * YOLOv7 SPPCSPC, YOLOv9 SPPELAN), around one output cell.
 *
 * The geometry is read from the block itself: the block is built on a small static input with the builder, and
 * every MaxPool node's kernel, stride and pads are read back, along with which pools feed which (SPP's branches
 * are parallel, SPPF's chained). A pool maps the output rows `[a, b)` to the input rows
 * `[a·s − pad_begin, (b − 1)·s − pad_begin + k)` (ONNX MaxPool, dilation 1); a chain applies this from its last
 * pool back to its first, so SPPF's second pool reads 5∘5 = 9 rows and its third 5∘5∘5 = 13. Rows outside the
 * input are padding (−∞ for a max pool: they never win).
 */
import {
  simSppfBlock,
  sppcspcBlock,
  sppelanBlock,
  sppfBlock,
  ultralyticsSppBlock,
  seededWeights,
  type BlockDef,
  type SimSppfConfig,
  type SppcspcConfig,
  type SppelanConfig,
  type SppfConfig,
  type UltralyticsSppConfig,
} from '../blocks/index.js';
import { GraphBuilder } from '../graph/builder.js';
import { DataType } from '../ir/dtype.js';
import { ConfigError, SppkitError } from '../ir/errors.js';
import type { Node } from '../ir/value.js';
import type { FieldPanel, Interval, PyramidPanel } from './pyramid.js';

/** A neck config for a picture: the block's own config, with the channel count optional (it changes nothing). */
export type NeckPictureConfig<C extends { readonly outChannels: number }> = Omit<C, 'outChannels'> & {
  readonly outChannels?: number;
};

/** The necks whose pools can be drawn, by API name. */
export interface NeckPictureConfigs {
  readonly ultralyticsSpp: NeckPictureConfig<UltralyticsSppConfig>;
  readonly sppf: NeckPictureConfig<SppfConfig>;
  readonly simSppf: NeckPictureConfig<SimSppfConfig>;
  readonly sppcspc: NeckPictureConfig<SppcspcConfig>;
  readonly sppelan: NeckPictureConfig<SppelanConfig>;
}

/** API names of the necks with receptive-field pictures. */
export type NeckName = keyof NeckPictureConfigs;

/** Channels of the small model the geometry is read from (the pools do not depend on it). */
const PICTURE_CHANNELS = 4;

/** One pool's window parameters on both axes, read from its node. */
interface PoolWindow {
  readonly name: string;
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padBegin: readonly [number, number];
}

function ints(node: Node, name: string): number[] | undefined {
  const attribute = node.attributes.get(name);
  return attribute?.kind === 'ints' ? attribute.value.map(Number) : undefined;
}

function poolWindow(node: Node): PoolWindow {
  const kernel = ints(node, 'kernel_shape') ?? [];
  const strides = ints(node, 'strides') ?? [1, 1];
  const pads = ints(node, 'pads') ?? [0, 0, 0, 0];
  const dilations = ints(node, 'dilations') ?? [1, 1];
  const autoPad = node.attributes.get('auto_pad');
  const [kh, kw] = kernel;
  const [sh, sw] = strides;
  const [ph, pw] = pads;
  if (
    kh === undefined ||
    kw === undefined ||
    sh === undefined ||
    sw === undefined ||
    ph === undefined ||
    pw === undefined
  )
    throw new ConfigError(`${node.label()}: expected a 2-D pool, got kernel_shape ${JSON.stringify(kernel)}`);
  if (dilations.some((d) => d !== 1) || (autoPad?.kind === 'string' && autoPad.value !== 'NOTSET'))
    throw new ConfigError(`${node.label()}: dilated or auto-padded pools are not drawn`);
  return { name: node.name, kernel: [kh, kw], stride: [sh, sw], padBegin: [ph, pw] };
}

/** The input interval a pool's output interval reads on one axis. */
function backThrough(pool: PoolWindow, axis: 0 | 1, out: Interval): Interval {
  const k = pool.kernel[axis];
  const s = pool.stride[axis];
  const p = pool.padBegin[axis];
  return { start: out.start * s - p, end: (out.end - 1) * s - p + k };
}

/** The chain of MaxPools that ends at `node`, first pool first. */
function chainOf(node: Node): Node[] {
  const chain = [node];
  for (let producer = node.inputs[0]?.producer(); producer?.opType === 'MaxPool';) {
    chain.unshift(producer);
    producer = producer.inputs[0]?.producer();
  }
  return chain;
}

function windowText(pools: readonly PoolWindow[]): string {
  const kernels = pools.map((p) => (p.kernel[0] === p.kernel[1] ? `${p.kernel[0]}` : `${p.kernel[0]}×${p.kernel[1]}`));
  return kernels.join('∘');
}

/** The field panel of one pool (and the chain before it) around `cell`. */
function fieldPanel(
  chain: readonly PoolWindow[],
  height: number,
  width: number,
  cell: { readonly row: number; readonly col: number },
): FieldPanel {
  // Stage j: the window on the chain's input read by output `cell` of pool j.
  const stages = chain.map((_, last) => {
    let rows: Interval = { start: cell.row, end: cell.row + 1 };
    let cols: Interval = { start: cell.col, end: cell.col + 1 };
    for (let j = last; j >= 0; j -= 1) {
      const pool = chain[j];
      if (pool === undefined) continue;
      rows = backThrough(pool, 0, rows);
      cols = backThrough(pool, 1, cols);
    }
    const size = `${rows.end - rows.start}×${cols.end - cols.start}`;
    return { rows, cols, label: last === 0 ? size : `${windowText(chain.slice(0, last + 1))} = ${size}` };
  });
  const field = stages[stages.length - 1] ?? { rows: { start: 0, end: 0 }, cols: { start: 0, end: 0 }, label: '' };
  const own = chain[chain.length - 1];
  const name = own?.name ?? 'pool';
  const title =
    chain.length === 1
      ? `${name}: MaxPool ${field.label}`
      : `${name} after ${chain
          .slice(0, -1)
          .map((p) => p.name)
          .join(', ')}: ${field.label}`;
  const inside = (iv: Interval, size: number): string => `[${Math.max(0, iv.start)}, ${Math.min(size, iv.end)})`;
  const reachesOut = field.rows.start < 0 || field.cols.start < 0 || field.rows.end > height || field.cols.end > width;
  const notes = [
    own === undefined ? '' : `kernel ${windowText([own])}, stride ${own.stride[0]}, pad ${own.padBegin[0]}`,
    `reads rows [${field.rows.start}, ${field.rows.end}), cols [${field.cols.start}, ${field.cols.end})`,
    ...(reachesOut ? [`of the input: rows ${inside(field.rows, height)}, cols ${inside(field.cols, width)}`] : []),
  ];
  return {
    kind: 'field',
    title,
    notes,
    height,
    width,
    padding: {
      top: Math.max(0, -field.rows.start),
      left: Math.max(0, -field.cols.start),
      bottom: Math.max(0, field.rows.end - height),
      right: Math.max(0, field.cols.end - width),
    },
    cell,
    stages,
  };
}

const NECKS: { readonly [K in NeckName]: BlockDef<NeckPictureConfigs[K] & { readonly outChannels: number }> } = {
  ultralyticsSpp: ultralyticsSppBlock,
  sppf: sppfBlock,
  simSppf: simSppfBlock,
  sppcspc: sppcspcBlock,
  sppelan: sppelanBlock,
};

/** True for the API names of the necks with receptive-field pictures. */
export function isNeckName(name: string): name is NeckName {
  return Object.prototype.hasOwnProperty.call(NECKS, name);
}

/**
 * One panel per max pool of the neck, in graph order: the window each reads around output `cell` of an
 * H×W map. A configuration the block refuses gives one refused panel with the block's reason.
 */
export function neckPanels<K extends NeckName>(
  block: K,
  config: NeckPictureConfigs[K],
  height: number,
  width: number,
  cell: { readonly row: number; readonly col: number },
): PyramidPanel[] {
  if (
    !Number.isInteger(cell.row) ||
    !Number.isInteger(cell.col) ||
    cell.row < 0 ||
    cell.col < 0 ||
    cell.row >= height ||
    cell.col >= width
  )
    throw new ConfigError(
      `${block} picture: output cell (${cell.row}, ${cell.col}) is outside the ${height}×${width} map`,
    );
  const def = NECKS[block] as BlockDef<NeckPictureConfigs[K] & { readonly outChannels: number }>;
  const full = { ...config, outChannels: config.outChannels ?? PICTURE_CHANNELS };
  try {
    const b = new GraphBuilder({ name: `${block}-picture` });
    const x = b.input('x', DataType.FLOAT, [1, PICTURE_CHANNELS, height, width]);
    b.output(def.build(b, x, full, seededWeights(def.params(full, PICTURE_CHANNELS), 0)), 'y');
    const pools = b.graph.nodes.filter((node) => node.opType === 'MaxPool');
    if (pools.length === 0) return [{ kind: 'refused', title: block, reason: `${block}: the block has no max pool` }];
    const panels = pools.map((node) => fieldPanel(chainOf(node).map(poolWindow), height, width, cell));
    // One padding for all panels, so that the grids line up and compare at a glance.
    const padding = {
      top: Math.max(...panels.map((p) => p.padding.top)),
      left: Math.max(...panels.map((p) => p.padding.left)),
      bottom: Math.max(...panels.map((p) => p.padding.bottom)),
      right: Math.max(...panels.map((p) => p.padding.right)),
    };
    return panels.map((panel) => ({ ...panel, padding }));
  } catch (error) {
    if (!(error instanceof SppkitError)) throw error;
    return [{ kind: 'refused', title: `${block}: refused`, reason: error.message }];
  }
}
