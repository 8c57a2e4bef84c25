/**
 * Range (opsets 11, 27): the 1-D tensor `start + i * delta` for `i < max(ceil((limit - start) / delta), 0)`,
 * from three scalars of one type. Opset 11 allows float, double, int16, int32, int64; opset 27 adds float16 and
 * bfloat16. Floats are computed in float64 and rounded once; int64 in BigInt.
 * Spec: https://onnx.ai/onnx/operators/onnx__Range.html
 */
import { SymDim } from '../ir/dim.js';
import { DataType } from '../ir/dtype.js';
import { Tensor } from '../ir/tensor.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { bigintOutput, bigintsOf, isBigIntData, numberOutput, numbersOf } from './shared/elementwise.js';

/** The element count of a range (numbers). */
function rangeLength(start: number, limit: number, delta: number, fail: (detail: string) => never): number {
  if (delta === 0) fail(`delta is 0 (start ${start}, limit ${limit})`);
  return Math.max(Math.ceil((limit - start) / delta), 0);
}

/** The element count of a range (BigInt), exactly. */
function bigRangeLength(start: bigint, limit: bigint, delta: bigint, fail: (detail: string) => never): number {
  if (delta === 0n) fail(`delta is 0 (start ${start}, limit ${limit})`);
  const span = limit - start;
  // ceil(span / delta) for integers of any sign: BigInt division truncates, so adjust when signs agree.
  const quotient = span / delta;
  const exact = quotient * delta === span;
  const ceil = !exact && span > 0n === delta > 0n ? quotient + 1n : quotient;
  return ceil > 0n ? Number(ceil) : 0;
}

/** The scalar value of input `index`, failing unless it has exactly one element. */
function scalar(tensor: Tensor, name: string, fail: (detail: string) => never): Tensor {
  if (tensor.size !== 1) fail(`${name} must be a scalar, got ${tensor.describe()}`);
  return tensor;
}

const NAMES = ['start', 'limit', 'delta'] as const;

/** The 16-bit float types Range takes from opset 27. */
const FLOAT16S = [DataType.FLOAT16, DataType.BFLOAT16];

/** The first elements of three BigInt scalars. */
function bigTriple(tensors: readonly Tensor[], fail: (detail: string) => never): [bigint, bigint, bigint] {
  const [a, b, c] = tensors.map((t) => bigintsOf(t, fail)[0] ?? 0n);
  return [a ?? 0n, b ?? 0n, c ?? 0n];
}

/** The first elements of three number scalars (float16/bfloat16 decoded). */
function numberTriple(tensors: readonly Tensor[], fail: (detail: string) => never): [number, number, number] {
  const [a, b, c] = tensors.map((t) => numbersOf(t, fail)[0] ?? 0);
  return [a ?? 0, b ?? 0, c ?? 0];
}

/** Computes the range tensor. */
function range(start: Tensor, limit: Tensor, delta: Tensor, fail: (detail: string) => never): Tensor {
  const dtype = start.dtype;
  if (isBigIntData(start.data)) {
    const [from, limitValue, step] = bigTriple([start, limit, delta], fail);
    const count = bigRangeLength(from, limitValue, step, fail);
    const out = bigintOutput(dtype, count, fail);
    for (let i = 0; i < count; i += 1) out[i] = from + BigInt(i) * step;
    return new Tensor(dtype, [count], out);
  }
  const [from, limitValue, step] = numberTriple([start, limit, delta], fail);
  const count = rangeLength(from, limitValue, step, fail);
  const out = numberOutput(dtype, count, fail);
  for (let i = 0; i < count; i += 1) out.data[i] = from + i * step;
  return out.finish([count]);
}

export const Range = defineOp({
  opType: 'Range',
  domain: '',
  versions: [11, 27],
  inputs: [
    { name: 'start', type: 'T' },
    { name: 'limit', type: 'T' },
    { name: 'delta', type: 'T' },
  ],
  outputs: [{ name: 'output', type: 'T' }],
  attributes: {},
  types: {
    T: {
      types: [DataType.FLOAT, DataType.DOUBLE, DataType.INT16, DataType.INT32, DataType.INT64, ...FLOAT16S],
      since: addedAt({ 27: FLOAT16S }),
    },
  },
  infer(ctx) {
    const dtype = requireType(ctx, 0).dtype;
    NAMES.forEach((_, i) => requireType(ctx, i));
    const [start, limit, delta] = [ctx.constant(0), ctx.constant(1), ctx.constant(2)];
    if (start === undefined || limit === undefined || delta === undefined)
      return [{ dtype, shape: [SymDim.unknown()] }];
    const bounds = [
      scalar(start, 'start', ctx.fail),
      scalar(limit, 'limit', ctx.fail),
      scalar(delta, 'delta', ctx.fail),
    ];
    const length = isBigIntData(start.data)
      ? bigRangeLength(...bigTriple(bounds, ctx.fail), ctx.fail)
      : rangeLength(...numberTriple(bounds, ctx.fail), ctx.fail);
    return [{ dtype, shape: [length] }];
  },
  run(ctx) {
    const [start, limit, delta] = NAMES.map((name, i) => scalar(requireInput(ctx, i), name, ctx.fail));
    if (start === undefined || limit === undefined || delta === undefined)
      return ctx.fail('needs start, limit and delta');
    return [range(start, limit, delta, ctx.fail)];
  },
});
