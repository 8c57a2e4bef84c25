/**
 * Ultralytics' SPP and SPPF necks (ultralytics/nn/modules/block.py, YOLOv5/v8):
 *   SPP:  y = cv1(x); out = cv2(concat[y, mp_k1(y), mp_k2(y), mp_k3(y)])    mp_k = MaxPool(k, stride 1, pad k//2)
 *   SPPF: y0 = cv1(x); y1 = mp(y0); y2 = mp(y1); y3 = mp(y2); out = cv2(concat[y0, y1, y2, y3])
 * cv1: 1×1 Conv+BN+SiLU c1 → c1/2; cv2: 1×1 Conv+BN+SiLU → c2. SPPF(5) equals SPP(5, 9, 13) exactly.
 */
import type { GraphBuilder } from '../graph/builder.js';
import { ConfigError } from '../ir/errors.js';
import type { Value } from '../ir/value.js';
import { nchw, positiveInt, type BlockDef } from './block.js';
import { convBnAct, convBnParams, type Activation, type ConvBnSpec } from './conv-bn.js';
import type { ParamSpec, Weights } from './weights.js';

/** Config shared by the SPP-family necks built from cv1/cv2 units. */
export interface NeckConfig {
  /** Output channels (c2). */
  readonly outChannels: number;
  /** BatchNorm epsilon (Ultralytics: 0.001). */
  readonly bnEps?: number;
  /** Keep BatchNormalization nodes instead of folding them into the convs. */
  readonly keepBn?: boolean;
}

/** `ultralyticsSpp` config. */
export interface UltralyticsSppConfig extends NeckConfig {
  /** Parallel max-pool kernel sizes (default 5, 9, 13). */
  readonly kernels?: readonly number[];
}

/** `sppf` config. */
export interface SppfConfig extends NeckConfig {
  /** The chained max-pool kernel size (default 5). */
  readonly kernel?: number;
}

const ULTRALYTICS_BN_EPS = 0.001;

function units(
  block: string,
  c1: number,
  c2: number,
  branches: number,
  config: NeckConfig,
  act: Activation,
): [ConvBnSpec, ConvBnSpec] {
  positiveInt(block, 'in channels', c1);
  positiveInt(block, 'out channels', c2);
  const hidden = Math.floor(c1 / 2);
  if (hidden < 1)
    throw new ConfigError(`${block}: in channels ${c1} must be at least 2 (hidden width c1//2 would be 0)`);
  const common = {
    act,
    bnEps: config.bnEps ?? ULTRALYTICS_BN_EPS,
    ...(config.keepBn === undefined ? {} : { keepBn: config.keepBn }),
  };
  return [
    { prefix: 'cv1', cIn: c1, cOut: hidden, ...common },
    { prefix: 'cv2', cIn: hidden * branches, cOut: c2, ...common },
  ];
}

/** A stride-1 "same" max pool of odd kernel k (pad k//2 each side). */
export function samePool(b: GraphBuilder, x: Value, kernel: number, name: string): Value {
  if (!Number.isInteger(kernel) || kernel < 1 || kernel % 2 === 0)
    throw new ConfigError(`${name}: max-pool kernel must be an odd positive integer, got ${kernel}`);
  const pad = Math.floor(kernel / 2);
  return b.maxPool(x, { kernelShape: [kernel, kernel], strides: [1, 1], pads: [pad, pad, pad, pad] }, { name });
}

function kernelsOf(config: UltralyticsSppConfig): readonly number[] {
  const kernels = config.kernels ?? [5, 9, 13];
  if (kernels.length === 0) throw new ConfigError('ultralyticsSpp: kernels must not be empty');
  return kernels;
}

/** Builds a SPP-style neck: cv1, branches from `pools(y)`, concat, cv2. */
export function neck(
  b: GraphBuilder,
  x: Value,
  specs: readonly [ConvBnSpec, ConvBnSpec],
  weights: Weights,
  pools: (y: Value) => Value[],
): Value {
  const y = convBnAct(b, x, specs[0], weights);
  const cat = b.concat([y, ...pools(y)], { axis: 1 }, { name: 'concat' });
  return convBnAct(b, cat, specs[1], weights);
}

/** Ultralytics SPP. */
export const ultralyticsSppBlock: BlockDef<UltralyticsSppConfig> = {
  name: 'ultralyticsSpp',
  cliName: 'ultralytics-spp',
  summary: 'Ultralytics SPP: cv1 → concat(y, MaxPool 5/9/13) → cv2',
  source: 'ultralytics/nn/modules/block.py SPP (YOLOv5/YOLOv8)',
  params(config, c1): ParamSpec[] {
    return units('ultralyticsSpp', c1, config.outChannels, kernelsOf(config).length + 1, config, 'silu').flatMap(
      convBnParams,
    );
  },
  build(b, x, config, weights) {
    const kernels = kernelsOf(config);
    const specs = units(
      'ultralyticsSpp',
      nchw(x, 'ultralyticsSpp').channels,
      config.outChannels,
      kernels.length + 1,
      config,
      'silu',
    );
    return neck(b, x, specs, weights, (y) => kernels.map((k) => samePool(b, y, k, `m.${k}`)));
  },
};

/** Ultralytics SPPF (three chained pools). */
export const sppfBlock: BlockDef<SppfConfig> = {
  name: 'sppf',
  cliName: 'sppf',
  summary: 'Ultralytics SPPF: cv1 → three chained MaxPool 5 → concat of 4 → cv2',
  source: 'ultralytics/nn/modules/block.py SPPF (YOLOv5 v6+/YOLOv8)',
  params(config, c1): ParamSpec[] {
    return units('sppf', c1, config.outChannels, 4, config, 'silu').flatMap(convBnParams);
  },
  build(b, x, config, weights) {
    const specs = units('sppf', nchw(x, 'sppf').channels, config.outChannels, 4, config, 'silu');
    return neck(b, x, specs, weights, (y) => chainedPools(b, y, config.kernel ?? 5, 3));
  },
};

/** `count` max pools of kernel k applied in series; returns each stage's output. */
export function chainedPools(b: GraphBuilder, y: Value, kernel: number, count: number): Value[] {
  const stages: Value[] = [];
  let current = y;
  for (let i = 0; i < count; i += 1) {
    current = samePool(b, current, kernel, `m.${i}`);
    stages.push(current);
  }
  return stages;
}
