/**
 * Sum (opsets 1, 6, 8, 13): the elementwise sum of one or more float inputs, with broadcasting from opset 8.
 * Spec: https://onnx.ai/onnx/operators/onnx__Sum.html
 */
import { defineAccumulate } from './shared/accumulate.js';

/** The Sum op: the elementwise sum of its inputs, broadcasting. */
export const Sum = defineAccumulate('Sum');
