/**
 * Log (opsets 1, 6, 13): `Y = ln(X)`. 0 gives -inf and negative elements NaN. float16/float/double, bfloat16 from 13.
 * Spec: https://onnx.ai/onnx/operators/onnx__Log.html
 */
import { defineFloatUnary } from './shared/unary.js';

/** The Log op: the natural logarithm elementwise. */
export const Log = defineFloatUnary('Log', [1, 6, 13], Math.log);
