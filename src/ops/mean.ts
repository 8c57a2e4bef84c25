/**
 * Mean (opsets 1, 6, 8, 13): the elementwise mean of one or more float inputs, with broadcasting from opset 8.
 * Spec: https://onnx.ai/onnx/operators/onnx__Mean.html
 */
import { defineAccumulate } from './shared/accumulate.js';

/** The Mean op: the elementwise mean of its inputs, broadcasting. */
export const Mean = defineAccumulate('Mean');
