/**
 * Gemm (opsets 1, 6, 7, 9, 11, 13): `Y = alpha * A' · B' + beta * C`, where `A'` is A or its transpose
 * (transA), likewise `B'`, and C broadcasts unidirectionally to `[M, N]`. 6 dropped consumed_inputs (not
 * modelled), 7 replaced the `broadcast` attribute by numpy broadcasting of C, 9 added integer types, 11 made C
 * optional, 13 added bfloat16. The legacy `broadcast` attribute is accepted; C is broadcast either way.
 * Spec: https://onnx.ai/onnx/operators/onnx__Gemm.html
 *
 * Also home of `multiplyAccumulate`, the matrix-multiply kernel Conv and MatMul share.
 */
import { formatShape, type Dim } from '../ir/dim.js';
import { dtypeName } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { floatData } from './shared/float.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { wasmMultiplyAccumulate } from './shared/wasm-gemm.js';
import { elementTensor, expectDtype, FLOAT_DTYPES } from './shared/reduce.js';

/** A strided matrix inside a flat array: element `(i, j)` is `data[offset + i*rowStride + j*colStride]`. */
export interface MatrixView {
  readonly data: ArrayLike<number>;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/** Width of the register tile of `multiplyAccumulate` (4 rows × 4 columns). */
const TILE = 4;

/**
 * `out[outOffset + i*n + j] += Σ_k A(i, k) · B(k, j)` for `i < rows`, `j < n`, `k < depth`, in float64, with the
 * WebAssembly SIMD kernel (wasm-gemm.ts) where available, else `multiplyAccumulateJs`; both give the same bits.
 * A is packed in 4-row blocks and B in 4-column panels (both zero-padded, laid out `[k][4]`), so the inner loop
 * keeps a 4×4 tile of sums in registers and reads both packs sequentially.
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
  if (!wasmMultiplyAccumulate(a, b, out, outOffset, rows, depth, n))
    multiplyAccumulateJs(a, b, out, outOffset, rows, depth, n);
}

/** The JS kernel of `multiplyAccumulate` (used where WebAssembly SIMD is unavailable; the reference for its tests). */
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

/** A row-major matrix view (optionally transposed) of `data` with logical shape `rows × cols` before transposing. */
function view(data: ArrayLike<number>, cols: number, transposed: boolean): MatrixView {
  return transposed
    ? { data, offset: 0, rowStride: 1, colStride: cols }
    : { data, offset: 0, rowStride: cols, colStride: 1 };
}

/** Checks that C (rank <= 2) broadcasts unidirectionally onto `[M, N]`. */
function checkBias(c: readonly Dim[], m: Dim, n: Dim, fail: (detail: string) => never): void {
  const target = [m, n];
  if (c.length > 2) fail(`C ${formatShape(c)} must have rank <= 2 to broadcast onto Y [${String(m)}, ${String(n)}]`);
  c.forEach((dim, i) => {
    const want = target[target.length - c.length + i] ?? 1;
    if (dim !== 1 && typeof dim === 'number' && typeof want === 'number' && dim !== want) {
      fail(`C ${formatShape(c)} cannot broadcast onto Y ${formatShape(target)}`);
    }
  });
}

export const Gemm = defineOp({
  opType: 'Gemm',
  domain: '',
  versions: [1, 6, 7, 9, 11, 13],
  inputs: [{ name: 'A' }, { name: 'B' }, { name: 'C', optional: true }],
  outputs: [{ name: 'Y' }],
  attributes: {
    alpha: attr.float('alpha', 1),
    beta: attr.float('beta', 1),
    transA: attr.int('transA', 0),
    transB: attr.int('transB', 0),
    broadcast: attr.int('broadcast', 0, { until: 6 }),
  },
  dtypes: FLOAT_DTYPES,
  infer(ctx) {
    const a = requireType(ctx, 0);
    const b = requireType(ctx, 1);
    const c = ctx.inputs[2] ?? null;
    expectDtype(a.dtype, FLOAT_DTYPES, 'input A', ctx.fail);
    for (const [name, type] of [
      ['B', b],
      ['C', c],
    ] as const) {
      if (type !== null && type.dtype !== a.dtype)
        ctx.fail(`input ${name} has element type ${dtypeName(type.dtype)} but A has ${dtypeName(a.dtype)}`);
    }
    if (a.shape === null || b.shape === null) return [{ dtype: a.dtype, shape: null }];
    const describe = `A.shape=${formatShape(a.shape)}, B.shape=${formatShape(b.shape)}, transA=${ctx.attrs.transA}, transB=${ctx.attrs.transB}`;
    if (a.shape.length !== 2 || b.shape.length !== 2) ctx.fail(`A and B must be matrices; ${describe}`);
    const [a0 = 0, a1 = 0] = a.shape;
    const [b0 = 0, b1 = 0] = b.shape;
    const [m, kA] = ctx.attrs.transA !== 0 ? [a1, a0] : [a0, a1];
    const [kB, n] = ctx.attrs.transB !== 0 ? [b1, b0] : [b0, b1];
    if (typeof kA === 'number' && typeof kB === 'number' && kA !== kB)
      ctx.fail(`inner dimensions differ (${kA} vs ${kB}); ${describe}`);
    if (c !== null && c.shape !== null) checkBias(c.shape, m, n, (detail) => ctx.fail(`${detail}; ${describe}`));
    return [{ dtype: a.dtype, shape: [m, n] }];
  },
  run(ctx) {
    const a = requireInput(ctx, 0);
    const b = requireInput(ctx, 1);
    const c = ctx.inputs[2] ?? null;
    expectDtype(a.dtype, FLOAT_DTYPES, 'input A', ctx.fail);
    const describe = `A.shape=[${a.dims.join(', ')}], B.shape=[${b.dims.join(', ')}], transA=${ctx.attrs.transA}, transB=${ctx.attrs.transB}`;
    if (a.dims.length !== 2 || b.dims.length !== 2) ctx.fail(`A and B must be matrices; ${describe}`);
    const [a0 = 0, a1 = 0] = a.dims;
    const [b0 = 0, b1 = 0] = b.dims;
    const transA = ctx.attrs.transA !== 0;
    const transB = ctx.attrs.transB !== 0;
    const [m, k] = transA ? [a1, a0] : [a0, a1];
    const [kB, n] = transB ? [b1, b0] : [b0, b1];
    if (k !== kB) ctx.fail(`inner dimensions differ (${k} vs ${kB}); ${describe}`);
    const out = new Float64Array(m * n);
    multiplyAccumulate(
      view(floatData(a, ctx.fail), a1, transA),
      view(floatData(b, ctx.fail), b1, transB),
      out,
      0,
      m,
      k,
      n,
    );
    const { alpha, beta } = ctx.attrs;
    if (alpha !== 1) for (let i = 0; i < out.length; i += 1) out[i] = (out[i] ?? 0) * alpha;
    if (c !== null && beta !== 0) {
      checkBias(c.dims, m, n, (detail) => ctx.fail(`${detail}; ${describe}`));
      const cData = floatData(c, ctx.fail);
      const rows = c.dims.length === 2 ? (c.dims[0] ?? 1) : 1;
      const cols = c.dims.length >= 1 ? (c.dims[c.dims.length - 1] ?? 1) : 1;
      for (let i = 0; i < m; i += 1) {
        const cRow = rows === 1 ? 0 : i * cols;
        for (let j = 0; j < n; j += 1)
          out[i * n + j] = (out[i * n + j] ?? 0) + beta * (cData[cRow + (cols === 1 ? 0 : j)] ?? 0);
      }
    }
    return [elementTensor(a.dtype, [m, n], out)];
  },
});
