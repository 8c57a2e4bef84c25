/**
 * Moving float tensors in and out of the Float32Array/Float64Array the float kernels compute on.
 * float16/bfloat16 compute in float32 and round back once at the end; the small integer types and bool (exact in
 * a float64) take the same kernels through `elementData`/`elementTensor`.
 */
import { DataType, dtypeName, SMALL_INT_TYPES, type TensorData } from '../../ir/dtype.js';
import { Tensor, tensorFromNumbers } from '../../ir/tensor.js';
import type { FloatArray } from './pool-reduce.js';

/** The tensor's elements as a float array (no copy for float32/float64). */
export function floatData(tensor: Tensor, fail: (detail: string) => never): FloatArray {
  const data: TensorData = tensor.data;
  if (data instanceof Float32Array || data instanceof Float64Array) return data;
  if (tensor.dtype === DataType.FLOAT16 || tensor.dtype === DataType.BFLOAT16)
    return Float32Array.from(tensor.toNumbers());
  return fail(`expects a float tensor, got ${dtypeName(tensor.dtype)}`);
}

/** Wraps a float array as a tensor of `dtype`, rounding for float16/bfloat16. */
export function floatTensor(dtype: DataType, dims: readonly number[], data: FloatArray): Tensor {
  if (dtype === DataType.FLOAT)
    return new Tensor(dtype, dims, data instanceof Float32Array ? data : Float32Array.from(data));
  if (dtype === DataType.DOUBLE)
    return new Tensor(dtype, dims, data instanceof Float64Array ? data : Float64Array.from(data));
  return tensorFromNumbers(dtype, dims, Array.from(data));
}

/** A tensor's elements as floats: float types via `floatData`, small integers and bool exactly as float64. */
export function elementData(tensor: Tensor, fail: (detail: string) => never): FloatArray {
  if (SMALL_INT_TYPES.includes(tensor.dtype) || tensor.dtype === DataType.BOOL) {
    const data = tensor.data;
    if (Array.isArray(data) || data instanceof BigInt64Array || data instanceof BigUint64Array)
      return fail(`cannot read ${tensor.describe()} as numbers`);
    return Float64Array.from(data);
  }
  return floatData(tensor, fail);
}

/** Wraps computed values as a tensor of `dtype` (float types rounded once; integers truncated toward zero). */
export function elementTensor(dtype: DataType, dims: readonly number[], data: FloatArray): Tensor {
  if (!SMALL_INT_TYPES.includes(dtype) && dtype !== DataType.BOOL) return floatTensor(dtype, dims, data);
  const out = Tensor.zeros(dtype, dims);
  const target = out.data;
  if (Array.isArray(target) || target instanceof BigInt64Array || target instanceof BigUint64Array) return out;
  for (let i = 0; i < data.length; i += 1) target[i] = Math.trunc(data[i] ?? 0);
  return out;
}
