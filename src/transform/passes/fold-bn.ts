/**
 * `fold-bn`: Conv followed by an inference-mode BatchNormalization becomes one Conv.
 *
 * BN(y)[o] = (y[o] − mean[o]) · s[o] + bias[o] with s[o] = scale[o] / sqrt(var[o] + epsilon), and y = Conv(x, W, B)
 * is linear in W and B per output channel o, so BN(Conv(x, W, B)) = Conv(x, W', B') with
 * W'[o] = W[o] · s[o] and B'[o] = (B[o] − mean[o]) · s[o] + bias[o]. Computed in float64, rounded once to the
 * weights' type, so results match the unfused graph within float rounding (about 1e-6 relative).
 */
import { DataType } from '../../ir/dtype.js';
import { constantOf, intAttr } from '../rewrite/helpers.js';
import type { Match } from '../rewrite/match.js';
import { PatternBuilder } from '../rewrite/pattern.js';
import { accept, refuse, type CheckResult, type RewriteRule } from '../rewrite/rule.js';
import { tensorFromNumbers, type Tensor } from '../../ir/tensor.js';
import type { Node, Value } from '../../ir/value.js';
import { rulePass } from './rule-pass.js';

/** ONNX BatchNormalization's default epsilon. */
const DEFAULT_EPSILON = 1e-5;
/** BatchNormalization's parameter inputs, in order. */
const BN_PARAMS = ['scale', 'bias', 'mean', 'var'] as const;

function convBnPattern() {
  const p = new PatternBuilder();
  const conv = p.conv(p.input('x'), p.input('weight'), { name: 'conv' });
  p.outputs(
    p.batchNormalization(conv, p.input('scale'), p.input('bias'), p.input('mean'), p.input('var'), { name: 'bn' }),
  );
  return p.build();
}

/** The folded parameters. */
interface FoldedConv {
  readonly conv: Node;
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly weightName: string;
}

function epsilonOf(bn: Node): number | undefined {
  const attribute = bn.attributes.get('epsilon');
  if (attribute === undefined) return DEFAULT_EPSILON;
  return attribute.kind === 'float' ? attribute.value : undefined;
}

function checkConvBn(match: Match): CheckResult<FoldedConv> {
  const conv = match.nodes.get('conv');
  const bn = match.nodes.get('bn');
  if (conv === undefined || bn === undefined) return refuse('internal: incomplete match');
  if (bn.outputs.length > 1)
    return refuse(
      `${bn.label()} has ${bn.outputs.length} outputs (training mode statistics); only inference-mode BatchNormalization folds`,
    );
  if (intAttr(bn, 'training_mode', 0) !== 0) return refuse(`${bn.label()} has training_mode 1`);
  const epsilon = epsilonOf(bn);
  if (epsilon === undefined) return refuse(`${bn.label()}: epsilon is not a float`);
  const named = (name: string): { value: Value | undefined; tensor: Tensor | undefined } => {
    const value = match.values.get(name);
    return { value, tensor: constantOf(value) };
  };
  const weight = named('weight');
  const params = BN_PARAMS.map(named);
  const convBias = conv.inputs[2] ?? null;
  const biasTensor = convBias === null ? undefined : constantOf(convBias);
  if (weight.tensor === undefined)
    return refuse(`weight '${weight.value?.name ?? '?'}' of ${conv.label()} is not a constant`);
  for (const [index, item] of params.entries()) {
    if (item.tensor === undefined)
      return refuse(
        `${BN_PARAMS[index] ?? 'parameter'} '${item.value?.name ?? '?'}' of ${bn.label()} is not a constant`,
      );
  }
  if (convBias !== null && biasTensor === undefined)
    return refuse(`bias '${convBias.name}' of ${conv.label()} is not a constant`);
  const w = weight.tensor;
  if (w === undefined || (w.dtype !== DataType.FLOAT && w.dtype !== DataType.DOUBLE))
    return refuse(`weight of ${conv.label()} is not float32 or float64`);
  const channels = w.dims[0] ?? 0;
  const [scale, shift, mean, variance] = params.map((p) => p.tensor);
  for (const t of [scale, shift, mean, variance, biasTensor]) {
    if (t !== undefined && (t.dtype !== w.dtype || t.size !== channels))
      return refuse(
        `${bn.label()}: parameter ${t.describe()} does not match the ${channels} output channels of ${conv.label()} (${w.describe()})`,
      );
  }
  if (scale === undefined || shift === undefined || mean === undefined || variance === undefined)
    return refuse('internal: missing parameter');
  const perChannel = w.size / Math.max(channels, 1);
  const weights = w.toNumbers();
  const folded = new Array<number>(w.size);
  const bias = new Array<number>(channels);
  for (let o = 0; o < channels; o += 1) {
    const factor = scale.numberAt(o) / Math.sqrt(variance.numberAt(o) + epsilon);
    for (let i = 0; i < perChannel; i += 1) folded[o * perChannel + i] = (weights[o * perChannel + i] ?? 0) * factor;
    bias[o] = ((biasTensor?.numberAt(o) ?? 0) - mean.numberAt(o)) * factor + shift.numberAt(o);
  }
  return accept({
    conv,
    weight: tensorFromNumbers(w.dtype, w.dims, folded),
    bias: tensorFromNumbers(w.dtype, [channels], bias),
    weightName: weight.value?.name ?? 'weight',
  });
}

/** The rule. */
export const foldBnRule: RewriteRule<FoldedConv> = {
  name: 'fold-bn',
  description: 'Conv + BatchNormalization (inference) -> Conv with folded weights and bias',
  pattern: convBnPattern(),
  check: (match: Match) => checkConvBn(match),
  rewrite(r, match, bindings) {
    const x = match.values.get('x');
    if (x === undefined) throw new Error('fold-bn: x is not bound');
    const weight = r.b.constant(`${bindings.weightName}_bn_folded`, bindings.weight);
    const bias = r.b.constant(`${bindings.weightName}_bn_folded_bias`, bindings.bias);
    const [y] = r.like(bindings.conv, [r.use(x), weight, bias]);
    if (y === undefined) throw new Error('fold-bn: Conv produced no output');
    return [y];
  },
};

/** The `fold-bn` pass. */
export const foldBnPass = rulePass('fold-bn', 'fold inference BatchNormalization into the preceding Conv', [
  foldBnRule,
]);
