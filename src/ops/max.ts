/**
 * Max (opsets 1, 6, 8, 12, 13): the elementwise maximum of one or more inputs, with broadcasting.
 * Spec: https://onnx.ai/onnx/operators/onnx__Max.html
 */
import { defineMinMax } from './shared/min-max.js';

export const Max = defineMinMax('Max', {
  float: (a, b) => Math.max(a, b),
  int: (a, b) => Math.max(a, b),
  bigint: (a, b) => (a > b ? a : b),
});
