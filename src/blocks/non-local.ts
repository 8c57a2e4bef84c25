/**
 * The non-local block (Wang et al. 2018, "Non-local Neural Networks"), embedded-Gaussian form with the 2×2
 * max-pool subsampling of φ and g, following AlexHex7/Non-local_pytorch lib/non_local_embedded_gaussian.py
 * (`NONLocalBlock2D`, sub_sample=True, bn_layer=True). With Ci = inner channels (default max(1, C // 2)) and
 * M = floor(H/2)·floor(W/2):
 *   θ = Conv1x1(x; theta.*)                     → reshape [N, Ci, H·W] → transpose [N, H·W, Ci]
 *   φ = MaxPool2x2(Conv1x1(x; phi.0.*))         → reshape [N, Ci, M]
 *   g = MaxPool2x2(Conv1x1(x; g.0.*))           → reshape [N, Ci, M]
 *   f = θᵀφ                                      [N, H·W, M]   (no 1/sqrt(d) scaling)
 *   a = softmax(f, axis -1)                      over the M key positions
 *   y = g · aᵀ                                   [N, Ci, H·W] → reshape [N, Ci, H, W]
 *   z = BN(Conv1x1(y; W.0.*); W.1.*) + x         (BN in eval mode, eps 1e-5; folded into W.0 unless kept)
 * Every conv has a bias. Flattening is row-major (position r·w + c), as PyTorch's `.view`.
 * Weights (state_dict names): `g.0.weight` [Ci, C, 1, 1], `g.0.bias`, `theta.weight`, `theta.bias`,
 * `phi.0.weight`, `phi.0.bias`, `W.0.weight` [C, Ci, 1, 1], `W.0.bias`, `W.1.weight`, `W.1.bias`,
 * `W.1.running_mean`, `W.1.running_var`. Without subsampling φ and g are plain convs (`phi.*`, `g.*`).
 */
import type { GraphBuilder } from '../graph/builder.js';
import { formatShape } from '../ir/dim.js';
import { ConfigError } from '../ir/errors.js';
import type { Value } from '../ir/value.js';
import { nchw, positiveInt, type BlockDef } from './block.js';
import { foldBatchNorm } from './conv-bn.js';
import { weight, type ParamSpec, type Weights } from './weights.js';

/** `nonLocal` config. */
export interface NonLocalConfig {
  /** Ci (default max(1, C // 2)). */
  readonly innerChannels?: number;
  /** 2×2 max-pool subsampling of φ and g (default true). */
  readonly subSample?: boolean;
  /** BatchNorm eps (default 1e-5). */
  readonly bnEps?: number;
  /** Keep the BatchNormalization node instead of folding it into W.0. */
  readonly keepBn?: boolean;
}

const PYTORCH_BN_EPS = 1e-5;
/** The subsampling window (MaxPool2d(kernel_size=(2, 2))). */
const SUBSAMPLE = 2;

function innerOf(config: NonLocalConfig, channels: number): number {
  return config.innerChannels === undefined
    ? Math.max(1, Math.floor(channels / 2))
    : positiveInt('nonLocal', 'inner channels', config.innerChannels);
}

/** Module names of θ, φ, g (φ and g sit in a Sequential with the pool when subsampling). */
function names(config: NonLocalConfig): { theta: string; phi: string; g: string } {
  const sub = config.subSample !== false;
  return { theta: 'theta', phi: sub ? 'phi.0' : 'phi', g: sub ? 'g.0' : 'g' };
}

function nonLocalParams(config: NonLocalConfig, channels: number): ParamSpec[] {
  const c = positiveInt('nonLocal', 'in channels', channels);
  const ci = innerOf(config, c);
  const n = names(config);
  const conv = (prefix: string, cOut: number, cIn: number): ParamSpec[] => [
    { name: `${prefix}.weight`, shape: [cOut, cIn, 1, 1], init: 'conv' },
    { name: `${prefix}.bias`, shape: [cOut], init: 'bias' },
  ];
  return [
    ...conv(n.g, ci, c),
    ...conv(n.theta, ci, c),
    ...conv(n.phi, ci, c),
    ...conv('W.0', c, ci),
    { name: 'W.1.weight', shape: [c], init: 'bn-weight' },
    { name: 'W.1.bias', shape: [c], init: 'bn-bias' },
    { name: 'W.1.running_mean', shape: [c], init: 'bn-mean' },
    { name: 'W.1.running_var', shape: [c], init: 'bn-var' },
  ];
}

/** A 1×1 conv with bias from the weights. */
function conv1x1(b: GraphBuilder, x: Value, prefix: string, weights: Weights): Value {
  return b.conv(
    x,
    b.constant(`${prefix}.weight`, weight(weights, `${prefix}.weight`)),
    b.constant(`${prefix}.bias`, weight(weights, `${prefix}.bias`)),
    {},
    { name: prefix },
  );
}

/** The output projection W (conv + BN), folded unless `keepBn`. */
function projection(b: GraphBuilder, y: Value, config: NonLocalConfig, weights: Weights): Value {
  const eps = config.bnEps ?? PYTORCH_BN_EPS;
  const stats = {
    gamma: weight(weights, 'W.1.weight'),
    beta: weight(weights, 'W.1.bias'),
    mean: weight(weights, 'W.1.running_mean'),
    variance: weight(weights, 'W.1.running_var'),
    eps,
  };
  if (config.keepBn === true) {
    const conv = conv1x1(b, y, 'W.0', weights);
    return b.batchNormalization(
      conv,
      b.constant('W.1.weight', stats.gamma),
      b.constant('W.1.bias', stats.beta),
      b.constant('W.1.running_mean', stats.mean),
      b.constant('W.1.running_var', stats.variance),
      { epsilon: eps },
      { name: 'W.1' },
    );
  }
  const folded = foldBatchNorm(weight(weights, 'W.0.weight'), stats, weight(weights, 'W.0.bias'));
  return b.conv(y, b.constant('W.0.weight', folded.weight), b.constant('W.0.bias', folded.bias), {}, { name: 'W.0' });
}

/** Builds the non-local block on NCHW `x`; the output has x's shape. */
export function nonLocal(b: GraphBuilder, x: Value, config: NonLocalConfig, weights: Weights): Value {
  const { channels, shape } = nchw(x, 'nonLocal');
  const ci = innerOf(config, channels);
  const n = names(config);
  const sub = config.subSample !== false;
  const [, , height, width] = shape;
  if (sub && ((typeof height === 'number' && height < SUBSAMPLE) || (typeof width === 'number' && width < SUBSAMPLE))) {
    throw new ConfigError(
      `nonLocal: the 2×2 subsampling needs height and width >= 2, got input '${x.name}' ${formatShape(shape)}`,
    );
  }
  const subsample = (v: Value, name: string): Value =>
    sub ? b.maxPool(v, { kernelShape: [SUBSAMPLE, SUBSAMPLE], strides: [SUBSAMPLE, SUBSAMPLE] }, { name }) : v;
  const theta = conv1x1(b, x, n.theta, weights);
  const phi = subsample(conv1x1(b, x, n.phi, weights), 'phi.1');
  const g = subsample(conv1x1(b, x, n.g, weights), 'g.1');
  const flat = (v: Value, name: string): Value => b.reshape(v, [0, ci, -1], { name });
  const thetaT = b.transpose(flat(theta, 'theta.flat'), { perm: [0, 2, 1] }, { name: 'theta.t' });
  const f = b.matMul(thetaT, flat(phi, 'phi.flat'), { name: 'f' });
  const attention = b.softmax(f, { axis: -1 }, { name: 'attention' });
  const y = b.matMul(flat(g, 'g.flat'), b.transpose(attention, { perm: [0, 2, 1] }, { name: 'attention.t' }), {
    name: 'y',
  });
  const spatial =
    typeof height === 'number' && typeof width === 'number'
      ? [0, ci, height, width]
      : b.shapeOf(theta, undefined, { name: 'theta.shape' });
  const yImage = b.reshape(y, spatial, { name: 'y.image' });
  return b.add(projection(b, yImage, config, weights), x, { name: 'z' });
}

/** The `nonLocal` block. */
export const nonLocalBlock: BlockDef<NonLocalConfig> = {
  name: 'nonLocal',
  cliName: 'non-local',
  summary: 'non-local block, embedded Gaussian, with 2×2 max-pool subsampling of phi and g',
  source: 'Wang et al. 2018; AlexHex7/Non-local_pytorch NONLocalBlock2D (sub_sample, bn_layer)',
  params: (config, channels) => nonLocalParams(config, channels),
  build: (b, x, config, weights) => nonLocal(b, x, config, weights),
};
