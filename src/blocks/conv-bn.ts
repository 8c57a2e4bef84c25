/**
 * Conv (no bias) → BatchNorm (eval) → activation, the unit YOLO necks are made of. BatchNorm is folded into the
 * Conv at build time unless asked to keep it, by the same function the `fold-bn` pass uses
 * (src/ops/shared/fold-batch-norm.ts: scale_o = gamma_o / sqrt(var_o + eps); W'_o = W_o * scale_o;
 * b'_o = (0 - mean_o) * scale_o + beta_o; computed in float64, rounded once to the weights' float32), so a model
 * built with `keepBn` and then passed through `fold-bn` has the same bits as one built folded.
 */
import type { GraphBuilder } from '../graph/builder.js';
import { foldBatchNorm } from '../ops/shared/fold-batch-norm.js';
import type { Value } from '../ir/value.js';
import { weight, type ParamSpec, type Weights } from './weights.js';

/** The one BatchNorm fold (src/ops/shared), re-exported for the blocks that fold their own units. */
export { foldBatchNorm, type BatchNormParams, type FoldedConv } from '../ops/shared/fold-batch-norm.js';

/** Activations used by the blocks. */
export type Activation = 'silu' | 'relu' | 'none';

/** One Conv+BN+act unit, named like its PyTorch module (`cv1`). */
export interface ConvBnSpec {
  /** state_dict prefix, e.g. `cv1` (params `cv1.conv.weight`, `cv1.bn.weight`, ...). */
  readonly prefix: string;
  readonly cIn: number;
  readonly cOut: number;
  /** Square kernel size (default 1); padding is k//2 (PyTorch `autopad`). */
  readonly kernel?: number;
  readonly stride?: number;
  readonly act: Activation;
  readonly bnEps: number;
  /** Keep a BatchNormalization node instead of folding (default false). */
  readonly keepBn?: boolean;
}

/** The parameters of one unit, in state_dict order. */
export function convBnParams(spec: ConvBnSpec): ParamSpec[] {
  const k = spec.kernel ?? 1;
  const c = [spec.cOut];
  return [
    { name: `${spec.prefix}.conv.weight`, shape: [spec.cOut, spec.cIn, k, k], init: 'conv' },
    { name: `${spec.prefix}.bn.weight`, shape: c, init: 'bn-weight' },
    { name: `${spec.prefix}.bn.bias`, shape: c, init: 'bn-bias' },
    { name: `${spec.prefix}.bn.running_mean`, shape: c, init: 'bn-mean' },
    { name: `${spec.prefix}.bn.running_var`, shape: c, init: 'bn-var' },
  ];
}

/** Applies an activation. SiLU is `x * sigmoid(x)`. */
export function activate(b: GraphBuilder, x: Value, act: Activation, name: string): Value {
  switch (act) {
    case 'silu':
      return b.mul(x, b.sigmoid(x, { name: `${name}.sigmoid` }), { name: `${name}.silu` });
    case 'relu':
      return b.relu(x, { name: `${name}.relu` });
    case 'none':
      return x;
  }
}

/** Emits one Conv(+BN)+act unit. */
export function convBnAct(b: GraphBuilder, x: Value, spec: ConvBnSpec, weights: Weights): Value {
  const p = spec.prefix;
  const k = spec.kernel ?? 1;
  const pad = Math.floor(k / 2);
  const convAttrs = { kernelShape: [k, k], strides: [spec.stride ?? 1, spec.stride ?? 1], pads: [pad, pad, pad, pad] };
  const bn = {
    gamma: weight(weights, `${p}.bn.weight`),
    beta: weight(weights, `${p}.bn.bias`),
    mean: weight(weights, `${p}.bn.running_mean`),
    variance: weight(weights, `${p}.bn.running_var`),
    eps: spec.bnEps,
  };
  let y: Value;
  if (spec.keepBn === true) {
    const w = b.constant(`${p}.conv.weight`, weight(weights, `${p}.conv.weight`));
    const conv = b.conv(x, w, null, convAttrs, { name: `${p}.conv` });
    y = b.batchNormalization(
      conv,
      b.constant(`${p}.bn.weight`, bn.gamma),
      b.constant(`${p}.bn.bias`, bn.beta),
      b.constant(`${p}.bn.running_mean`, bn.mean),
      b.constant(`${p}.bn.running_var`, bn.variance),
      { epsilon: spec.bnEps },
      { name: `${p}.bn` },
    );
  } else {
    const folded = foldBatchNorm(weight(weights, `${p}.conv.weight`), bn);
    const w = b.constant(`${p}.conv.weight`, folded.weight);
    const bias = b.constant(`${p}.conv.bias`, folded.bias);
    y = b.conv(x, w, bias, convAttrs, { name: `${p}.conv` });
  }
  return activate(b, y, spec.act, p);
}
