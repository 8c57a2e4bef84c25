/**
 * Exp (opsets 1, 6, 13): `Y = e^X`.
 * Spec: https://onnx.ai/onnx/operators/onnx__Exp.html
 */
import { defineFloatUnary } from './shared/unary.js';

export const Exp = defineFloatUnary('Exp', [1, 6, 13], Math.exp);
