/**
 * `fold-bn`: Conv followed by an inference-mode BatchNormalization becomes one Conv, with the weight and bias
 * folded by the one shared implementation (src/ops/shared/fold-batch-norm.ts: W' = W·s, B' = (B − mean)·s + beta,
 * s = scale/√(var + epsilon); float64, rounded once to the weights' type), so results match the unfused graph
 * within float rounding (about 1e-6 relative) and a block built with BN kept then folded here has the same bits
 * as the block built folded.
 *
 * The fold needs only the constants, never the Conv input's type: when that type is unknown (the input comes from
 * an op sppkit does not implement and the model declares nothing), the replacement Conv reads it as "an unknown
 * shape of the weight's element type", which is all the Conv schema implies (X and W share the type T).
 */
import { DataType } from '../../ir/dtype.js';
import type { Tensor } from '../../ir/tensor.js';
import type { TensorType } from '../../ir/value.js';
import { BatchNormalization } from '../../ops/batch-normalization.js';
import { Conv } from '../../ops/conv.js';
import { foldBatchNorm, type FoldedConv } from '../../ops/shared/fold-batch-norm.js';
import { constantOf } from '../rewrite/helpers.js';
import type { Match } from '../rewrite/match.js';
import { PatternBuilder, type MatchedNode } from '../rewrite/pattern.js';
import { accept, refuse, type CheckResult, type RewriteRule, type RuleContext } from '../rewrite/rule.js';
import { rulePass } from './rule-pass.js';

/** The pattern: Conv (its optional bias accepted) feeding BatchNormalization. */
const p = new PatternBuilder();
const x = p.input('x');
const weight = p.input('weight');
const conv = p.op(Conv, [x, weight]);
/** BatchNormalization's parameter inputs, in input order, with the names refusals use. */
const params = [
  { name: 'scale', wildcard: p.input('scale') },
  { name: 'bias', wildcard: p.input('bias') },
  { name: 'mean', wildcard: p.input('mean') },
  { name: 'var', wildcard: p.input('var') },
] as const;
const bn = p.op(BatchNormalization, [conv, ...params.map((param) => param.wildcard)]);
p.outputs(bn);

/** The matched Conv and its folded parameters. */
interface FoldBindings {
  readonly conv: MatchedNode<typeof Conv>;
  readonly folded: FoldedConv;
  readonly weightName: string;
  /** How the replacement sees the Conv input when its type is unknown (undefined: its known type). */
  readonly inputType: TensorType | undefined;
}

function checkConvBn(match: Match, context: RuleContext): CheckResult<FoldBindings> {
  const convMatch = match.get(conv);
  const { node: convNode } = convMatch;
  const { node: bnNode, attrs } = match.get(bn);
  if (bnNode.outputs.length > 1)
    return refuse(
      `${bnNode.label()} has ${bnNode.outputs.length} outputs (training mode statistics); ` +
        `only inference-mode BatchNormalization folds`,
    );
  if (attrs.trainingMode !== 0) return refuse(`${bnNode.label()} has training_mode 1`);
  const weightValue = match.value(weight);
  const w = constantOf(weightValue);
  if (w === undefined) return refuse(`weight '${weightValue.name}' of ${convNode.label()} is not a constant`);
  const tensors: Tensor[] = [];
  for (const { name, wildcard } of params) {
    const value = match.value(wildcard);
    const tensor = constantOf(value);
    if (tensor === undefined) return refuse(`${name} '${value.name}' of ${bnNode.label()} is not a constant`);
    tensors.push(tensor);
  }
  const convBias = convNode.inputs[2] ?? null;
  const biasTensor = convBias === null ? undefined : constantOf(convBias);
  if (convBias !== null && biasTensor === undefined)
    return refuse(`bias '${convBias.name}' of ${convNode.label()} is not a constant`);
  if (w.dtype !== DataType.FLOAT && w.dtype !== DataType.DOUBLE)
    return refuse(`weight of ${convNode.label()} is not float32 or float64`);
  const channels = w.dims[0] ?? 0;
  for (const t of [...tensors, biasTensor]) {
    if (t !== undefined && (t.dtype !== w.dtype || t.size !== channels))
      return refuse(
        `${bnNode.label()}: parameter ${t.describe()} does not match the ${channels} output channels of ` +
          `${convNode.label()} (${w.describe()})`,
      );
  }
  const [gamma, beta, mean, variance] = tensors;
  if (gamma === undefined || beta === undefined || mean === undefined || variance === undefined)
    return refuse('internal: missing parameter');
  const folded = foldBatchNorm(w, { gamma, beta, mean, variance, eps: attrs.epsilon }, biasTensor);
  // X and W share Conv's type T: an untyped input is known to have the weight's element type.
  const inputType = context.typeOf(match.value(x)).known ? undefined : { dtype: w.dtype, shape: null };
  return accept({ conv: convMatch, folded, weightName: weightValue.name, inputType });
}

/** The rule. */
export const foldBnRule: RewriteRule<FoldBindings> = {
  name: 'fold-bn',
  description: 'Conv + BatchNormalization (inference) -> Conv with folded weights and bias',
  pattern: p.build(),
  check: (match: Match, context: RuleContext) => checkConvBn(match, context),
  rewrite(r, match, bindings) {
    const folded = r.b.constant(`${bindings.weightName}_bn_folded`, bindings.folded.weight);
    const bias = r.b.constant(`${bindings.weightName}_bn_folded_bias`, bindings.folded.bias);
    const [y] = r.like(bindings.conv, [r.use(match.value(x), bindings.inputType), folded, bias]);
    if (y === undefined) throw new Error('fold-bn: Conv produced no output');
    return [y];
  },
};

/** The `fold-bn` pass. */
export const foldBnPass = rulePass('fold-bn', 'fold inference BatchNormalization into the preceding Conv', [
  foldBnRule,
]);
