/**
 * Max and Min (opsets 1, 6, 8, 12, 13): the element-wise extreme of one or more inputs. Numpy broadcasting from
 * opset 8 (equal shapes before), integers from 12, bfloat16 from 13; NaN propagates.
 */
import { formatShape } from '../../ir/dim.js';
import { DataType, NUMERIC_TYPES, SIGNED_INT_TYPES, UNSIGNED_INT_TYPES } from '../../ir/dtype.js';
import { attr } from '../core/attributes.js';
import { defineOp, requireInput, type OpDef } from '../core/op.js';
import { addedAt } from '../core/types.js';
import { broadcastShapes } from './broadcast.js';
import { variadicKernel, type BinaryFns } from './elementwise.js';

/** The attributes of Max/Min (only the legacy `consumed_inputs`). */
const minMaxAttributes = { consumedInputs: attr.optionalInts('consumed_inputs', { until: 5 }) } as const;

/** Defines Max or Min from its per-type-family functions. */
export function defineMinMax(opType: 'Max' | 'Min', fns: BinaryFns): OpDef<typeof minMaxAttributes> {
  return defineOp({
    opType,
    domain: '',
    versions: [1, 6, 8, 12, 13],
    inputs: [{ name: 'data_0', type: 'T', variadic: true }],
    outputs: [{ name: opType.toLowerCase(), type: 'T' }],
    attributes: minMaxAttributes,
    types: {
      T: {
        types: NUMERIC_TYPES,
        since: addedAt({ 12: [...SIGNED_INT_TYPES, ...UNSIGNED_INT_TYPES], 13: [DataType.BFLOAT16] }),
      },
    },
    infer(ctx) {
      if (ctx.inputs.length === 0) ctx.fail('needs at least one input');
      const types = ctx.inputs.map((type, i) => type ?? ctx.fail(`input ${i} has no known type`));
      const first = types[0] ?? ctx.fail('needs at least one input');
      const shapes = types.map((type) => type.shape);
      if (ctx.opset < 8) {
        const known = shapes.filter((s) => s !== null);
        const same = known.every(
          (s) =>
            s.length === known[0]?.length &&
            s.every((d, i) => typeof d !== 'number' || typeof known[0]?.[i] !== 'number' || d === known[0]?.[i]),
        );
        if (!same)
          ctx.fail(`before opset 8 all inputs must have the same shape, got ${shapes.map(formatShape).join(', ')}`);
      }
      return [{ dtype: first.dtype, shape: broadcastShapes(shapes, ctx.fail) }];
    },
    run(ctx) {
      const inputs = ctx.inputs.map((_, i) => requireInput(ctx, i));
      const first = inputs[0] ?? ctx.fail('needs at least one input');
      if (ctx.opset < 8 && inputs.some((t) => t.dims.join() !== first.dims.join())) {
        ctx.fail(
          `before opset 8 all inputs must have the same shape, got ${inputs.map((t) => t.describe()).join(', ')}`,
        );
      }
      return [variadicKernel(inputs, fns, ctx.fail)];
    },
  });
}
