/**
 * The float64 matrix multiply under Gemm and MatMul: `multiplyAccumulate` runs the cache-blocked 4×4-tile kernels
 * of gemm-kernels.ts (WebAssembly SIMD where available, else their JS twins; same bits). `multiplyAccumulateJs` is
 * the plain JS kernel the tests hold them to. (Conv runs the same kernels through gemm-conv.ts.)
 */
import { DataType, FLOAT_TYPES } from '../../ir/dtype.js';
import type { TypeConstraint } from '../core/op.js';
import { addedAt } from '../core/types.js';
import { multiplyAccumulateWith, type MatrixView } from './gemm-driver.js';
import { gemmKernels } from './gemm-kernels.js';

export type { MatrixView } from './gemm-driver.js';

/** The integer types Gemm and MatMul admit from opset 9. */
const MATRIX_INTEGERS = [DataType.INT32, DataType.INT64, DataType.UINT32, DataType.UINT64];

/**
 * The element types of Gemm and MatMul: floats (bfloat16 from 13) and, from opset 9, the 32/64-bit integers, which
 * are admitted but not computed (this kernel works in float64).
 */
export const MATRIX_PRODUCT_TYPES: TypeConstraint = {
  types: [...FLOAT_TYPES, ...MATRIX_INTEGERS],
  since: addedAt({ 9: MATRIX_INTEGERS, 13: [DataType.BFLOAT16] }),
  unimplemented: MATRIX_INTEGERS,
};

/** Width of the register tile of `multiplyAccumulate` (4 rows × 4 columns). */
const TILE = 4;

/**
 * `out[outOffset + i*n + j] += Σ_k A(i, k) · B(k, j)` for `i < rows`, `j < n`, `k < depth`, in float64: each sum
 * runs from +0 in k order and is added to `out` once, as in `multiplyAccumulateJs`, whose bits it gives.
 */
export function multiplyAccumulate(
  a: MatrixView,
  b: MatrixView,
  out: Float64Array,
  outOffset: number,
  rows: number,
  depth: number,
  n: number,
): void {
  multiplyAccumulateWith(gemmKernels(), a, b, out, outOffset, rows, depth, n);
}

/**
 * A plain JS kernel of `out += A·B` (A packed in 4-row blocks, B in 4-column panels, a 4×4 tile of sums): the
 * reference the kernels of `multiplyAccumulate` are tested against.
 */
export function multiplyAccumulateJs(
  a: MatrixView,
  b: MatrixView,
  out: Float64Array,
  outOffset: number,
  rows: number,
  depth: number,
  n: number,
): void {
  const panels = Math.ceil(n / TILE);
  const bPack = new Float64Array(panels * depth * TILE);
  for (let p = 0; p < panels; p += 1) {
    for (let c = 0; c < TILE && p * TILE + c < n; c += 1) {
      let src = b.offset + (p * TILE + c) * b.colStride;
      let dst = p * depth * TILE + c;
      for (let k = 0; k < depth; k += 1, src += b.rowStride, dst += TILE) bPack[dst] = b.data[src] ?? 0;
    }
  }
  const aPack = new Float64Array(depth * TILE);
  for (let m = 0; m < rows; m += TILE) {
    const height = Math.min(TILE, rows - m);
    aPack.fill(0);
    for (let r = 0; r < height; r += 1) {
      let src = a.offset + (m + r) * a.rowStride;
      for (let k = 0; k < depth; k += 1, src += a.colStride) aPack[k * TILE + r] = a.data[src] ?? 0;
    }
    for (let p = 0; p < panels; p += 1) {
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      let bi = p * depth * TILE;
      let ai = 0;
      for (let k = 0; k < depth; k += 1, bi += TILE, ai += TILE) {
        const b0 = bPack[bi] ?? 0,
          b1 = bPack[bi + 1] ?? 0,
          b2 = bPack[bi + 2] ?? 0,
          b3 = bPack[bi + 3] ?? 0;
        const a0 = aPack[ai] ?? 0,
          a1 = aPack[ai + 1] ?? 0,
          a2 = aPack[ai + 2] ?? 0,
          a3 = aPack[ai + 3] ?? 0;
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
      }
      const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
      const width = Math.min(TILE, n - p * TILE);
      for (let r = 0; r < height; r += 1) {
        const row = outOffset + (m + r) * n + p * TILE;
        for (let c = 0; c < width; c += 1) out[row + c] = (out[row + c] ?? 0) + (tile[r * TILE + c] ?? 0);
      }
    }
  }
}
