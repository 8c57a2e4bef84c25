/**
 * Sin (opsets 7, 22): the sine of every element (in radians). bfloat16 from 22.
 * Spec: https://onnx.ai/onnx/operators/onnx__Sin.html
 */
import { defineFloatActivation } from './shared/activation.js';

/** The Sin op: `sin(X)` elementwise. */
export const Sin = defineFloatActivation({
  opType: 'Sin',
  versions: [7, 22],
  bfloat16Since: 22,
  attributes: {},
  names: { input: 'input', output: 'output' },
  fn: () => Math.sin,
});
