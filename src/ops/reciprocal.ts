/**
 * Reciprocal (opsets 1, 6, 13): `Y = 1 / X`. ±0 gives ±inf. float16/float/double, bfloat16 from 13.
 * Spec: https://onnx.ai/onnx/operators/onnx__Reciprocal.html
 */
import { defineFloatUnary } from './shared/unary.js';

/** The Reciprocal op: `1 / X` elementwise. */
export const Reciprocal = defineFloatUnary('Reciprocal', [1, 6, 13], (x) => 1 / x);
