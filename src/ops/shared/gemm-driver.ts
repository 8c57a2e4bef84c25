/**
 * Cache blocking for the float64 kernels of gemm-kernels.ts: `C = A·B + bias` computed over column chunks of B that
 * fit in a core's L2 cache (packed just before use, while A's 4-row blocks stay in L1), and handed out in column
 * ranges whose C fits a scratch budget. Blocking never splits a sum: every element is still `+0 + Σ_k` in k order,
 * then `+ bias`, so the chunk sizes change the speed only, never a bit.
 *
 * `multiplyAccumulateWith` is the general strided `out += A·B` of Gemm and MatMul on top of it.
 */
import type { GemmKernels } from './gemm-kernels.js';

/** Bytes of B packed per chunk (a 4-column panel of depth k is 32·k bytes): well inside a 512 KB–1 MB L2. */
const B_CHUNK_BYTES = 96 * 1024;
/** Most bytes of C held in scratch at once; wider outputs are produced in column ranges. */
const C_BUDGET_BYTES = 32 * 1024 * 1024;
/** Alignment of every scratch region (a cache line). */
const ALIGN = 64;

/** Rounds `bytes` up to the scratch alignment. */
export function aligned(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

/** Where one blocked GEMM keeps its operands in scratch, and how it walks the columns. */
export interface GemmPlan {
  readonly rows: number;
  readonly depth: number;
  readonly n: number;
  /** Blocks of 4 rows (A and bias are padded to `4·blocks` rows). */
  readonly blocks: number;
  readonly panels: number;
  /** Panels of B packed at once. */
  readonly chunkPanels: number;
  /** Panels of C produced before `emit` runs (a multiple of `chunkPanels`, or all of them). */
  readonly rangePanels: number;
  /** Byte address of A (packed in 4-row blocks), of the bias (one float64 per padded row), of B's chunk, of C. */
  readonly a: number;
  readonly bias: number;
  readonly b: number;
  readonly c: number;
  /** First byte after the plan's regions. */
  readonly end: number;
  /** C holds float32 (rounded once on store) rather than float64. */
  readonly f32: boolean;
}

/**
 * Lays out a `rows × depth` by `depth × n` product from byte address `base` on; A and the bias get regions there
 * unless `operands` says where they already are (A packed as `[block][k][4]`, the bias with `4·blocks` entries).
 */
export function planGemm(
  rows: number,
  depth: number,
  n: number,
  base: number,
  operands?: { readonly a: number; readonly bias: number },
  f32 = false,
): GemmPlan {
  const blocks = Math.ceil(rows / 4);
  const panels = Math.ceil(n / 4);
  const chunkPanels = Math.max(1, Math.min(panels, Math.floor(B_CHUNK_BYTES / Math.max(1, depth * 32))));
  const fitting = Math.floor(C_BUDGET_BYTES / (blocks * 4 * 32));
  const rangePanels = panels <= fitting ? panels : Math.max(1, Math.floor(fitting / chunkPanels)) * chunkPanels;
  const a = operands?.a ?? aligned(base);
  const bias = operands?.bias ?? aligned(a + blocks * 4 * depth * 8);
  const b = aligned(operands === undefined ? bias + blocks * 4 * 8 : base);
  const c = aligned(b + chunkPanels * depth * 32);
  const end = aligned(c + blocks * 4 * Math.max(1, rangePanels) * (f32 ? 16 : 32));
  return { rows, depth, n, blocks, panels, chunkPanels, rangePanels, a, bias, b, c, end, f32 };
}

/**
 * Runs `plan` (A and the bias already written): `fill(dst, panel, count)` packs panels `[panel, panel + count)` of B
 * at byte address `dst`; `emit(c, ldc, column, columns)` receives C's columns `[column, column + columns)` (rows
 * `0..rows-1`, row stride `ldc` bytes, at byte address `c`; float32 when the plan says so) before the scratch is
 * reused.
 */
export function runGemm(
  kernels: GemmKernels,
  plan: GemmPlan,
  fill: (dst: number, panel: number, count: number) => void,
  emit: (c: number, ldc: number, column: number, columns: number) => void,
): void {
  const panelBytes = plan.f32 ? 16 : 32;
  const ldc = plan.rangePanels * panelBytes;
  for (let range = 0; range < plan.panels; range += plan.rangePanels) {
    const rangeEnd = Math.min(plan.panels, range + plan.rangePanels);
    for (let chunk = range; chunk < rangeEnd; chunk += plan.chunkPanels) {
      const count = Math.min(plan.chunkPanels, rangeEnd - chunk);
      fill(plan.b, chunk, count);
      kernels.gemm({
        a: plan.a,
        b: plan.b,
        c: plan.c + (chunk - range) * panelBytes,
        ldc,
        bias: plan.bias,
        blocks: plan.blocks,
        panels: count,
        depth: plan.depth,
        f32: plan.f32,
      });
    }
    const column = range * 4;
    emit(plan.c, ldc, column, Math.min(plan.n, rangeEnd * 4) - column);
  }
}

/** A strided matrix inside a flat array: element `(i, j)` is `data[offset + i*rowStride + j*colStride]`. */
export interface MatrixView {
  readonly data: ArrayLike<number>;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/** Largest A (in bytes) packed at once by `multiplyAccumulateWith`; taller products run in row slices. */
const A_BUDGET_BYTES = 64 * 1024 * 1024;

/**
 * `out[outOffset + i*n + j] += Σ_k A(i, k) · B(k, j)` for `i < rows`, `j < n`, `k < depth`, with `kernels`: each
 * sum is `+0 + A(i,0)·B(0,j) + …` in k order, then added to `out` once.
 */
export function multiplyAccumulateWith(
  kernels: GemmKernels,
  a: MatrixView,
  b: MatrixView,
  out: Float64Array,
  outOffset: number,
  rows: number,
  depth: number,
  n: number,
): void {
  const sliceRows = Math.max(4, Math.floor(A_BUDGET_BYTES / Math.max(1, depth * 8 * 4)) * 4);
  for (let first = 0; first < rows; first += sliceRows) {
    const count = Math.min(sliceRows, rows - first);
    const plan = planGemm(count, depth, n, 0);
    const f64 = new Float64Array(kernels.reserve(plan.end));
    // A packed in 4-row blocks [block][k][4] with zero rows past the last, and a zero bias.
    f64.fill(0, plan.a >> 3, plan.b >> 3);
    for (let i = 0; i < count; i += 1) {
      let src = a.offset + (first + i) * a.rowStride;
      let dst = (plan.a >> 3) + (i >> 2) * depth * 4 + (i & 3);
      for (let k = 0; k < depth; k += 1, src += a.colStride, dst += 4) f64[dst] = a.data[src] ?? 0;
    }
    runGemm(
      kernels,
      plan,
      (dst, panel, panels) => packView(f64, b, dst >> 3, panel, panels, depth, n),
      (c, ldc, column, columns) => {
        for (let i = 0; i < count; i += 1) {
          const from = (c + i * ldc) >> 3;
          const to = outOffset + (first + i) * n + column;
          for (let j = 0; j < columns; j += 1) out[to + j] = (out[to + j] ?? 0) + (f64[from + j] ?? 0);
        }
      },
    );
  }
}

/** Packs panels `[panel, panel + panels)` of the view `b` (`depth × n`) as `[panel][k][4]`, zero past column n. */
function packView(
  f64: Float64Array,
  b: MatrixView,
  dst: number,
  panel: number,
  panels: number,
  depth: number,
  n: number,
): void {
  for (let p = panel; p < panel + panels; p += 1) {
    for (let c = 0; c < 4; c += 1) {
      const j = p * 4 + c;
      let at = dst + (p - panel) * depth * 4 + c;
      if (j >= n) {
        for (let k = 0; k < depth; k += 1, at += 4) f64[at] = 0;
        continue;
      }
      let src = b.offset + j * b.colStride;
      for (let k = 0; k < depth; k += 1, src += b.rowStride, at += 4) f64[at] = b.data[src] ?? 0;
    }
  }
}
