/**
 * Greater (opsets 1, 7, 9, 13): `C = A > B` elementwise as a bool tensor, with broadcasting (numpy rules from opset 7;
 * opset 1 took the legacy `broadcast`/`axis` attributes). Floats only until opset 8; every numeric type from
 * 9, bfloat16 from 13. Every comparison with NaN is false.
 * Spec: https://onnx.ai/onnx/operators/onnx__Greater.html
 */
import { DataType, NUMERIC_TYPES, SIGNED_INT_TYPES, UNSIGNED_INT_TYPES } from '../ir/dtype.js';
import { addedAt } from './core/types.js';
import { definePredicate } from './shared/predicate.js';

/** The Greater op: `A > B`, broadcasting. */
export const Greater = definePredicate({
  opType: 'Greater',
  versions: [1, 7, 9, 13],
  types: {
    types: NUMERIC_TYPES,
    since: addedAt({ 9: [...SIGNED_INT_TYPES, ...UNSIGNED_INT_TYPES], 13: [DataType.BFLOAT16] }),
  },
  fns: { number: (a, b) => a > b, bigint: (a, b) => a > b },
});
