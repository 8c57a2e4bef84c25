import { describe, expect, it } from 'vitest';
import { prng } from '../../src/blocks/weights.js';
import { multiplyAccumulateWith, type MatrixView } from '../../src/ops/shared/gemm-driver.js';
import { gemmKernels } from '../../src/ops/shared/gemm-kernels.js';
import { multiplyAccumulateJs } from '../../src/ops/shared/multiply-accumulate.js';

/** `out += A·B` on the WebAssembly SIMD kernels; false when they did not load (nothing done). */
function wasmMultiplyAccumulate(
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

describe('WebAssembly SIMD float64 GEMM', () => {
  it('multiplies a hand-computed 2×3 by 3×2 and adds to the output', () => {
    const a = { data: [1, 2, 3, 4, 5, 6], offset: 0, rowStride: 3, colStride: 1 };
    const b = { data: [7, 8, 9, 10, 11, 12], offset: 0, rowStride: 2, colStride: 1 };
    const out = Float64Array.from([1, 1, 1, 1]);
    expect(wasmMultiplyAccumulate(a, b, out, 0, 2, 3, 2)).toBe(true);
    // [1 2 3; 4 5 6]·[7 8; 9 10; 11 12] = [58 64; 139 154], plus the 1s already there.
    expect(Array.from(out)).toEqual([59, 65, 140, 155]);
  });

  it('gives the same bits as the JS kernel for odd sizes, offsets and strided views', () => {
    const random = prng(11);
    for (const rows of [1, 3, 4, 5, 9]) {
      for (const depth of [1, 2, 7, 17]) {
        for (const n of [1, 3, 4, 6, 13]) {
          const aData = Float64Array.from({ length: 2 + rows * depth * 2 }, () => random() * 2 - 1);
          const bData = Float32Array.from({ length: 3 + depth * n }, () => random() * 2 - 1);
          // A read transposed with a column stride of 2 (every other element), B at an offset.
          const a = { data: aData, offset: 2, rowStride: 1, colStride: rows * 2 };
          const b = { data: bData, offset: 3, rowStride: n, colStride: 1 };
          const seed = Float64Array.from({ length: 5 + rows * n }, () => random());
          const viaWasm = seed.slice();
          const viaJs = seed.slice();
          expect(wasmMultiplyAccumulate(a, b, viaWasm, 5, rows, depth, n)).toBe(true);
          multiplyAccumulateJs(a, b, viaJs, 5, rows, depth, n);
          expect(Array.from(viaWasm), `${rows}x${depth}x${n}`).toEqual(Array.from(viaJs));
        }
      }
    }
  });
});
