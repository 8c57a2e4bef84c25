/**
 * Where (opsets 9, 16): `output = condition ? X : Y` elementwise, with multidirectional broadcasting of all
 * three inputs. `condition` is bool; X and Y share one type (any type; 16 adds bfloat16 to the list, which
 * changes nothing here since elements are copied, not computed).
 * Spec: https://onnx.ai/onnx/operators/onnx__Where.html
 */
import { ALL_TYPES, allocate, DataType } from '../ir/dtype.js';
import { Tensor } from '../ir/tensor.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { broadcastConcrete, broadcastIndexMap, broadcastShapes } from './shared/broadcast.js';
import { isBigIntData, isNumberData } from './shared/elementwise.js';

/** The Where op: elementwise `condition ? X : Y`, broadcasting all three. */
export const Where = defineOp({
  opType: 'Where',
  domain: '',
  versions: [9, 16],
  inputs: [
    { name: 'condition', type: 'B' },
    { name: 'X', type: 'T' },
    { name: 'Y', type: 'T' },
  ],
  outputs: [{ name: 'output', type: 'T' }],
  attributes: {},
  types: {
    B: { types: [DataType.BOOL] },
    T: { types: ALL_TYPES, since: addedAt({ 16: [DataType.BFLOAT16] }) },
  },
  infer(ctx) {
    const condition = requireType(ctx, 0);
    const x = requireType(ctx, 1);
    const y = requireType(ctx, 2);
    return [{ dtype: x.dtype, shape: broadcastShapes([condition.shape, x.shape, y.shape], ctx.fail) }];
  },
  run(ctx) {
    const condition = requireInput(ctx, 0);
    const x = requireInput(ctx, 1);
    const y = requireInput(ctx, 2);
    const dims = broadcastConcrete([condition.dims, x.dims, y.dims], ctx.fail);
    const mapC = broadcastIndexMap(condition.dims, dims);
    const mapX = broadcastIndexMap(x.dims, dims);
    const mapY = broadcastIndexMap(y.dims, dims);
    const pick = condition.data;
    if (!isNumberData(pick)) return ctx.fail(`condition must be bool, got ${condition.describe()}`);
    const chooseX = (i: number): boolean => (pick[mapC[i] ?? 0] ?? 0) !== 0;
    const out = allocate(x.dtype, mapC.length);
    const left = x.data;
    const right = y.data;
    if (Array.isArray(out) && Array.isArray(left) && Array.isArray(right)) {
      for (let i = 0; i < out.length; i += 1) out[i] = (chooseX(i) ? left[mapX[i] ?? 0] : right[mapY[i] ?? 0]) ?? '';
    } else if (isBigIntData(out) && isBigIntData(left) && isBigIntData(right)) {
      for (let i = 0; i < out.length; i += 1) out[i] = (chooseX(i) ? left[mapX[i] ?? 0] : right[mapY[i] ?? 0]) ?? 0n;
    } else if (isNumberData(out) && isNumberData(left) && isNumberData(right)) {
      // Raw elements are copied (float16/bfloat16 bits included), so no value is re-rounded.
      for (let i = 0; i < out.length; i += 1) out[i] = (chooseX(i) ? left[mapX[i] ?? 0] : right[mapY[i] ?? 0]) ?? 0;
    } else {
      return ctx.fail(`internal: storage of ${x.describe()} and ${y.describe()} differs`);
    }
    return [new Tensor(x.dtype, dims, out)];
  },
});
