/**
 * Stochastic pooling (Zeiler & Fergus 2013, "Stochastic Pooling for Regularization of Deep Convolutional
 * Neural Networks"), for non-negative activations (after ReLU).
 *
 * Inference (`stochasticPool` block): each window gives the probability-weighted average
 *   y = Σ p_i a_i,  p_i = a_i / Σ_j a_j   =   Σ a_i² / Σ a_i,   and y = 0 where Σ a_i = 0.
 * Emitted from ONNX ops: num = AveragePool(x·x), den = AveragePool(x) (same window, no padding, so the same
 * divisor cancels), zero = Equal(den, 0), y = Where(zero, 0, num / Where(zero, 1, den)). The inner Where keeps
 * the division finite, the outer one makes an all-zero window exactly 0.
 *
 * Training (`stochasticPoolSample`, pure TS): each window picks one of its elements with probability a_i / Σ a_j
 * (a multinomial draw) and outputs it. Draws come from one mulberry32 stream seeded with `seed`, one uniform
 * u ∈ [0, 1) per window in row-major output order (n, c, row, col); the pick is the first window element (in
 * row-major window order) whose running sum exceeds u·Σa. Windows whose sum is 0 output 0 and consume no draw.
 */
import type { GraphBuilder } from '../graph/builder.js';
import { DataType } from '../ir/dtype.js';
import { ConfigError } from '../ir/errors.js';
import { Tensor } from '../ir/tensor.js';
import type { Value } from '../ir/value.js';
import { resolveWindows, type AxisGeometry } from '../ops/shared/pool-geometry.js';
import { nchw, type BlockDef } from './block.js';
import { pair, type Pair } from './pooling-layers.js';
import { prng } from './weights.js';

/** `stochasticPool` config. */
export interface StochasticPoolConfig {
  /** Window size (default 2). */
  readonly kernel?: Pair;
  /** Default: the kernel. */
  readonly stride?: Pair;
}

function windowOf(config: StochasticPoolConfig): { kernel: [number, number]; stride: [number, number] } {
  const kernel = pair('stochasticPool', 'kernel', config.kernel ?? 2);
  return { kernel, stride: pair('stochasticPool', 'stride', config.stride ?? kernel) };
}

/** Builds inference-mode stochastic pooling on NCHW `x` (no padding, floor mode). */
export function stochasticPool(b: GraphBuilder, x: Value, config: StochasticPoolConfig = {}): Value {
  nchw(x, 'stochasticPool');
  const dtype = x.type?.dtype ?? DataType.FLOAT;
  const { kernel, stride } = windowOf(config);
  const attrs = { kernelShape: kernel, strides: stride };
  const scalar = (name: string, value: 0 | 1): Value =>
    b.constant(name, new Tensor(dtype, [], dtypeArray(dtype, value)));
  const squares = b.mul(x, x, { name: 'stochastic.square' });
  const num = b.averagePool(squares, attrs, { name: 'stochastic.mean_square' });
  const den = b.averagePool(x, attrs, { name: 'stochastic.mean' });
  const zero = scalar('stochastic.zero', 0);
  const empty = b.equal(den, zero, { name: 'stochastic.is_empty' });
  const safeDen = b.where(empty, scalar('stochastic.one', 1), den, { name: 'stochastic.safe_den' });
  const ratio = b.div(num, safeDen, { name: 'stochastic.ratio' });
  return b.where(empty, zero, ratio, { name: 'stochastic.out' });
}

/** A one-element typed array of `dtype` holding `value` (0 and 1 only, which are exact in every float type). */
function dtypeArray(dtype: DataType, value: 0 | 1): Float32Array | Float64Array | Uint16Array {
  switch (dtype) {
    case DataType.DOUBLE:
      return Float64Array.of(value);
    case DataType.FLOAT16:
      return Uint16Array.of(value === 0 ? 0 : 0x3c00);
    case DataType.BFLOAT16:
      return Uint16Array.of(value === 0 ? 0 : 0x3f80);
    default:
      return Float32Array.of(value);
  }
}

/** The `stochasticPool` block (inference rule). */
export const stochasticPoolBlock: BlockDef<StochasticPoolConfig> = {
  name: 'stochasticPool',
  cliName: 'stochastic-pool',
  summary: 'stochastic pooling at inference: Σa²/Σa per window (0 for an all-zero window), kernel 2 stride 2',
  source: 'Zeiler & Fergus 2013 (probabilistic weighting at test time)',
  params: () => [],
  build: (b, x, config) => stochasticPool(b, x, config),
};

/**
 * Training-mode stochastic pooling of a float NCHW tensor: per window, one element drawn with probability
 * a_i / Σa (see the file header for the exact, seeded draw). Returns a float32 [N, C, oh, ow] tensor.
 * Throws ConfigError for a negative element (the probabilities would be undefined), naming its position.
 */
export function stochasticPoolSample(x: Tensor, kernel: Pair, stride: Pair, seed: number): Tensor {
  if (x.dims.length !== 4) throw new ConfigError(`stochasticPoolSample: x must be NCHW (rank 4), got ${x.describe()}`);
  const [batch = 0, channels = 0, height = 0, width = 0] = x.dims;
  const k = pair('stochasticPoolSample', 'kernel', kernel);
  const s = pair('stochasticPoolSample', 'stride', stride);
  const axes: AxisGeometry[] = resolveWindows(
    [height, width],
    { autoPad: 'NOTSET', kernelShape: k, strides: s, pads: undefined, dilations: undefined, ceilMode: 0 },
    (detail) => {
      throw new ConfigError(`stochasticPoolSample: ${detail} (input ${x.describe()})`);
    },
  );
  const outH = axes[0]?.outSize ?? 0;
  const outW = axes[1]?.outSize ?? 0;
  const values = x.toNumbers();
  values.forEach((v, i) => {
    if (!(v >= 0))
      throw new ConfigError(
        `stochasticPoolSample: element ${i} of ${x.describe()} is ${v}; ` +
          'stochastic pooling needs non-negative (finite) inputs',
      );
  });
  const random = prng(seed);
  const out = new Float32Array(batch * channels * outH * outW);
  let o = 0;
  for (let plane = 0; plane < batch * channels; plane += 1) {
    for (let row = 0; row < outH; row += 1) {
      for (let col = 0; col < outW; col += 1) {
        const members: number[] = [];
        for (let i = 0; i < k[0]; i += 1) {
          for (let j = 0; j < k[1]; j += 1)
            members.push(values[(plane * height + row * s[0] + i) * width + col * s[1] + j] ?? 0);
        }
        out[o] = drawMember(members, random);
        o += 1;
      }
    }
  }
  return Tensor.float32([batch, channels, outH, outW], out);
}

/** One multinomial draw from `members` with probability ∝ value; 0 (and no draw) when they sum to 0. */
function drawMember(members: readonly number[], random: () => number): number {
  const total = members.reduce((sum, v) => sum + v, 0);
  if (total === 0) return 0;
  const target = random() * total;
  let running = 0;
  let lastPositive = 0;
  for (const v of members) {
    running += v;
    if (v > 0) lastPositive = v;
    if (running > target && v > 0) return v;
  }
  // Rounding can leave the running sum a hair below u·Σa at the end: the last positive member is the pick.
  return lastPositive;
}
