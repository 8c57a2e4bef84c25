/**
 * Gemm (opsets 1, 6, 7, 9, 11, 13): `Y = alpha * A' · B' + beta * C`, where `A'` is A or its transpose
 * (transA), likewise `B'`, and C broadcasts unidirectionally to `[M, N]`. 6 dropped consumed_inputs (not
 * modelled), 7 replaced the `broadcast` attribute by numpy broadcasting of C, 9 added integer types, 11 made C
 * optional, 13 added bfloat16. The legacy `broadcast` attribute is accepted; C is broadcast either way.
 * Spec: https://onnx.ai/onnx/operators/onnx__Gemm.html
 *
 * The integer types of opset 9 are not computed (the kernel works in float64).
 */
import { formatShape, type Dim } from '../ir/dim.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { elementTensor, floatData } from './shared/float.js';
import { MATRIX_PRODUCT_TYPES, multiplyAccumulate, type MatrixView } from './shared/multiply-accumulate.js';

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
  inputs: [
    { name: 'A', type: 'T' },
    { name: 'B', type: 'T' },
    { name: 'C', type: 'T', optional: true },
  ],
  outputs: [{ name: 'Y', type: 'T' }],
  attributes: {
    alpha: attr.float('alpha', 1),
    beta: attr.float('beta', 1),
    transA: attr.int('transA', 0),
    transB: attr.int('transB', 0),
    broadcast: attr.int('broadcast', 0, { until: 6 }),
  },
  types: { T: MATRIX_PRODUCT_TYPES },
  infer(ctx) {
    const a = requireType(ctx, 0);
    const b = requireType(ctx, 1);
    const c = ctx.inputs[2] ?? null;
    if (a.shape === null || b.shape === null) return [{ dtype: a.dtype, shape: null }];
    const describe =
      `A.shape=${formatShape(a.shape)}, B.shape=${formatShape(b.shape)}, ` +
      `transA=${ctx.attrs.transA}, transB=${ctx.attrs.transB}`;
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
    const describe =
      `A.shape=[${a.dims.join(', ')}], B.shape=[${b.dims.join(', ')}], ` +
      `transA=${ctx.attrs.transA}, transB=${ctx.attrs.transB}`;
    if (a.dims.length !== 2 || b.dims.length !== 2) ctx.fail(`A and B must be matrices; ${describe}`);
    const [a0 = 0, a1 = 0] = a.dims;
    const [b0 = 0, b1 = 0] = b.dims;
    const transA = ctx.attrs.transA !== 0;
    const transB = ctx.attrs.transB !== 0;
    const [m, k] = transA ? [a1, a0] : [a0, a1];
    const [kB, n] = transB ? [b1, b0] : [b0, b1];
    if (k !== kB) ctx.fail(`inner dimensions differ (${k} vs ${kB}); ${describe}`);
    // One multiply-add per output element and step of the inner dimension.
    ctx.charge(m * n * k, 'multiply-adds');
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
