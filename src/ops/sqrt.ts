/**
 * Sqrt (opsets 1, 6, 13): `Y = sqrt(X)`. Negative elements give NaN. float16/float/double, bfloat16 from 13.
 * Spec: https://onnx.ai/onnx/operators/onnx__Sqrt.html
 */
import { defineFloatUnary } from './shared/unary.js';

/** The Sqrt op: the square root elementwise. */
export const Sqrt = defineFloatUnary('Sqrt', [1, 6, 13], Math.sqrt);
