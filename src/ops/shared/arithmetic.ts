/**
 * The binary arithmetic ops Add, Sub, Mul and Div (opsets 1, 6, 7, 13, 14): one definition, one kernel per op.
 * Numpy broadcasting from opset 7; before that the `broadcast`/`axis` attributes broadcast B onto A.
 *
 * Float tensors take a row loop written out per op (`a + b`, `a - b`, `a * b`, `a / b` in float64, stored once:
 * the IEEE operation the spec names, as the op files' `float` functions compute it; test/ops/arithmetic-fast.test.ts
 * holds the two together), over the broadcast's rows (broadcast.ts `broadcastRows`) instead of per-element index
 * maps. Calling the op's element function through a shared loop costs tens of nanoseconds per element in V8 (the
 * call site sees every op, so nothing is inlined and every float is boxed); the written-out loops cost about one.
 */
import { DataType, isFloatType, NUMERIC_TYPES, type NumberArray } from '../../ir/dtype.js';
import type { Tensor } from '../../ir/tensor.js';
import { attr } from '../core/attributes.js';
import { defineOp, requireInput, requireType, type OpDef } from '../core/op.js';
import { addedAt } from '../core/types.js';
import { broadcastConcrete, broadcastRows, broadcastShapes, legacyBroadcastShape } from './broadcast.js';
import { binaryKernel, numberOutput, numbersOf, type BinaryFns } from './elementwise.js';

/** `out[o + i] = a[ai + i·aStep] ∘ b[bi + i·bStep]` for `i < length`. */
type FloatRow = (
  a: NumberArray,
  ai: number,
  aStep: number,
  b: NumberArray,
  bi: number,
  bStep: number,
  out: NumberArray,
  o: number,
  length: number,
) => void;

const FLOAT_ROWS: Readonly<Record<string, FloatRow>> = {
  Add: (a, ai, aStep, b, bi, bStep, out, o, length) => {
    for (let i = 0; i < length; i += 1, ai += aStep, bi += bStep) out[o + i] = a[ai]! + b[bi]!;
  },
  Sub: (a, ai, aStep, b, bi, bStep, out, o, length) => {
    for (let i = 0; i < length; i += 1, ai += aStep, bi += bStep) out[o + i] = a[ai]! - b[bi]!;
  },
  Mul: (a, ai, aStep, b, bi, bStep, out, o, length) => {
    for (let i = 0; i < length; i += 1, ai += aStep, bi += bStep) out[o + i] = a[ai]! * b[bi]!;
  },
  Div: (a, ai, aStep, b, bi, bStep, out, o, length) => {
    for (let i = 0; i < length; i += 1, ai += aStep, bi += bStep) out[o + i] = a[ai]! / b[bi]!;
  },
};

/** The float fast path: the op's row loop over the broadcast rows of A and B. */
function floatArithmetic(row: FloatRow, a: Tensor, b: Tensor, fail: (detail: string) => never): Tensor {
  const dims = broadcastConcrete([a.dims, b.dims], fail);
  const plan = broadcastRows([a.dims, b.dims], dims);
  const left = numbersOf(a, fail);
  const right = numbersOf(b, fail);
  const out = numberOutput(a.dtype, plan.rows * plan.length, fail);
  const [startsA, startsB] = plan.starts;
  const [stepA = 0, stepB = 0] = plan.steps;
  for (let r = 0; r < plan.rows; r += 1) {
    row(left, startsA?.[r] ?? 0, stepA, right, startsB?.[r] ?? 0, stepB, out.data, r * plan.length, plan.length);
  }
  return out.finish(dims);
}

/** The attributes of the binary arithmetic ops (all gone from opset 7 on). */
const arithmeticAttributes = {
  broadcast: attr.int('broadcast', 0, { until: 6 }),
  axis: attr.optionalInt('axis', { until: 6 }),
  consumedInputs: attr.optionalInts('consumed_inputs', { until: 5 }),
} as const;

/** Floats only before 7; 32/64-bit integers from 7, bfloat16 from 13, the 8/16-bit integers from 14. */
const arithmeticTypes = {
  T: {
    types: NUMERIC_TYPES,
    since: addedAt({
      7: [DataType.INT32, DataType.INT64, DataType.UINT32, DataType.UINT64],
      13: [DataType.BFLOAT16],
      14: [DataType.INT8, DataType.INT16, DataType.UINT8, DataType.UINT16],
    }),
  },
};

/** Defines one of Add, Sub, Mul, Div from its per-type-family functions. */
export function defineArithmetic(opType: string, fns: BinaryFns): OpDef<typeof arithmeticAttributes> {
  return defineOp({
    opType,
    domain: '',
    versions: [1, 6, 7, 13, 14],
    inputs: [
      { name: 'A', type: 'T' },
      { name: 'B', type: 'T' },
    ],
    outputs: [{ name: 'C', type: 'T' }],
    attributes: arithmeticAttributes,
    types: arithmeticTypes,
    infer(ctx) {
      const a = requireType(ctx, 0);
      const b = requireType(ctx, 1);
      if (ctx.opset < 7 && a.shape !== null && b.shape !== null) {
        legacyBroadcastShape(a.shape, b.shape, ctx.attrs.broadcast, ctx.attrs.axis, ctx.fail);
        return [{ dtype: a.dtype, shape: a.shape }];
      }
      return [{ dtype: a.dtype, shape: broadcastShapes([a.shape, b.shape], ctx.fail) }];
    },
    run(ctx) {
      const a = requireInput(ctx, 0);
      let b = requireInput(ctx, 1);
      if (ctx.opset < 7) {
        const shape = legacyBroadcastShape(a.dims, b.dims, ctx.attrs.broadcast, ctx.attrs.axis, ctx.fail);
        b = b.reshape(shape.map((dim) => (typeof dim === 'number' ? dim : 1)));
      }
      const row = FLOAT_ROWS[opType];
      if (row !== undefined && isFloatType(a.dtype)) return [floatArithmetic(row, a, b, ctx.fail)];
      return [binaryKernel(a, b, fns, ctx.fail)];
    },
  });
}
