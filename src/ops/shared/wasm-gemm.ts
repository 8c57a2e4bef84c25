/**
 * The float64 matrix multiply of `multiplyAccumulate` (multiply-accumulate.ts) on the WebAssembly SIMD kernels
 * (gemm-kernels.ts, wasm/gemm.wat), cache-blocked by gemm-driver.ts: the same sums in the same k order as the JS
 * kernel, with separate multiply and add, so the results are bit-identical to it.
 */
import { multiplyAccumulateWith, type MatrixView } from './gemm-driver.js';
import { gemmKernels } from './gemm-kernels.js';

/**
 * `out[outOffset + i*n + j] += Σ_k A(i, k) · B(k, j)` (as `multiplyAccumulate`); false when WebAssembly SIMD is
 * unavailable and nothing was done.
 */
export function wasmMultiplyAccumulate(
  a: MatrixView,
  b: MatrixView,
  out: Float64Array,
  outOffset: number,
  rows: number,
  depth: number,
  n: number,
): boolean {
  const kernels = gemmKernels();
  if (kernels.kind !== 'wasm') return false;
  multiplyAccumulateWith(kernels, a, b, out, outOffset, rows, depth, n);
  return true;
}
