/**
 * Classifying float elements (IsNaN, IsInf): a bool tensor of the same shape that holds a predicate of each
 * decoded element (float16/bfloat16 decoded first, so NaN and ±inf bit patterns are recognised).
 */
import { DataType, isFloatType } from '../../ir/dtype.js';
import { Tensor } from '../../ir/tensor.js';
import { numbersOf } from './elementwise.js';

/** `test` applied to every element of a float tensor, as a bool tensor of the same shape. */
export function floatPredicate(x: Tensor, test: (value: number) => boolean, fail: (detail: string) => never): Tensor {
  if (!isFloatType(x.dtype)) return fail(`expects a float tensor, got ${x.describe()}`);
  const input = numbersOf(x, fail);
  const out = new Uint8Array(input.length);
  for (let i = 0; i < out.length; i += 1) out[i] = test(input[i] ?? 0) ? 1 : 0;
  return new Tensor(DataType.BOOL, x.dims, out);
}
