/**
 * Erf (opsets 9, 13): the error function `erf(X) = 2/sqrt(pi) * integral from 0 to X of e^(-t^2) dt`, over every
 * numeric type (bfloat16 from 13). Integers take erf of their value truncated back to the integer type, as the
 * ONNX reference does (`erf(x).astype(x.dtype)`): 0 for |x| < 6, where erf is not yet 1 in float64, else ±1.
 * Spec: https://onnx.ai/onnx/operators/onnx__Erf.html
 */
import { erf } from './shared/special-functions.js';
import { defineNumericUnary } from './shared/unary.js';

/** erf of an integer, truncated toward zero. */
const erfTruncated = (x: number): number => Math.trunc(erf(x));

/** The Erf op: the error function elementwise. */
export const Erf = defineNumericUnary('Erf', [9, 13], {
  float: erf,
  int: erfTruncated,
  bigint: (x) => BigInt(erfTruncated(Number(x))),
});
