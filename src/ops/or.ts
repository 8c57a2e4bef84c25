/**
 * Or (opsets 1, 7): `C = A or B` elementwise on bool tensors, with broadcasting (numpy rules from opset 7;
 * opset 1 took the legacy `broadcast`/`axis` attributes).
 * Spec: https://onnx.ai/onnx/operators/onnx__Or.html
 */
import { DataType } from '../ir/dtype.js';
import { definePredicate } from './shared/predicate.js';

/** The Or op: logical `A or B` of two bool tensors, broadcasting. */
export const Or = definePredicate({
  opType: 'Or',
  versions: [1, 7],
  types: { types: [DataType.BOOL] },
  fns: { number: (a, b) => a !== 0 || b !== 0, bigint: (a, b) => a !== 0n || b !== 0n },
});
