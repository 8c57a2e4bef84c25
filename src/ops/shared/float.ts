/**
 * Moving float tensors in and out of the Float32Array/Float64Array the float kernels compute on.
 * float16/bfloat16 compute in float32 and round back once at the end.
 */
import { DataType, dtypeName, type TensorData } from '../../ir/dtype.js';
import { Tensor, tensorFromNumbers } from '../../ir/tensor.js';
import type { FloatArray } from './pool-reduce.js';

/** Float element types the float kernels accept. */
export const FLOAT_TYPES: readonly DataType[] = [DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16];

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
