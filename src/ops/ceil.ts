/**
 * Ceil (opsets 1, 6, 13): the smallest integer >= X, elementwise (NaN and ±inf pass through).
 * Spec: https://onnx.ai/onnx/operators/onnx__Ceil.html
 */
import { defineFloatUnary } from './shared/unary.js';

export const Ceil = defineFloatUnary('Ceil', [1, 6, 13], Math.ceil);
