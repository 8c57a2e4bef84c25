/**
 * Folding an inference-mode BatchNormalization into the Conv before it (the one implementation: blocks fold at
 * build time with it, the `fold-bn` pass folds exported models with it, so both give the same bits).
 *
 * BN(y)[o] = (y[o] − mean[o]) · s[o] + beta[o] with s[o] = gamma[o] / √(var[o] + eps), and y = Conv(x, W, B) is
 * linear in W and B per output channel o, so BN(Conv(x, W, B)) = Conv(x, W', B') with
 *   W'[o] = W[o] · s[o]        B'[o] = (B[o] − mean[o]) · s[o] + beta[o]     (B = 0 when the Conv has no bias).
 * Everything is computed in float64 and rounded once, to the weight's type (float32 or float64).
 */
import { DataType, dtypeName } from '../../ir/dtype.js';
import { ConfigError, UnsupportedError } from '../../ir/errors.js';
import { tensorFromNumbers, type Tensor } from '../../ir/tensor.js';

/** Inference BatchNormalization parameters, per output channel (PyTorch: weight, bias, running_mean/var). */
export interface BatchNormParams {
  /** Scale (ONNX `scale`, PyTorch `weight`). */
  readonly gamma: Tensor;
  /** Shift (ONNX `B`, PyTorch `bias`). */
  readonly beta: Tensor;
  readonly mean: Tensor;
  readonly variance: Tensor;
  /** The BatchNormalization's epsilon. */
  readonly eps: number;
}

/** The Conv weight and bias with the BatchNormalization folded in. */
export interface FoldedConv {
  readonly weight: Tensor;
  readonly bias: Tensor;
}

const FOLDABLE: readonly DataType[] = [DataType.FLOAT, DataType.DOUBLE];

/**
 * Folds `bn` into a Conv of weight `convWeight` (`[C_out, ...]`) and optional bias `convBias` (`[C_out]`).
 * Throws UnsupportedError for weights that are not float32/float64, ConfigError for parameters that are not one
 * value per output channel.
 */
export function foldBatchNorm(convWeight: Tensor, bn: BatchNormParams, convBias?: Tensor): FoldedConv {
  const dtype = convWeight.dtype;
  if (!FOLDABLE.includes(dtype))
    throw new UnsupportedError(`BatchNorm folding: Conv weight ${convWeight.describe()} is not float32 or float64`);
  const channels = convWeight.dims[0] ?? 0;
  const named: readonly [string, Tensor | undefined][] = [
    ['gamma', bn.gamma],
    ['beta', bn.beta],
    ['mean', bn.mean],
    ['variance', bn.variance],
    ['conv bias', convBias],
  ];
  for (const [name, tensor] of named) {
    if (tensor !== undefined && tensor.size !== channels)
      throw new ConfigError(
        `BatchNorm folding: ${name} ${tensor.describe()} does not have one value per output channel of the ` +
          `${dtypeName(dtype)} Conv weight ${convWeight.describe()} (${channels})`,
      );
  }
  const perChannel = convWeight.size / Math.max(1, channels);
  const weights = convWeight.toNumbers();
  const weight = new Array<number>(convWeight.size);
  const bias = new Array<number>(channels);
  for (let o = 0; o < channels; o += 1) {
    const scale = bn.gamma.numberAt(o) / Math.sqrt(bn.variance.numberAt(o) + bn.eps);
    for (let i = o * perChannel; i < (o + 1) * perChannel; i += 1) weight[i] = (weights[i] ?? 0) * scale;
    bias[o] = ((convBias?.numberAt(o) ?? 0) - bn.mean.numberAt(o)) * scale + bn.beta.numberAt(o);
  }
  return {
    weight: tensorFromNumbers(dtype, convWeight.dims, weight),
    bias: tensorFromNumbers(dtype, [channels], bias),
  };
}
