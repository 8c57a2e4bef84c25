/**
 * The binary arithmetic ops Add, Sub, Mul and Div (opsets 1, 6, 7, 13, 14): one definition, one kernel per op.
 * Numpy broadcasting from opset 7; before that the `broadcast`/`axis` attributes broadcast B onto A.
 */
import { DataType, NUMERIC_TYPES } from '../../ir/dtype.js';
import { attr } from '../core/attributes.js';
import { defineOp, requireInput, requireType, type OpDef } from '../core/op.js';
import { addedAt } from '../core/types.js';
import { broadcastShapes, legacyBroadcastShape } from './broadcast.js';
import { binaryKernel, type BinaryFns } from './elementwise.js';

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
      return [binaryKernel(a, b, fns, ctx.fail)];
    },
  });
}
