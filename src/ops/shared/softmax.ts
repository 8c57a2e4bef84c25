/**
 * Softmax and LogSoftmax (opsets 1, 11, 13): the same op but for what each row's values become. From opset 13 a
 * row runs along `axis` (default -1); before 13 the input is coerced to 2-D `[Π dims[:axis], Π dims[axis:]]` (axis
 * default 1) and each row covers all of its trailing dims at once. Computed in float64, subtracting the row's max
 * first so that large inputs stay finite, and rounded once.
 */
import { attr } from '../core/attributes.js';
import { defineOp, requireInput, requireType, type OpDef } from '../core/op.js';
import { normalizeAxis } from './broadcast.js';
import { numberOutput, numbersOf } from './elementwise.js';
import { FLOAT_UNARY_TYPES } from './unary.js';

/** The attributes of Softmax/LogSoftmax. */
const softmaxAttributes = { axis: attr.optionalInt('axis') } as const;

/** The axis default: 1 before opset 13, -1 from 13. */
function axisAt(axis: number | undefined, opset: number): number {
  return axis ?? (opset < 13 ? 1 : -1);
}

/**
 * Defines Softmax (`exp(x - max) / Σ exp(x - max)`) or LogSoftmax (`(x - max) - log(Σ exp(x - max))`) over each
 * row.
 */
export function defineSoftmax(opType: 'Softmax' | 'LogSoftmax'): OpDef<typeof softmaxAttributes> {
  const log = opType === 'LogSoftmax';
  return defineOp({
    opType,
    domain: '',
    versions: [1, 11, 13],
    inputs: [{ name: 'input', type: 'T' }],
    outputs: [{ name: 'output', type: 'T' }],
    attributes: softmaxAttributes,
    types: { T: FLOAT_UNARY_TYPES },
    infer(ctx) {
      const x = requireType(ctx, 0);
      if (x.shape !== null)
        normalizeAxis(axisAt(ctx.attrs.axis, ctx.opset), Math.max(x.shape.length, 1), 'axis', ctx.fail);
      return [x];
    },
    run(ctx) {
      const x = requireInput(ctx, 0);
      const rank = x.dims.length;
      const axis = normalizeAxis(axisAt(ctx.attrs.axis, ctx.opset), Math.max(rank, 1), 'axis', ctx.fail);
      const product = (dims: readonly number[]): number => dims.reduce((total, dim) => total * dim, 1);
      // Rows of `count` elements `stride` apart; opset < 13 flattens everything from `axis` into the row.
      const count = ctx.opset < 13 ? product(x.dims.slice(axis)) : (x.dims[axis] ?? 1);
      const stride = ctx.opset < 13 ? 1 : product(x.dims.slice(axis + 1));
      const input = numbersOf(x, ctx.fail);
      const out = numberOutput(x.dtype, input.length, ctx.fail);
      const rows = count === 0 ? 0 : input.length / count;
      const exps = new Float64Array(count);
      for (let row = 0; row < rows; row += 1) {
        const base = Math.floor(row / stride) * stride * count + (row % stride);
        let max = -Infinity;
        for (let k = 0; k < count; k += 1) max = Math.max(max, input[base + k * stride] ?? 0);
        let sum = 0;
        for (let k = 0; k < count; k += 1) {
          exps[k] = Math.exp((input[base + k * stride] ?? 0) - max);
          sum += exps[k] ?? 0;
        }
        if (log) {
          const logSum = Math.log(sum);
          for (let k = 0; k < count; k += 1)
            out.data[base + k * stride] = (input[base + k * stride] ?? 0) - max - logSum;
        } else {
          for (let k = 0; k < count; k += 1) out.data[base + k * stride] = (exps[k] ?? 0) / sum;
        }
      }
      return [out.finish(x.dims)];
    },
  });
}
