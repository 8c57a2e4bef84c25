/**
 * Min (opsets 1, 6, 8, 12, 13): the elementwise minimum of one or more inputs, with broadcasting.
 * Spec: https://onnx.ai/onnx/operators/onnx__Min.html
 */
import { defineMinMax } from './shared/min-max.js';

export const Min = defineMinMax('Min', {
  float: (a, b) => Math.min(a, b),
  int: (a, b) => Math.min(a, b),
  bigint: (a, b) => (a < b ? a : b),
});
