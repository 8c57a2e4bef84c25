/**
 * If (opsets 1, 11, 13, 16, 19, 21, 23, 24, 25): runs `then_branch` when the single element of `cond` is true,
 * else `else_branch`, and returns that branch's outputs. The branches are subgraphs without formal inputs: they
 * read what they need from the enclosing graphs by name. Both must have as many outputs as the node, of the same
 * element types.
 *
 * Output types are the union of the branches' (ONNX's IfInferenceFunction, UnionTypeInfo): the element type of
 * both; a dim both branches agree on stays, a dim they disagree on becomes unknown, and a rank they disagree on
 * (or a branch without a shape) leaves the shape unknown. If-1 required both branches to have the same shape, so
 * two different known dims are an error there; from 11 the branches may differ.
 * Element types: every tensor type, bfloat16 from 13 (sequences and optionals, 13 and 16, are not modelled by
 * sppkit's IR). 13 and later versions only widened the types.
 * Spec: https://onnx.ai/onnx/operators/onnx__If.html
 */
import { dimsEqual, formatShape, SymDim, type Dim } from '../ir/dim.js';
import { ALL_TYPES, DataType, dtypeName } from '../ir/dtype.js';
import { formatType, type TensorType } from '../ir/value.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, type TypeConstraint } from './core/op.js';
import { addedAt, typesAt } from './core/types.js';

/** The opsets in which If changed (13 and later: element types only). */
const VERSIONS = [1, 11, 13, 16, 19, 21, 23, 24, 25];
/** The branches' output element types. */
const OUTPUT_TYPES: TypeConstraint = { types: ALL_TYPES, since: addedAt({ 13: [DataType.BFLOAT16] }) };

/** The union of two shapes (either may be unknown): equal dims stay, others become unknown. */
function unionShape(a: readonly Dim[] | null, b: readonly Dim[] | null): Dim[] | null {
  if (a === null || b === null || a.length !== b.length) return null;
  return a.map((dim, axis) => {
    const other = b[axis] ?? SymDim.unknown();
    return dimsEqual(dim, other) ? dim : SymDim.unknown();
  });
}

/** True when two shapes have two different known dims on one axis (they cannot be the same shape). */
function conflicting(a: readonly Dim[] | null, b: readonly Dim[] | null): boolean {
  if (a === null || b === null) return false;
  if (a.length !== b.length) return true;
  return a.some((dim, axis) => {
    const other = b[axis];
    return typeof dim === 'number' && typeof other === 'number' && dim !== other;
  });
}

export const If = defineOp({
  opType: 'If',
  domain: '',
  versions: VERSIONS,
  inputs: [{ name: 'cond', type: 'B' }],
  outputs: [{ name: 'outputs', type: 'V', variadic: true }],
  attributes: {
    thenBranch: attr.requiredGraph('then_branch'),
    elseBranch: attr.requiredGraph('else_branch'),
  },
  types: {
    B: { types: [DataType.BOOL] },
    V: OUTPUT_TYPES,
  },
  infer(ctx) {
    const { thenBranch, elseBranch } = ctx.attrs;
    for (const [which, graph] of [
      ['then_branch', thenBranch],
      ['else_branch', elseBranch],
    ] as const) {
      if (graph.inputs.length > 0)
        ctx.fail(
          `${which} '${graph.name}' declares ${graph.inputs.length} input(s) ` +
            `(${graph.inputs.map((v) => `'${v.name}'`).join(', ')}); If's branches take none`,
        );
    }
    const thenTypes = ctx.inferSubgraph(thenBranch, []);
    const elseTypes = ctx.inferSubgraph(elseBranch, []);
    if (thenTypes.length !== elseTypes.length)
      ctx.fail(`then_branch has ${thenTypes.length} output(s) but else_branch has ${elseTypes.length}`);
    if (thenTypes.length !== ctx.outputCount)
      ctx.fail(`the node has ${ctx.outputCount} output(s) but its branches have ${thenTypes.length}`);
    const version = Math.max(...VERSIONS.filter((v) => v <= ctx.opset));
    const allowed = typesAt(OUTPUT_TYPES, ctx.opset);
    return thenTypes.map((then, index): TensorType | null => {
      const other = elseTypes[index] ?? null;
      if (then === null || other === null) return null;
      const which = `output ${index}`;
      if (then.dtype !== other.dtype)
        ctx.fail(`${which} is ${formatType(then)} in then_branch but ${formatType(other)} in else_branch`);
      if (!allowed.includes(then.dtype))
        ctx.fail(`${which} has type ${dtypeName(then.dtype)}, which If does not allow at opset ${ctx.opset}`);
      if (version < 11 && conflicting(then.shape, other.shape))
        ctx.fail(
          `${which} is ${formatShape(then.shape)} in then_branch but ${formatShape(other.shape)} in else_branch; ` +
            `If-${version} needs both branches to give one shape (If-11 lifted that)`,
        );
      return { dtype: then.dtype, shape: unionShape(then.shape, other.shape) };
    });
  },
  run(ctx) {
    const cond = requireInput(ctx, 0);
    if (cond.size !== 1) ctx.fail(`cond must hold a single element, got ${cond.describe()}`);
    const taken = cond.numberAt(0) !== 0;
    const branch = taken ? ctx.attrs.thenBranch : ctx.attrs.elseBranch;
    const outputs = ctx.runSubgraph(branch, []);
    if (outputs.length !== ctx.outputCount)
      ctx.fail(
        `${taken ? 'then_branch' : 'else_branch'} gave ${outputs.length} output(s); the node has ${ctx.outputCount}`,
      );
    return outputs;
  },
});
