/**
 * CumSum (opsets 11, 14): the cumulative sum of `x` along the axis given by the scalar input `axis` (int32/int64,
 * negative counts from the back). Along that axis, output element `j` is `Σ_{i <= j} x_i`; `exclusive = 1` leaves
 * out `x_j` itself (`Σ_{i < j} x_i`, so the first element is 0) and `reverse = 1` sums from the end instead
 * (`Σ_{i >= j} x_i`). Floats accumulate in float64 and each output is rounded once; integers wrap at their width
 * like C. Types: int32/int64/uint32/uint64/float/double, float16 and bfloat16 from 14.
 * Spec: https://onnx.ai/onnx/operators/onnx__CumSum.html
 */
import { formatShape } from '../ir/dim.js';
import { DataType, isFloatType } from '../ir/dtype.js';
import { Tensor } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { normalizeAxis } from './shared/broadcast.js';
import { bigintOutput, bigintsOf, intsOf, isBigIntData, numberOutput, numbersOf } from './shared/elementwise.js';

/** The positions of one line along the axis, in summation order. */
function lineOrder(count: number, reverse: boolean): number[] {
  return Array.from({ length: count }, (_, k) => (reverse ? count - 1 - k : k));
}

/** The value of the scalar `axis` input (a 0-D tensor; a one-element 1-D tensor is accepted too). */
function axisValue(axis: Tensor, fail: (detail: string) => never): number {
  const [value] = intsOf(axis, fail);
  if (axis.size !== 1 || axis.dims.length > 1 || value === undefined)
    return fail(`axis must be a scalar, got ${axis.describe()}`);
  return value;
}

export const CumSum = defineOp({
  opType: 'CumSum',
  domain: '',
  versions: [11, 14],
  inputs: [
    { name: 'x', type: 'T' },
    { name: 'axis', type: 'T2' },
  ],
  outputs: [{ name: 'y', type: 'T' }],
  attributes: {
    exclusive: attr.int('exclusive', 0),
    reverse: attr.int('reverse', 0),
  },
  types: {
    T: {
      types: [
        DataType.UINT32,
        DataType.UINT64,
        DataType.INT32,
        DataType.INT64,
        DataType.FLOAT,
        DataType.DOUBLE,
        DataType.FLOAT16,
        DataType.BFLOAT16,
      ],
      since: addedAt({ 14: [DataType.FLOAT16, DataType.BFLOAT16] }),
    },
    T2: { types: [DataType.INT32, DataType.INT64] },
  },
  infer(ctx) {
    const x = requireType(ctx, 0);
    const axisType = requireType(ctx, 1);
    if (axisType.shape !== null && axisType.shape.length > 1)
      ctx.fail(`axis must be a scalar, got shape ${formatShape(axisType.shape)}`);
    const axis = ctx.constant(1);
    if (axis !== undefined && x.shape !== null)
      normalizeAxis(axisValue(axis, ctx.fail), x.shape.length, 'axis', (detail) =>
        ctx.fail(`${detail} (x ${formatShape(x.shape)})`),
      );
    return [x];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const axis = normalizeAxis(axisValue(requireInput(ctx, 1), ctx.fail), x.dims.length, 'axis', (detail) =>
      ctx.fail(`${detail} (x ${x.describe()})`),
    );
    const count = x.dims[axis] ?? 1;
    const inner = x.dims.slice(axis + 1).reduce((total, dim) => total * dim, 1);
    const outer = x.dims.slice(0, axis).reduce((total, dim) => total * dim, 1);
    const order = lineOrder(count, ctx.attrs.reverse !== 0);
    const exclusive = ctx.attrs.exclusive !== 0;
    // Walk every line (o, j) in summation order, writing the running sum before (exclusive) or after adding x_k.
    const forEachLine = (visit: (positions: number[]) => void): void => {
      for (let o = 0; o < outer; o += 1)
        for (let j = 0; j < inner; j += 1) visit(order.map((k) => (o * count + k) * inner + j));
    };
    if (isBigIntData(x.data)) {
      const input = bigintsOf(x, ctx.fail);
      const out = bigintOutput(x.dtype, input.length, ctx.fail);
      const wrap = (v: bigint): bigint => (x.dtype === DataType.INT64 ? BigInt.asIntN(64, v) : BigInt.asUintN(64, v));
      forEachLine((positions) => {
        let sum = 0n;
        for (const p of positions) {
          const next = wrap(sum + (input[p] ?? 0n));
          out[p] = exclusive ? sum : next;
          sum = next;
        }
      });
      return [new Tensor(x.dtype, x.dims, out)];
    }
    const input = numbersOf(x, ctx.fail);
    const out = numberOutput(x.dtype, input.length, ctx.fail);
    // int32/uint32: each partial sum (exact in float64) is wrapped to 32 bits, as C's wrapping add would.
    const wrapNumber = (v: number): number => (isFloatType(x.dtype) ? v : x.dtype === DataType.INT32 ? v | 0 : v >>> 0);
    forEachLine((positions) => {
      let sum = 0;
      for (const p of positions) {
        const next = wrapNumber(sum + (input[p] ?? 0));
        out.data[p] = exclusive ? sum : next;
        sum = next;
      }
    });
    return [out.finish(x.dims)];
  },
});
