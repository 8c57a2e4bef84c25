/**
 * Sigmoid (opsets 1, 6, 13): `Y = 1 / (1 + exp(-X))`, evaluated in the form that cannot overflow.
 * Spec: https://onnx.ai/onnx/operators/onnx__Sigmoid.html
 */
import type { NumberArray } from '../ir/dtype.js';
import { defineFloatUnary } from './shared/unary.js';

/** One element, in float64: `1 / (1 + e^-x)` for x ≥ 0, `e^x / (1 + e^x)` below (no overflow either way). */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * The op's own loop over `sigmoid` (a direct call V8 inlines; the shared loop's call through a closure is
 * megamorphic and boxes every element): same values. SiLU makes Sigmoid half of a YOLO's reference time.
 */
function sigmoidRows(input: NumberArray, out: NumberArray, length: number): void {
  for (let i = 0; i < length; i += 1) out[i] = sigmoid(input[i] ?? 0);
}

export const Sigmoid = defineFloatUnary('Sigmoid', [1, 6, 13], sigmoid, sigmoidRows);
