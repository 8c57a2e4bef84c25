/**
 * Cos (opsets 7, 22): the cosine of every element (in radians). bfloat16 from 22.
 * Spec: https://onnx.ai/onnx/operators/onnx__Cos.html
 */
import { defineFloatActivation } from './shared/activation.js';

/** The Cos op: `cos(X)` elementwise. */
export const Cos = defineFloatActivation({
  opType: 'Cos',
  versions: [7, 22],
  bfloat16Since: 22,
  attributes: {},
  names: { input: 'input', output: 'output' },
  fn: () => Math.cos,
});
