/**
 * PRelu (opsets 1, 6, 7, 9, 16): `Y = slope * X` where `X < 0`, else `X`. From opset 7 `slope` broadcasts
 * unidirectionally to X (numpy rules, and the result must keep X's shape); before 7 a slope of one element is
 * shared by all, and any other slope must broadcast to X the same way. Floats only before 9; 9 adds
 * int32/int64/uint32/uint64 (integer products wrap like C; unsigned X is never negative), 16 adds bfloat16.
 * (The file name is the generator's kebab case of `PRelu`.)
 * Spec: https://onnx.ai/onnx/operators/onnx__PRelu.html
 */
import { formatShape, type Dim } from '../ir/dim.js';
import { DataType, FLOAT_TYPES } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { binaryKernel, intMul } from './shared/elementwise.js';

/** The first opset whose slope broadcasts unidirectionally (numpy rules). */
const UNIDIRECTIONAL_OPSET = 7;
/** The integer types PRelu accepts from opset 9. */
const INTEGERS_FROM_9: readonly DataType[] = [DataType.INT32, DataType.INT64, DataType.UINT32, DataType.UINT64];

/**
 * Checks that `slope` broadcasts unidirectionally to `x` (numpy rules, result = x's shape): slope's rank is at
 * most x's and each of its dims, aligned at the back, is 1 or x's dim. Symbolic dims are taken to match; unknown
 * ranks pass.
 */
function checkUnidirectional(x: readonly Dim[] | null, slope: readonly Dim[] | null, fail: (d: string) => never): void {
  if (x === null || slope === null) return;
  const offset = x.length - slope.length;
  const fits =
    offset >= 0 &&
    slope.every((dim, i) => {
      const target = x[offset + i] ?? 1;
      return dim === 1 || typeof dim !== 'number' || typeof target !== 'number' || dim === target;
    });
  if (!fits)
    fail(
      `slope ${formatShape(slope)} must broadcast to X ${formatShape(x)} without changing its shape (unidirectional)`,
    );
}

/** Before opset 7, a slope of one element is shared by every element of X, whatever its shape. */
function sharedSlope(shape: readonly Dim[] | null, opset: number): boolean {
  return opset < UNIDIRECTIONAL_OPSET && shape !== null && shape.every((dim) => dim === 1);
}

/** The PRelu op: `X < 0 ? slope * X : X`, slope broadcast to X. */
export const PRelu = defineOp({
  opType: 'PRelu',
  domain: '',
  versions: [1, 6, 7, 9, 16],
  inputs: [
    { name: 'X', type: 'T' },
    { name: 'slope', type: 'T' },
  ],
  outputs: [{ name: 'Y', type: 'T' }],
  attributes: { consumedInputs: attr.optionalInts('consumed_inputs', { until: 5 }) },
  types: {
    T: {
      types: [...FLOAT_TYPES, ...INTEGERS_FROM_9],
      since: addedAt({ 9: INTEGERS_FROM_9, 16: [DataType.BFLOAT16] }),
    },
  },
  infer(ctx) {
    const x = requireType(ctx, 0);
    const slope = requireType(ctx, 1);
    if (!sharedSlope(slope.shape, ctx.opset)) checkUnidirectional(x.shape, slope.shape, ctx.fail);
    return [x];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    let slope = requireInput(ctx, 1);
    if (sharedSlope(slope.dims, ctx.opset)) slope = slope.reshape([]);
    else checkUnidirectional(x.dims, slope.dims, ctx.fail);
    return [
      binaryKernel(
        x,
        slope,
        {
          float: (v, s) => (v < 0 ? s * v : v),
          int: (v, s, dtype) => (v < 0 ? intMul(s, v, dtype) : v),
          bigint: (v, s) => (v < 0n ? s * v : v),
        },
        ctx.fail,
      ),
    ];
  },
});
