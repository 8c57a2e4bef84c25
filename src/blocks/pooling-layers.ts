/**
 * The seed's plain pooling layers as blocks (PyTorch `nn.MaxPool2d`, `nn.AvgPool2d`, global pooling and a
 * strided `nn.Conv2d`), each one ONNX node:
 *   maxPool        MaxPool with kernel, stride (default = kernel), pads, dilation, ceil mode
 *   avgPool        AveragePool, the same plus count_include_pad (default false, ONNX's default; PyTorch's
 *                  nn.AvgPool2d defaults to true, so pass it explicitly when porting)
 *   globalMaxPool  GlobalMaxPool → [N, C, 1, 1]
 *   globalAvgPool  GlobalAveragePool → [N, C, 1, 1]
 *   stridedPool    max pooling with kernel = stride (default 3), no padding, floor mode
 *   convPool       learned pooling: Conv2d(c_in, c_out, kernel 3, stride 2, pad 1, bias) (params `weight`, `bias`)
 * Padding never wins a max (ONNX MaxPool ignores padded cells).
 */
import type { GraphBuilder } from '../graph/builder.js';
import { ConfigError } from '../ir/errors.js';
import type { Value } from '../ir/value.js';
import { resolveWindows } from '../ops/shared/pool-geometry.js';
import { nchw, positiveInt, type BlockDef } from './block.js';
import { weight, type ParamSpec } from './weights.js';

/** A size per spatial axis, or one number for both. */
export type Pair = number | readonly [number, number];

/** Padding: one number (all sides), [rows, cols] (symmetric), or ONNX order [top, left, bottom, right]. */
export type Padding = Pair | readonly [number, number, number, number];

/** `maxPool` config. */
export interface MaxPoolConfig {
  readonly kernel: Pair;
  /** Default: the kernel. */
  readonly stride?: Pair;
  /** Padding (default 0). */
  readonly pad?: Padding;
  readonly dilation?: Pair;
  readonly ceilMode?: boolean;
}

/** `avgPool` config. */
export interface AvgPoolConfig {
  readonly kernel: Pair;
  readonly stride?: Pair;
  /** Padding (default 0). */
  readonly pad?: Padding;
  readonly ceilMode?: boolean;
  /** Count padded cells in the divisor (default false, as ONNX). */
  readonly countIncludePad?: boolean;
}

/** `stridedPool` config. */
export interface StridedPoolConfig {
  /** kernel = stride (default 3). */
  readonly kernel?: number;
}

/** `convPool` config. */
export interface ConvPoolConfig {
  readonly outChannels: number;
  /** Default 3. */
  readonly kernel?: Pair;
  /** Default 2. */
  readonly stride?: Pair;
  /** Default 1 on every side. */
  readonly pad?: Padding;
}

/** A pair as [rows, cols], each a checked integer ≥ `min`. */
export function pair(block: string, what: string, value: Pair, min = 1): [number, number] {
  const [a, b] = typeof value === 'number' ? [value, value] : value;
  for (const v of [a, b]) {
    if (!Number.isInteger(v) || v < min)
      throw new ConfigError(`${block}: ${what} must be integers >= ${min}, got ${JSON.stringify(value)}`);
  }
  return [a, b];
}

/** ONNX `pads` ([top, left, bottom, right]) from a padding config, each a checked non-negative integer. */
export function onnxPads(block: string, value: Padding): [number, number, number, number] {
  if (typeof value !== 'number' && value.length === 4) {
    const [top, left, bottom, right] = value;
    if (value.some((v) => !Number.isInteger(v) || v < 0))
      throw new ConfigError(`${block}: pad must be integers >= 0, got ${JSON.stringify(value)}`);
    return [top, left, bottom, right];
  }
  const [rows, cols] = pair(block, 'pad', typeof value === 'number' ? value : [value[0], value[1]], 0);
  return [rows, cols, rows, cols];
}

/** ONNX window attributes from a pooling config. */
function windowAttrs(
  block: string,
  config: { kernel: Pair; stride?: Pair; pad?: Padding; ceilMode?: boolean },
): { kernelShape: number[]; strides: number[]; pads: number[]; ceilMode: number } {
  const kernel = pair(block, 'kernel', config.kernel);
  const stride = pair(block, 'stride', config.stride ?? kernel);
  return {
    kernelShape: kernel,
    strides: stride,
    pads: onnxPads(block, config.pad ?? 0),
    ceilMode: config.ceilMode === true ? 1 : 0,
  };
}

/**
 * The same windows without ceil_mode, where that is exact: ceil mode only adds a last window that reaches past the
 * input, and a window's padded cells never count for a max (nor for an average that excludes padding), so floor
 * mode with the end padding grown to `(out - 1)·s + span - a - pad_begin` gives the same output. This keeps models
 * off a feature some runtimes lack (onnxruntime-web's JS WebGPU kernels reject ceil_mode; onnxruntime's static shape
 * inference ignores the last-window rule). Returns the attributes unchanged where the input size is symbolic or the
 * grown padding would reach the kernel size.
 */
export function withoutCeilMode<
  A extends { kernelShape: number[]; strides: number[]; pads: number[]; ceilMode: number; dilations?: number[] },
>(x: Value, attrs: A): A {
  const spatial = x.type?.shape?.slice(2);
  if (attrs.ceilMode === 0 || spatial === undefined || !spatial.every((d): d is number => typeof d === 'number'))
    return attrs;
  const fail = (detail: string): never => {
    throw new ConfigError(detail);
  };
  const ceil = resolveWindows(spatial, { ...attrs, autoPad: 'NOTSET', dilations: attrs.dilations }, fail);
  const pads = [...attrs.pads];
  ceil.forEach((axis, i) => {
    const span = axis.dilation * (axis.kernel - 1) + 1;
    pads[i + spatial.length] = Math.max(
      axis.padEnd,
      (axis.outSize - 1) * axis.stride + span - axis.inSize - axis.padBegin,
    );
  });
  const floorAttrs = { ...attrs, pads, ceilMode: 0 };
  const floor = resolveWindows(spatial, { ...floorAttrs, autoPad: 'NOTSET', dilations: attrs.dilations }, fail);
  const same = floor.every((axis, i) => axis.outSize === ceil[i]?.outSize);
  const portable = pads.every((pad, i) => pad < (attrs.kernelShape[i % spatial.length] ?? 0));
  return same && portable ? floorAttrs : attrs;
}

/** Max pooling. */
export function maxPool(b: GraphBuilder, x: Value, config: MaxPoolConfig): Value {
  nchw(x, 'maxPool');
  const dilation = pair('maxPool', 'dilation', config.dilation ?? 1);
  const window = windowAttrs('maxPool', config);
  const attrs = withoutCeilMode(
    x,
    dilation[0] === 1 && dilation[1] === 1 ? window : { ...window, dilations: dilation },
  );
  return b.maxPool(x, attrs, { name: 'max_pool' });
}

/**
 * Average pooling. In ceil mode with count_include_pad the end padding cannot simply grow (grown padding would
 * count in the divisor), and onnxruntime-web refuses the ceil-mode form outright when a last window starts in the
 * padding ("Can't merge shape info"); so, for a static input, the padding becomes real zeros (a Pad node) and the
 * pool runs in floor mode with count_include_pad = 0 and end padding `e = (out - 1)·s + k - L` over the padded
 * length L. That is exact: the zeros add nothing to a sum and count in the divisor exactly where the spec counts
 * padding (inside `[-pad_begin, a + pad_end)`), the grown `e` counts nowhere, and since pads < kernel no extra
 * window fits (a dropped window starts at or after `a + pad_begin`, so it would end past `a + pad_begin + k > L`).
 */
export function avgPool(b: GraphBuilder, x: Value, config: AvgPoolConfig): Value {
  nchw(x, 'avgPool');
  const window = windowAttrs('avgPool', config);
  if (config.countIncludePad !== true) {
    return b.averagePool(x, { ...withoutCeilMode(x, window), countIncludePad: 0 }, { name: 'avg_pool' });
  }
  const spatial = x.type?.shape?.slice(2);
  if (window.ceilMode === 0 || spatial === undefined || !spatial.every((d): d is number => typeof d === 'number')) {
    return b.averagePool(x, { ...window, countIncludePad: 1 }, { name: 'avg_pool' });
  }
  const fail = (detail: string): never => {
    throw new ConfigError(`avgPool: ${detail}`);
  };
  const axes = resolveWindows(spatial, { ...window, autoPad: 'NOTSET', dilations: undefined }, fail);
  const rank = spatial.length;
  const pads = [0, 0, ...window.pads.slice(0, rank), 0, 0, ...window.pads.slice(rank)];
  const padded = b.pad(x, null, { pads }, { name: 'avg_pool.pad' });
  const endPads = axes.map((axis) => {
    const length = axis.inSize + axis.padBegin + axis.padEnd;
    return Math.max(0, (axis.outSize - 1) * axis.stride + axis.kernel - length);
  });
  const poolPads = [...endPads.map(() => 0), ...endPads];
  return b.averagePool(padded, { ...window, pads: poolPads, ceilMode: 0, countIncludePad: 0 }, { name: 'avg_pool' });
}

/** The `maxPool` block. */
export const maxPoolBlock: BlockDef<MaxPoolConfig> = {
  name: 'maxPool',
  cliName: 'max-pool',
  summary: 'max pooling (MaxPool: kernel, stride, pads, dilation, ceil mode)',
  source: 'torch.nn.MaxPool2d / ONNX MaxPool',
  params: () => [],
  build: (b, x, config) => maxPool(b, x, config),
};

/** The `avgPool` block. */
export const avgPoolBlock: BlockDef<AvgPoolConfig> = {
  name: 'avgPool',
  cliName: 'avg-pool',
  summary: 'average pooling (AveragePool: kernel, stride, pads, ceil mode, count_include_pad)',
  source: 'torch.nn.AvgPool2d / ONNX AveragePool',
  params: () => [],
  build: (b, x, config) => avgPool(b, x, config),
};

/** The `globalMaxPool` block (no config). */
export const globalMaxPoolBlock: BlockDef<Record<string, never>> = {
  name: 'globalMaxPool',
  cliName: 'global-max-pool',
  summary: 'global max pooling → [N, C, 1, 1]',
  source: 'torch.nn.AdaptiveMaxPool2d(1) / ONNX GlobalMaxPool',
  params: () => [],
  build: (b, x) => {
    nchw(x, 'globalMaxPool');
    return b.globalMaxPool(x, { name: 'global_max_pool' });
  },
};

/** The `globalAvgPool` block (no config). */
export const globalAvgPoolBlock: BlockDef<Record<string, never>> = {
  name: 'globalAvgPool',
  cliName: 'global-avg-pool',
  summary: 'global average pooling → [N, C, 1, 1]',
  source: 'torch.nn.AdaptiveAvgPool2d(1) / ONNX GlobalAveragePool',
  params: () => [],
  build: (b, x) => {
    nchw(x, 'globalAvgPool');
    return b.globalAveragePool(x, { name: 'global_avg_pool' });
  },
};

/** The `stridedPool` block: non-overlapping max pooling. */
export const stridedPoolBlock: BlockDef<StridedPoolConfig> = {
  name: 'stridedPool',
  cliName: 'strided-pool',
  summary: 'strided max pooling (kernel = stride, default 3; no padding, floor mode)',
  source: 'torch.nn.MaxPool2d(3, stride=3)',
  params: () => [],
  build: (b, x, config) => {
    const k = positiveInt('stridedPool', 'kernel', config.kernel ?? 3);
    return maxPool(b, x, { kernel: k, stride: k });
  },
};

function convPoolGeometry(config: ConvPoolConfig): {
  kernel: [number, number];
  stride: [number, number];
  pads: [number, number, number, number];
} {
  return {
    kernel: pair('convPool', 'kernel', config.kernel ?? 3),
    stride: pair('convPool', 'stride', config.stride ?? 2),
    pads: onnxPads('convPool', config.pad ?? 1),
  };
}

/** The `convPool` block: a strided convolution with bias, params `weight` [c_out, c_in, k, k] and `bias` [c_out]. */
export const convPoolBlock: BlockDef<ConvPoolConfig> = {
  name: 'convPool',
  cliName: 'conv-pool',
  summary: 'convolutional (learned) pooling: Conv2d kernel 3, stride 2, pad 1, with bias',
  source: 'torch.nn.Conv2d(c_in, c_out, 3, stride=2, padding=1) (state_dict: weight, bias)',
  params(config, inChannels): ParamSpec[] {
    const { kernel } = convPoolGeometry(config);
    const cOut = positiveInt('convPool', 'out channels', config.outChannels);
    return [
      { name: 'weight', shape: [cOut, inChannels, kernel[0], kernel[1]], init: 'conv' },
      { name: 'bias', shape: [cOut], init: 'bias' },
    ];
  },
  build(b, x, config, weights) {
    nchw(x, 'convPool');
    const { kernel, stride, pads } = convPoolGeometry(config);
    const w = b.constant('weight', weight(weights, 'weight'));
    const bias = b.constant('bias', weight(weights, 'bias'));
    return b.conv(x, w, bias, { kernelShape: kernel, strides: stride, pads }, { name: 'conv_pool' });
  },
};
