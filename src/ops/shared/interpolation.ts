/**
 * Reading and writing tensors of any numeric or bool type through float64, for the resampling ops whose spec says
 * "intermediate values are computed as floating point and cast to the element type at the end" (GridSample,
 * Upsample's linear mode), and the 1-D interpolation weights they share.
 *
 * The cast back: float types round once (float32/float16/bfloat16 to nearest even); integers truncate toward
 * zero and wrap like a C cast on two's complement (int8 200.7 → -56; NaN → 0); bool is true for any non-zero.
 * int64/uint64 go through float64 too, so values beyond ±2^53 lose their low bits.
 */
import { DataType, isBigIntType } from '../../ir/dtype.js';
import { Tensor } from '../../ir/tensor.js';
import { elementTensor } from './float.js';

/** The elements of a numeric or bool tensor as float64 (strings are refused). */
export function valuesOf(tensor: Tensor, fail: (detail: string) => never): Float64Array {
  if (Array.isArray(tensor.data)) return fail(`cannot interpolate ${tensor.describe()}: strings have no numeric value`);
  return Float64Array.from(tensor.toNumbers());
}

/** Casts computed float64 values to a tensor of `dtype` (see the module comment for the rules). */
export function castValues(dtype: DataType, dims: readonly number[], values: Float64Array): Tensor {
  if (dtype === DataType.BOOL)
    return elementTensor(
      dtype,
      dims,
      values.map((v) => (v !== 0 ? 1 : 0)),
    );
  const truncated = (v: number): number => (Number.isFinite(v) ? Math.trunc(v) : 0);
  if (isBigIntType(dtype)) {
    const bits = (v: number): bigint => BigInt(truncated(v));
    const data =
      dtype === DataType.INT64
        ? BigInt64Array.from(values, (v) => BigInt.asIntN(64, bits(v)))
        : BigUint64Array.from(values, (v) => BigInt.asUintN(64, bits(v)));
    return new Tensor(dtype, dims, data);
  }
  if (
    dtype === DataType.FLOAT ||
    dtype === DataType.DOUBLE ||
    dtype === DataType.FLOAT16 ||
    dtype === DataType.BFLOAT16
  )
    return elementTensor(dtype, dims, values);
  // Small integers: typed-array stores wrap modulo 2^bits, as a C cast does on two's complement.
  return elementTensor(dtype, dims, values.map(truncated));
}

/** Keys' cubic convolution weight parameter used by GridSample's cubic mode (and PyTorch's bicubic). */
export const CUBIC_ALPHA = -0.75;

/**
 * The four cubic convolution weights of the taps `floor(x) - 1 .. floor(x) + 2` for the fraction `t = x - floor(x)`
 * (Keys 1981 with `a = CUBIC_ALPHA`): `W(d) = (a+2)|d|³ - (a+3)|d|² + 1` for `|d| <= 1`,
 * `a|d|³ - 5a|d|² + 8a|d| - 4a` for `1 < |d| < 2`, at distances `1 + t, t, 1 - t, 2 - t`.
 */
export function cubicWeights(t: number, a = CUBIC_ALPHA): [number, number, number, number] {
  const far = (d: number): number => ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
  const near = (d: number): number => ((a + 2) * d - (a + 3)) * d * d + 1;
  return [far(1 + t), near(t), near(1 - t), far(2 - t)];
}
