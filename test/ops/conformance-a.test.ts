/**
 * ONNX backend node tests (../shared/golden/onnx-node) for the batch-A ops (elementwise and tensor
 * manipulation), each single-node model run through the reference evaluator. Cases are picked by the op type of
 * the model's node. Integers and bool must match exactly; floats within `atol + rtol*|want|`: float32
 * 1e-7 + 1e-6 rel, float64 1e-12 + 1e-12 rel, float16 1e-3 + 1e-3 rel, bfloat16 1e-2 + 1e-2 rel. Shape inference is
 * checked too: given the fed tensors as constants, it must predict every output's dtype and shape. A per-op
 * tally is printed.
 */
import { BATCH_A, describeNodeCases, haveNodeCases, loadNodeCases, mismatch } from './conformance.js';

haveNodeCases('conformance-a', 'the ONNX node conformance tests for batch-A ops');

describeNodeCases(
  'ONNX node conformance, batch A ops',
  'conformance-a',
  loadNodeCases((opType) => BATCH_A.has(opType)),
  () => mismatch,
);
