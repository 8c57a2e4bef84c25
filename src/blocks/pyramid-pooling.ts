/**
 * PSPNet's pyramid pooling module (Zhao et al. 2017), following hszhao/semseg model/pspnet.py `PPM`:
 *   for each bin count n in `bins` (default 1, 2, 3, 6), in order:
 *     p_n = AdaptiveAvgPool2d(n)(x)                     exact adaptive bins (sppAdaptive's level lowering)
 *     q_n = ReLU(BN(Conv2d(c, r, 1×1, bias=False)(p_n)))  r = c / len(bins) by default (PSPNet: 2048 / 4)
 *     u_n = F.interpolate(q_n, (H, W), mode='bilinear', align_corners=True)
 *   out = concat([x, u_1, u_2, ...], dim 1)          → [N, c + len(bins)·r, H, W]
 * The resize is ONNX Resize, mode `linear`, coordinate_transformation_mode `align_corners` (or
 * `pytorch_half_pixel` with `alignCorners: false`, PyTorch's align_corners=False), to sizes taken from x (static
 * sizes as a constant, symbolic ones from Shape).
 * Weights (state_dict names of the PPM module): `features.<i>.1.weight` [r, c, 1, 1] (the conv) and
 * `features.<i>.2.weight`, `.bias`, `.running_mean`, `.running_var` [r] (the BatchNorm, eps 1e-5), i = bin index.
 */
import type { GraphBuilder } from '../graph/builder.js';
import { ConfigError } from '../ir/errors.js';
import { Tensor } from '../ir/tensor.js';
import type { Value } from '../ir/value.js';
import { nchw, positiveInt, type BlockDef } from './block.js';
import { activate, foldBatchNorm } from './conv-bn.js';
import { adaptivePoolLevel } from './spp-adaptive.js';
import { weight, type ParamSpec, type Weights } from './weights.js';

/** `pyramidPooling` config. */
export interface PyramidPoolingConfig {
  /** Bin counts per side (default 1, 2, 3, 6). */
  readonly bins?: readonly number[];
  /** Channels of each branch (default: in channels / number of bins, which must divide). */
  readonly reductionChannels?: number;
  /** BatchNorm eps (default 1e-5, PyTorch's default). */
  readonly bnEps?: number;
  /** Bilinear resize with align_corners (default true, as hszhao/semseg). */
  readonly alignCorners?: boolean;
  /** Keep BatchNormalization nodes instead of folding them into the convs. */
  readonly keepBn?: boolean;
}

const DEFAULT_BINS = [1, 2, 3, 6] as const;
const PYTORCH_BN_EPS = 1e-5;

function binsOf(config: PyramidPoolingConfig): readonly number[] {
  const bins = config.bins ?? DEFAULT_BINS;
  if (bins.length === 0) throw new ConfigError('pyramidPooling: bins must not be empty');
  bins.forEach((n, i) => positiveInt('pyramidPooling', `bins[${i}]`, n));
  return bins;
}

function reductionOf(config: PyramidPoolingConfig, inChannels: number, binCount: number): number {
  if (config.reductionChannels !== undefined)
    return positiveInt('pyramidPooling', 'reduction channels', config.reductionChannels);
  if (inChannels % binCount !== 0 || inChannels < binCount) {
    throw new ConfigError(
      `pyramidPooling: in channels ${inChannels} is not a multiple of the ${binCount} bins; give reductionChannels`,
    );
  }
  return inChannels / binCount;
}

/** The state_dict names and shapes, in order. */
function pyramidParams(config: PyramidPoolingConfig, inChannels: number): ParamSpec[] {
  const bins = binsOf(config);
  const r = reductionOf(config, inChannels, bins.length);
  return bins.flatMap((_, i) => [
    { name: `features.${i}.1.weight`, shape: [r, inChannels, 1, 1], init: 'conv' as const },
    { name: `features.${i}.2.weight`, shape: [r], init: 'bn-weight' as const },
    { name: `features.${i}.2.bias`, shape: [r], init: 'bn-bias' as const },
    { name: `features.${i}.2.running_mean`, shape: [r], init: 'bn-mean' as const },
    { name: `features.${i}.2.running_var`, shape: [r], init: 'bn-var' as const },
  ]);
}

/** 1×1 Conv (no bias) + BatchNorm + ReLU of branch i. */
function branchUnit(b: GraphBuilder, x: Value, i: number, config: PyramidPoolingConfig, weights: Weights): Value {
  const conv = `features.${i}.1`;
  const bn = `features.${i}.2`;
  const eps = config.bnEps ?? PYTORCH_BN_EPS;
  const stats = {
    gamma: weight(weights, `${bn}.weight`),
    beta: weight(weights, `${bn}.bias`),
    mean: weight(weights, `${bn}.running_mean`),
    variance: weight(weights, `${bn}.running_var`),
    eps,
  };
  let y: Value;
  if (config.keepBn === true) {
    const c = b.conv(x, b.constant(`${conv}.weight`, weight(weights, `${conv}.weight`)), null, {}, { name: conv });
    y = b.batchNormalization(
      c,
      b.constant(`${bn}.weight`, stats.gamma),
      b.constant(`${bn}.bias`, stats.beta),
      b.constant(`${bn}.running_mean`, stats.mean),
      b.constant(`${bn}.running_var`, stats.variance),
      { epsilon: eps },
      { name: bn },
    );
  } else {
    const folded = foldBatchNorm(weight(weights, `${conv}.weight`), stats);
    y = b.conv(
      x,
      b.constant(`${conv}.weight`, folded.weight),
      b.constant(`${conv}.bias`, folded.bias),
      {},
      { name: conv },
    );
  }
  return activate(b, y, 'relu', `features.${i}`);
}

/** The Resize `sizes` input [N, r, H, W]: a constant when all are static, else from Shape(x) and Shape(q). */
function targetSizes(b: GraphBuilder, x: Value, q: Value, name: string): Value {
  const xs = x.type?.shape ?? [];
  const qs = q.type?.shape ?? [];
  const dims = [qs[0], qs[1], xs[2], xs[3]];
  if (dims.every((d): d is number => typeof d === 'number'))
    return b.constant(`${name}.sizes`, Tensor.int64([4], dims));
  const head = b.shapeRange(q, 0, 2, { name: `${name}.head` });
  const tail = b.shapeRange(x, 2, 4, { name: `${name}.tail` });
  return b.concat([head, tail], { axis: 0 }, { name: `${name}.sizes` });
}

/**
 * Resize to `sizes` = [N, r, H, W] makes exactly that shape, but inference cannot see through the Shape/Concat
 * that computes dynamic sizes and leaves the dims unknown. Fills the unknown dims of `resized` from `x` (N, H, W)
 * and `q` (r), so that the concatenated channel count is a number (c + bins·r) and two builds write the same file.
 */
function refineResized(resized: Value, x: Value, q: Value): void {
  const type = resized.type;
  const known = [x.type?.shape?.[0], q.type?.shape?.[1], x.type?.shape?.[2], x.type?.shape?.[3]];
  if (type === null || type.shape === null || type.shape.length !== known.length) return;
  const shape = type.shape.map((dim, axis) => {
    const better = known[axis];
    return typeof dim !== 'number' && dim.isUnknown && better !== undefined ? better : dim;
  });
  resized.type = { ...type, shape };
}

/** Builds PSPNet's pyramid pooling module on NCHW `x`. */
export function pyramidPooling(b: GraphBuilder, x: Value, config: PyramidPoolingConfig, weights: Weights): Value {
  const { channels } = nchw(x, 'pyramidPooling');
  const bins = binsOf(config);
  reductionOf(config, channels, bins.length);
  const mode = config.alignCorners === false ? 'pytorch_half_pixel' : 'align_corners';
  const branches = bins.map((n, i) => {
    const pooled = adaptivePoolLevel(b, x, n, 'avg', `features.${i}.0`);
    const q = branchUnit(b, pooled, i, config, weights);
    const name = `features.${i}.resize`;
    const resized = b.resizeTo(
      q,
      targetSizes(b, x, q, name),
      { mode: 'linear', coordinateTransformationMode: mode },
      { name },
    );
    refineResized(resized, x, q);
    return resized;
  });
  return b.concat([x, ...branches], { axis: 1 }, { name: 'ppm.concat' });
}

/** The catalogue's one-line summary of the block. */
const PYRAMID_SUMMARY =
  'PSPNet pyramid pooling: adaptive avg 1,2,3,6 → 1×1 Conv+BN+ReLU → bilinear resize → concat with input';

/** The `pyramidPooling` block. */
export const pyramidPoolingBlock: BlockDef<PyramidPoolingConfig> = {
  name: 'pyramidPooling',
  cliName: 'pyramid-pooling',
  summary: PYRAMID_SUMMARY,
  source: 'hszhao/semseg model/pspnet.py PPM (bilinear, align_corners=True)',
  params: (config, inChannels) => pyramidParams(config, inChannels),
  build: (b, x, config, weights) => pyramidPooling(b, x, config, weights),
};
