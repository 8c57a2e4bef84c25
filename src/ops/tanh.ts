/**
 * Tanh (opsets 1, 6, 13): `Y = tanh(X)`. float16/float/double, bfloat16 from 13.
 * Spec: https://onnx.ai/onnx/operators/onnx__Tanh.html
 */
import { defineFloatUnary } from './shared/unary.js';

/** The Tanh op: the hyperbolic tangent elementwise. */
export const Tanh = defineFloatUnary('Tanh', [1, 6, 13], Math.tanh);
