/**
 * The float64 matrix multiply of `multiplyAccumulate` (multiply-accumulate.ts) in WebAssembly SIMD
 * (wasm/gemm.wat): same 4×4 tiles, same k order, separate multiply and add, so the results are bit-identical to
 * the JS kernel's.
 */
import type { MatrixView } from './multiply-accumulate.js';
import { GEMM_WASM } from './wasm/gemm-wasm.js';
import { ensureMemory, instantiateKernel, isKernelFunction } from './wasm/load.js';

interface Kernel {
  readonly memory: WebAssembly.Memory;
  readonly gemm: (a: number, b: number, c: number, m4: number, n4: number, k: number) => void;
}

let kernel: Kernel | null | undefined;

function loadKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  const exports = instantiateKernel(GEMM_WASM);
  if (exports === null) {
    kernel = null;
    return kernel;
  }
  const { memory, gemm } = exports;
  kernel = memory instanceof WebAssembly.Memory && isKernelFunction(gemm) ? { memory, gemm } : null;
  return kernel;
}

const TILE = 4;

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
  const wasm = loadKernel();
  if (wasm === null) return false;
  const m4 = Math.ceil(rows / TILE) * TILE;
  const n4 = Math.ceil(n / TILE) * TILE;
  const aBytes = m4 * depth * 8;
  const bBytes = depth * n4 * 8;
  if (!ensureMemory(wasm.memory, aBytes + bBytes + m4 * n4 * 8)) return false;
  const heap = new Float64Array(wasm.memory.buffer);
  // A packed in 4-row blocks, [block][k][row], zero-padded past `rows`.
  heap.fill(0, 0, (aBytes + bBytes) / 8);
  for (let i = 0; i < rows; i += 1) {
    const block = Math.floor(i / TILE) * depth * TILE + (i % TILE);
    let src = a.offset + i * a.rowStride;
    for (let k = 0; k < depth; k += 1, src += a.colStride) heap[block + k * TILE] = a.data[src] ?? 0;
  }
  // B row-major with rows padded to n4 columns.
  const bBase = aBytes / 8;
  for (let k = 0; k < depth; k += 1) {
    let src = b.offset + k * b.rowStride;
    const dst = bBase + k * n4;
    for (let j = 0; j < n; j += 1, src += b.colStride) heap[dst + j] = b.data[src] ?? 0;
  }
  wasm.gemm(0, aBytes, aBytes + bBytes, m4, n4, depth);
  const cBase = (aBytes + bBytes) / 8;
  for (let i = 0; i < rows; i += 1) {
    const row = outOffset + i * n;
    const from = cBase + i * n4;
    for (let j = 0; j < n; j += 1) out[row + j] = (out[row + j] ?? 0) + (heap[from + j] ?? 0);
  }
  return true;
}
