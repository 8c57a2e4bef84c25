/**
 * sppkit's public API (`import { GraphBuilder, sppAdaptive, encodeModel, evaluate } from 'sppkit'`): the IR and
 * typed builder, the blocks, ONNX import/export, passes, the reference evaluator and what every runtime shares.
 *
 * Browser-safe: nothing reachable from this file imports a Node built-in, onnxruntime-node or playwright-core
 * (test/architecture/browser-bundle.test.ts bundles it for the browser and runs it). The Node-only parts (files,
 * the onnxruntime-node and Chromium backends, the backend registry, the golden runner) are in `sppkit/node`.
 */
export { Attr, type Attribute, type AttributeValue } from './ir/attribute.js';
export {
  GraphBuilder,
  DEFAULT_OPSET,
  type BuilderOptions,
  type DimSpec,
  type NodeOptions,
  type ReduceOptions,
  type SliceBounds,
} from './graph/builder.js';
export { SymDim, addDims, divDim, dimsEqual, formatDim, formatShape, mulDim, subDims, type Dim } from './ir/dim.js';
export { DataType, dtypeName, parseDtypeName, type TensorData } from './ir/dtype.js';
export * from './ir/errors.js';
export * from './ir/limits.js';
export { Graph, Model } from './ir/graph.js';
export { Tensor, tensorFromNumbers, tensorsIdentical } from './ir/tensor.js';
export { Node, Value, formatType, type TensorType, type Use } from './ir/value.js';
export { checkModel, assertValidModel, checkPass } from './transform/passes/check.js';
export { inferGraphShapes, inferShapesPass } from './transform/passes/infer-shapes.js';
export { dcePass } from './transform/passes/dce.js';
export { runPasses, PassError, type Pass, type PassResult } from './transform/passes/pass.js';
export {
  DEFAULT_PASSES,
  PASS_ENTRIES,
  parsePassList,
  type PassEntry,
  type PassOptions,
} from './transform/passes/registry.js';
export {
  adaptiveSppDynamicPass,
  createAdaptiveSppDynamicPass,
  type AdaptiveSppDynamicOptions,
} from './transform/passes/adaptive-spp-dynamic.js';
export { makeDynamic, makeDynamicPass, type MakeDynamicResult } from './transform/passes/make-dynamic.js';
export { frozenPoolingSites, frozenPoolingWarnings, type FrozenSite } from './transform/frozen/frozen.js';
export { parseTraceSize, type TraceSize } from './transform/frozen/sites.js';
export { ops, findOp } from './ops/core/registry.js';
export * from './blocks/index.js';
export * from './export/index.js';
export { evaluate, referenceBackend, validateFeeds, InputError, type EvaluateOptions } from './runtime/reference.js';
export { compareTensors, type Comparison, type Tolerance } from './runtime/compare.js';
export {
  BACKEND_NAMES,
  BackendError,
  BackendUnavailableError,
  defineBackend,
  isBackendName,
  unavailableBackend,
  type Availability,
  type Backend,
  type BackendDefinition,
  type BackendName,
  type DefinedBackend,
  type LoadOptions,
  type Session,
  type TensorMap,
} from './runtime/backend.js';
export {
  fromOrtTensor,
  ortTypeOf,
  toOrtTensor,
  type OrtTensorConstructor,
  type OrtTypeName,
} from './runtime/ort-tensor.js';
export {
  OrtSession,
  ortErrorText,
  type GraphOptimizationLevel,
  type OrtRuntimeSession,
} from './runtime/ort-session.js';
export * from './viz/index.js';
