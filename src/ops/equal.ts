/**
 * Equal (opsets 1, 7, 11, 13, 19): `C = (A == B)` elementwise, a bool tensor, with broadcasting.
 * 1: bool/int32/int64 only, with the legacy `broadcast`/`axis` attributes (not supported here: sppkit builds
 * from opset 7 on, where numpy broadcasting applies). 11: every numeric type. 13: bfloat16. 19: string.
 * Floats compare as IEEE values (NaN is never equal, -0 equals +0); float16/bfloat16 are decoded first.
 * Spec: https://onnx.ai/onnx/operators/onnx__Equal.html
 */
import { DataType, NUMERIC_TYPES } from '../ir/dtype.js';
import { Tensor } from '../ir/tensor.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { broadcastConcrete, broadcastIndexMap, broadcastShapes } from './shared/broadcast.js';
import { isBigIntData, numbersOf } from './shared/elementwise.js';

/** bool, int32 and int64 from the start; the other numeric types from 11, bfloat16 from 13, string from 19. */
const EQUAL_TYPES: readonly DataType[] = [DataType.BOOL, DataType.INT32, DataType.INT64];
const FROM_11 = NUMERIC_TYPES.filter((dtype) => !EQUAL_TYPES.includes(dtype) && dtype !== DataType.BFLOAT16);

/** Equal-1 took legacy `broadcast`/`axis` attributes; sppkit supports Equal from the numpy-broadcasting version 7. */
const LEGACY_OPSET = 7;

/** The Equal op: elementwise `A == B` as bool, broadcasting. */
export const Equal = defineOp({
  opType: 'Equal',
  domain: '',
  versions: [1, 7, 11, 13, 19],
  inputs: [
    { name: 'A', type: 'T' },
    { name: 'B', type: 'T' },
  ],
  outputs: [{ name: 'C', type: 'T1' }],
  attributes: {},
  types: {
    T: {
      types: [...EQUAL_TYPES, ...FROM_11, DataType.BFLOAT16, DataType.STRING],
      since: addedAt({ 11: FROM_11, 13: [DataType.BFLOAT16], 19: [DataType.STRING] }),
    },
    T1: { types: [DataType.BOOL] },
  },
  infer(ctx) {
    const a = requireType(ctx, 0);
    const b = requireType(ctx, 1);
    if (ctx.opset < LEGACY_OPSET)
      ctx.fail(`Equal-1 (legacy broadcast attributes) is not supported; use opset ${LEGACY_OPSET} or later`);
    return [{ dtype: DataType.BOOL, shape: broadcastShapes([a.shape, b.shape], ctx.fail) }];
  },
  run(ctx) {
    const a = requireInput(ctx, 0);
    const b = requireInput(ctx, 1);
    const dims = broadcastConcrete([a.dims, b.dims], ctx.fail);
    const mapA = broadcastIndexMap(a.dims, dims);
    const mapB = broadcastIndexMap(b.dims, dims);
    const out = new Uint8Array(mapA.length);
    const left = a.data;
    const right = b.data;
    if (Array.isArray(left) && Array.isArray(right)) {
      for (let i = 0; i < out.length; i += 1) out[i] = left[mapA[i] ?? 0] === right[mapB[i] ?? 0] ? 1 : 0;
    } else if (isBigIntData(left) && isBigIntData(right)) {
      for (let i = 0; i < out.length; i += 1) out[i] = left[mapA[i] ?? 0] === right[mapB[i] ?? 0] ? 1 : 0;
    } else {
      const x = numbersOf(a, ctx.fail);
      const y = numbersOf(b, ctx.fail);
      for (let i = 0; i < out.length; i += 1) out[i] = x[mapA[i] ?? 0] === y[mapB[i] ?? 0] ? 1 : 0;
    }
    return [new Tensor(DataType.BOOL, dims, out)];
  },
});
