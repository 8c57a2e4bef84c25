/**
 * MatMul (opsets 1, 9, 13): numpy `matmul`. 9 added integer types (not computed here: the kernel works in
 * float64), 13 bfloat16.
 * Spec: https://onnx.ai/onnx/operators/onnx__MatMul.html
 *
 * A 1-D A is a row `[1, K]` and a 1-D B a column `[K, 1]`; the added dim is removed from the result. The
 * leading (batch) dims broadcast like numpy.
 */
import { formatShape, type Dim } from '../ir/dim.js';
import { stridesOf } from '../ir/tensor.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { broadcastConcrete, broadcastShapes } from './shared/broadcast.js';
import { elementTensor, floatData } from './shared/float.js';
import { MATRIX_PRODUCT_TYPES, multiplyAccumulate } from './shared/multiply-accumulate.js';

/** The operands as matrices (1-D promoted), their batch dims, and the result shape. */
interface MatMulPlan<D> {
  readonly batchA: readonly D[];
  readonly batchB: readonly D[];
  readonly m: D;
  readonly k: D;
  readonly kB: D;
  readonly n: D;
  /** The result's trailing dims after removing promoted axes: `[m, n]`, `[m]`, `[n]` or `[]`. */
  readonly tail: readonly D[];
}

/** Splits the operand shapes into batch and matrix dims, promoting 1-D operands. */
function plan<D extends Dim>(a: readonly D[], b: readonly D[], one: D, fail: (detail: string) => never): MatMulPlan<D> {
  if (a.length === 0 || b.length === 0)
    fail(`MatMul operands must have rank >= 1, got A ${formatShape(a)} and B ${formatShape(b)}`);
  const aMatrix = a.length === 1 ? [one, ...a] : a;
  const bMatrix = b.length === 1 ? [...b, one] : b;
  const m = aMatrix[aMatrix.length - 2] ?? one;
  const k = aMatrix[aMatrix.length - 1] ?? one;
  const kB = bMatrix[bMatrix.length - 2] ?? one;
  const n = bMatrix[bMatrix.length - 1] ?? one;
  const tail = [...(a.length === 1 ? [] : [m]), ...(b.length === 1 ? [] : [n])];
  return { batchA: aMatrix.slice(0, -2), batchB: bMatrix.slice(0, -2), m, k, kB, n, tail };
}

/** Offsets of the first element of each broadcast batch matrix within an operand. */
function batchOffsets(batch: readonly number[], own: readonly number[], matrixSize: number): Int32Array {
  const count = batch.reduce((size, dim) => size * dim, 1);
  const ownStrides = stridesOf(own).map((stride, i) => (own[i] === 1 ? 0 : stride * matrixSize));
  const shift = batch.length - own.length;
  const offsets = new Int32Array(count);
  for (let index = 0; index < count; index += 1) {
    let rest = index;
    let offset = 0;
    for (let axis = batch.length - 1; axis >= 0; axis -= 1) {
      const size = batch[axis] ?? 1;
      const coordinate = rest % size;
      rest = Math.floor(rest / size);
      if (axis >= shift) offset += coordinate * (ownStrides[axis - shift] ?? 0);
    }
    offsets[index] = offset;
  }
  return offsets;
}

export const MatMul = defineOp({
  opType: 'MatMul',
  domain: '',
  versions: [1, 9, 13],
  inputs: [
    { name: 'A', type: 'T' },
    { name: 'B', type: 'T' },
  ],
  outputs: [{ name: 'Y', type: 'T' }],
  attributes: {},
  types: { T: MATRIX_PRODUCT_TYPES },
  infer(ctx) {
    const a = requireType(ctx, 0);
    const b = requireType(ctx, 1);
    if (a.shape === null || b.shape === null) return [{ dtype: a.dtype, shape: null }];
    const describe = `A.shape=${formatShape(a.shape)}, B.shape=${formatShape(b.shape)}`;
    const p = plan<Dim>(a.shape, b.shape, 1, (detail) => ctx.fail(detail));
    if (typeof p.k === 'number' && typeof p.kB === 'number' && p.k !== p.kB)
      ctx.fail(`inner dimensions differ (${p.k} vs ${p.kB}); ${describe}`);
    const batch = broadcastShapes([p.batchA, p.batchB], (detail) => ctx.fail(`batch dims: ${detail}; ${describe}`));
    return [{ dtype: a.dtype, shape: batch === null ? null : [...batch, ...p.tail] }];
  },
  run(ctx) {
    const a = requireInput(ctx, 0);
    const b = requireInput(ctx, 1);
    const describe = `A.shape=[${a.dims.join(', ')}], B.shape=[${b.dims.join(', ')}]`;
    const p = plan<number>(a.dims, b.dims, 1, (detail) => ctx.fail(detail));
    if (p.k !== p.kB) ctx.fail(`inner dimensions differ (${p.k} vs ${p.kB}); ${describe}`);
    const batch = broadcastConcrete([p.batchA, p.batchB], (detail) => ctx.fail(`batch dims: ${detail}; ${describe}`));
    const offsetsA = batchOffsets(batch, p.batchA, p.m * p.k);
    const offsetsB = batchOffsets(batch, p.batchB, p.k * p.n);
    const aData = floatData(a, ctx.fail);
    const bData = floatData(b, ctx.fail);
    // One multiply-add per output element and step of the inner dimension.
    ctx.charge(offsetsA.length * p.m * p.n * p.k, 'multiply-adds');
    const out = new Float64Array(offsetsA.length * p.m * p.n);
    for (let index = 0; index < offsetsA.length; index += 1) {
      multiplyAccumulate(
        { data: aData, offset: offsetsA[index] ?? 0, rowStride: p.k, colStride: 1 },
        { data: bData, offset: offsetsB[index] ?? 0, rowStride: p.n, colStride: 1 },
        out,
        index * p.m * p.n,
        p.m,
        p.k,
        p.n,
      );
    }
    return [elementTensor(a.dtype, [...batch, ...p.tail], out)];
  },
});
