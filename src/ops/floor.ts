/**
 * Floor (opsets 1, 6, 13): the largest integer <= X, elementwise (NaN and ±inf pass through).
 * Spec: https://onnx.ai/onnx/operators/onnx__Floor.html
 */
import { defineFloatUnary } from './shared/unary.js';

export const Floor = defineFloatUnary('Floor', [1, 6, 13], Math.floor);
