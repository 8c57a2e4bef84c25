/**
 * Softmax (opsets 1, 11, 13): `exp(x - max) / Σ exp(x - max)` along `axis`. From opset 13 along that one axis
 * (default -1). Before 13: the input is coerced to 2-D `[Π dims[:axis], Π dims[axis:]]` (axis default 1) and
 * each row is normalised over all of its trailing dims at once.
 * Spec: https://onnx.ai/onnx/operators/onnx__Softmax.html
 */
import { defineSoftmax } from './shared/softmax.js';

export const Softmax = defineSoftmax('Softmax');
