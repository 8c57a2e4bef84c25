/**
 * The unary, shape-preserving ops: one definition for the float-only ones (Exp, Floor, Ceil, Sigmoid) and one for
 * those over every numeric type (Abs, Sign). Each op file supplies its versions and element function.
 */
import { DataType, FLOAT_TYPES, NUMERIC_TYPES, SIGNED_INT_TYPES, UNSIGNED_INT_TYPES } from '../../ir/dtype.js';
import { Tensor } from '../../ir/tensor.js';
import { attr } from '../core/attributes.js';
import { defineOp, requireInput, requireType, type OpDef, type TypeConstraint } from '../core/op.js';
import { addedAt } from '../core/types.js';
import {
  bigintOutput,
  bigintsOf,
  isBigIntData,
  mapFloat,
  mapFloatRows,
  numberOutput,
  numbersOf,
  type FloatRowKernel,
} from './elementwise.js';

/** The float types of the float-only element-wise ops: float16/float/double, bfloat16 from opset 13. */
export const FLOAT_UNARY_TYPES: TypeConstraint = { types: FLOAT_TYPES, since: addedAt({ 13: [DataType.BFLOAT16] }) };

/** Every numeric type: floats only until opset 5, the integers from 6, bfloat16 from 13 (Abs; Sign starts at 9). */
const NUMERIC_UNARY_TYPES: TypeConstraint = {
  types: NUMERIC_TYPES,
  since: addedAt({ 6: [...SIGNED_INT_TYPES, ...UNSIGNED_INT_TYPES], 13: [DataType.BFLOAT16] }),
};

/** The attributes of the unary ops (only the legacy `consumed_inputs`). */
export const unaryAttributes = { consumedInputs: attr.optionalInts('consumed_inputs', { until: 5 }) } as const;

/** Defines a unary, shape-preserving op whose X and Y have the element types `types`; `apply` computes it. */
function defineUnary(
  opType: string,
  versions: readonly number[],
  types: TypeConstraint,
  apply: (x: Tensor, fail: (detail: string) => never) => Tensor,
): OpDef<typeof unaryAttributes> {
  return defineOp({
    opType,
    domain: '',
    versions,
    inputs: [{ name: 'X', type: 'T' }],
    outputs: [{ name: 'Y', type: 'T' }],
    attributes: unaryAttributes,
    types: { T: types },
    infer(ctx) {
      return [requireType(ctx, 0)];
    },
    run(ctx) {
      return [apply(requireInput(ctx, 0), ctx.fail)];
    },
  });
}

/**
 * Defines a float-only unary op such as Exp or Floor; `versions` lists where its schema changed. `rows`, when
 * given, is the op's own loop over `fn` (`out[i] = fn(input[i])`, see `FloatRowKernel`): same values, much faster
 * on large tensors than the shared loop.
 */
export function defineFloatUnary(
  opType: string,
  versions: readonly number[],
  fn: (value: number) => number,
  rows?: FloatRowKernel,
): OpDef<typeof unaryAttributes> {
  return defineUnary(opType, versions, FLOAT_UNARY_TYPES, (x, fail) =>
    rows === undefined ? mapFloat(x, fn, fail) : mapFloatRows(x, rows, fail),
  );
}

/** The per-storage functions of a numeric unary op. */
export interface NumericUnaryFns {
  /** Floats (computed in float64, rounded once on store). */
  readonly float: (value: number) => number;
  /** Number-backed integers (wrapped to the type's width on store). */
  readonly int: (value: number) => number;
  /** int64/uint64 (wrapped to 64 bits on store). */
  readonly bigint: (value: bigint) => bigint;
}

/** Defines a unary op over every numeric type (Abs, Sign). */
export function defineNumericUnary(
  opType: string,
  versions: readonly number[],
  fns: NumericUnaryFns,
): OpDef<typeof unaryAttributes> {
  return defineUnary(opType, versions, NUMERIC_UNARY_TYPES, (x, fail) => {
    if (isBigIntData(x.data)) {
      const input = bigintsOf(x, fail);
      const out = bigintOutput(x.dtype, input.length, fail);
      for (let i = 0; i < input.length; i += 1) out[i] = fns.bigint(input[i] ?? 0n);
      return new Tensor(x.dtype, x.dims, out);
    }
    const input = numbersOf(x, fail);
    const out = numberOutput(x.dtype, input.length, fail);
    const fn = FLOAT_TYPES.includes(x.dtype) ? fns.float : fns.int;
    for (let i = 0; i < input.length; i += 1) out.data[i] = fn(input[i] ?? 0);
    return out.finish(x.dims);
  });
}
