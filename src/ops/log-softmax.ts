/**
 * LogSoftmax (opsets 1, 11, 13): `log(softmax(x)) = (x - max) - log(Σ exp(x - max))` over each row. From opset
 * 13 a row runs along `axis` (default -1). Before 13 the input is coerced to 2-D
 * `[Π dims[:axis], Π dims[axis:]]` (axis default 1) and each row covers all of its trailing dims at once.
 * Computed in float64 (subtracting the max keeps large inputs finite), rounded once. float16/float/double,
 * bfloat16 from 13.
 * Spec: https://onnx.ai/onnx/operators/onnx__LogSoftmax.html
 */
import { defineSoftmax } from './shared/softmax.js';

export const LogSoftmax = defineSoftmax('LogSoftmax');
