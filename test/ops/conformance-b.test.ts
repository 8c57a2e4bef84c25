/**
 * ONNX backend node tests (../shared/golden/onnx-node) for the batch-B ops (pooling, Conv, BatchNormalization,
 * Reduce*, Gemm, MatMul, Resize), run through the reference evaluator. Ints must match exactly; floats within
 * 1e-5 relative (float32/float64) or 1e-3 (float16), plus a small absolute floor.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { decodeModel } from '../../src/export/index.js';
import { DataType, isFloatType } from '../../src/ir/dtype.js';
import type { Tensor } from '../../src/ir/tensor.js';
import { checkDataSets, haveNodeCases, ONNX_NODE_ROOT, readBytes } from './conformance.js';

const PREFIXES = [
  'test_averagepool_',
  'test_maxpool_',
  'test_lppool_',
  'test_globalaveragepool',
  'test_globalmaxpool',
  'test_globallppool',
  'test_basic_conv_',
  'test_conv_',
  'test_batchnorm_',
  'test_reduce_max_',
  'test_reduce_mean_',
  'test_reduce_sum_',
  'test_gemm_',
  'test_matmul_',
  'test_resize_',
];

const cases = haveNodeCases('conformance-b', 'the ONNX node conformance tests')
  ? readdirSync(ONNX_NODE_ROOT)
      .filter(
        (name) => PREFIXES.some((prefix) => name.startsWith(prefix)) && !name.startsWith('test_reduce_sum_square'),
      )
      .sort()
  : [];

/**
 * Cases whose stored outputs were written by hand, rounded to about 4 decimals upstream (the inputs too; the sums are
 * off by up to 6e-5 from sum/9), so they need an absolute tolerance of 1e-4.
 */
const ROUNDED_CASES: ReadonlyMap<string, number> = new Map([
  ['test_averagepool_2d_ceil_last_window_starts_on_pad', 1e-4],
]);

/** Largest violation of |got - want| <= atol + rtol*|want| (0 when within tolerance); NaN must match NaN. */
function mismatch(got: Tensor, want: Tensor, atolOverride?: number): string | undefined {
  if (got.dtype !== want.dtype) return `dtype ${got.dtype} vs ${want.dtype}`;
  if (got.dims.join(',') !== want.dims.join(',')) return `shape [${got.dims.join(', ')}] vs [${want.dims.join(', ')}]`;
  const exact = !isFloatType(want.dtype);
  const rtol = want.dtype === DataType.FLOAT16 || want.dtype === DataType.BFLOAT16 ? 1e-3 : 1e-5;
  const atol = atolOverride ?? (want.dtype === DataType.FLOAT16 || want.dtype === DataType.BFLOAT16 ? 1e-3 : 1e-6);
  const a = got.toNumbers();
  const b = want.toNumbers();
  for (let i = 0; i < b.length; i += 1) {
    const x = a[i] ?? NaN;
    const y = b[i] ?? NaN;
    if (
      Number.isNaN(y) ? !Number.isNaN(x) : exact ? x !== y : !(Math.abs(x - y) <= atol + rtol * Math.abs(y) || x === y)
    ) {
      return `element ${i}: got ${x}, want ${y}`;
    }
  }
  return undefined;
}

describe.skipIf(cases.length === 0)('ONNX node conformance, batch B ops', () => {
  for (const name of cases) {
    it(name, () => {
      const dir = path.join(ONNX_NODE_ROOT, name);
      const model = decodeModel(readBytes(path.join(dir, 'model.onnx')), name);
      checkDataSets(dir, model, (got, want) => mismatch(got, want, ROUNDED_CASES.get(name)), false);
    });
  }
});
