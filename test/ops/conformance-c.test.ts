/**
 * ONNX backend node tests (../shared/golden/onnx-node) for every op not in batch A (conformance-a.test.ts) or
 * batch B (conformance-b.test.ts): the ops real CNN, detector and segmenter exports use beyond the pooling core
 * (ConstantOfShape, Pow, HardSwish, Clip, comparisons, reductions, scatter/gather, normalizations, ...). Each
 * single-node model runs through the reference evaluator; cases are picked by the op type of the model's node.
 * Integers and bool must match exactly; floats within `atol + rtol*|want|`: float32 1e-7 + 1e-6 rel, float64
 * 1e-12 + 1e-12 rel, float16 1e-3 + 1e-3 rel, bfloat16 1e-2 + 1e-2 rel. Shape inference is checked too: given the
 * fed tensors as constants, it must predict every output's dtype and shape. A per-op tally is printed.
 */
import {
  BATCH_A,
  BATCH_B,
  describeNodeCases,
  haveNodeCases,
  loadNodeCases,
  mismatch,
  type Tolerance,
} from './conformance.js';

/**
 * Per-op float tolerance where the oracle itself is only approximately computed (numpy in float32 with its own
 * intermediate roundings); each entry says why. Default: FLOAT_TOLERANCE by dtype.
 */
const OP_TOLERANCE: ReadonlyMap<string, Tolerance> = new Map([
  // numpy evaluates `gamma * alpha * (exp(x) - 1)` in float32: exp's rounding (up to an ulp of 1, 6e-8) survives
  // the cancellation of `- 1` and is scaled by alpha * gamma (6 in test_selu), an absolute error up to ~4e-7 near
  // x = 0 that the expm1-based kernel does not make (test_selu element 54: -0.16673255 vs exact -0.16673289).
  ['Selu', { atol: 1e-6, rtol: 1e-6 }],
  // The oracle computes `y * Scale + B` in float32, rounding the product and the sum separately: outputs where B
  // nearly cancels y * Scale (|y * Scale| up to ~4) carry up to an ulp of the product, 4.8e-7 absolute.
  ['LayerNormalization', { atol: 1e-6, rtol: 1e-6 }],
  // The stored RoiAlign outputs are written to 4 decimals upstream (SOURCE.md: up to 8.4e-5 absolute from the exact
  // result, which sppkit's float64 kernel reproduces).
  ['RoiAlign', { atol: 1e-4, rtol: 1e-6 }],
  // Upstream writes the expected GridSample outputs by hand from PyTorch: to 4 decimals in test_gridsample_bicubic
  // (-0.1406 for the exact -0.140625) and to 6-7 significant digits in the *_additional_1 cases.
  ['GridSample', { atol: 1e-4, rtol: 1e-6 }],
]);

haveNodeCases('conformance-c', 'the ONNX node conformance tests for the other ops');

describeNodeCases(
  'ONNX node conformance, the other ops',
  'conformance-c',
  loadNodeCases((opType) => !BATCH_A.has(opType) && !BATCH_B.has(opType)),
  (opType) => (got, want) => mismatch(got, want, OP_TOLERANCE.get(opType)),
);
