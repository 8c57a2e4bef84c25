/**
 * GreaterOrEqual (opsets 12, 16): `C = A >= B` elementwise as a bool tensor, with numpy broadcasting; every numeric
 * type, bfloat16 from 16. Every comparison with NaN is false.
 * Spec: https://onnx.ai/onnx/operators/onnx__GreaterOrEqual.html
 */
import { DataType, NUMERIC_TYPES } from '../ir/dtype.js';
import { addedAt } from './core/types.js';
import { definePredicate } from './shared/predicate.js';

/** The GreaterOrEqual op: `A >= B`, broadcasting. */
export const GreaterOrEqual = definePredicate({
  opType: 'GreaterOrEqual',
  versions: [12, 16],
  types: { types: NUMERIC_TYPES, since: addedAt({ 16: [DataType.BFLOAT16] }) },
  fns: { number: (a, b) => a >= b, bigint: (a, b) => a >= b },
});
