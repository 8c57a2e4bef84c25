/**
 * sppkit's public API: the IR and typed builder, the blocks, ONNX import/export, passes and runtimes.
 * Node-only helpers (files, onnxruntime-node) are exported too; browser bundles tree-shake them away.
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
export { Graph, Model } from './ir/graph.js';
export { Tensor, tensorFromNumbers, tensorsIdentical } from './ir/tensor.js';
export { Node, Value, formatType, type TensorType, type Use } from './ir/value.js';
export { checkModel, assertValidModel, checkPass } from './transform/passes/check.js';
export { inferGraphShapes, inferShapesPass } from './transform/passes/infer-shapes.js';
export { dcePass } from './transform/passes/dce.js';
export { runPasses, PassError, type Pass, type PassResult } from './transform/passes/pass.js';
export { DEFAULT_PASSES, PASS_ENTRIES, parsePassList, type PassEntry } from './transform/passes/registry.js';
export { ops, findOp } from './ops/core/registry.js';
export * from './blocks/index.js';
export * from './export/index.js';
export { evaluate, referenceBackend } from './runtime/reference.js';
export { compareTensors, type Comparison, type Tolerance } from './runtime/compare.js';
export { getBackend, listBackends } from './runtime/backends.js';
export { BACKEND_NAMES, type Backend, type BackendName, type Session, type Availability } from './runtime/backend.js';
