/**
 * sppkit for Node (`import { getBackend, loadModel } from 'sppkit/node'`): everything of the package root, plus the
 * parts that need Node: model and tensor files, the onnxruntime-node backends (ort-cpu, ort-cuda, ort-webgpu),
 * onnxruntime-web run in Node (web-wasm) or in headless Chromium (web-webgpu), the backend registry and the golden
 * runner.
 */
export * from './index.js';
export {
  fileExternalData,
  loadModel,
  readTensorFile,
  readWeightsFolder,
  saveModel,
  writeTensorFile,
  type SaveModelOptions,
} from './export/io-node.js';
export { getBackend, listBackends, type BackendStatus } from './runtime/node/backends.js';
export {
  createOrtBackend,
  createOrtCpuBackend,
  loadOrt,
  profiledNodes,
  type OrtBackend,
  type OrtCpuOptions,
  type OrtLoadOptions,
  type ProfiledNode,
} from './runtime/node/ort-node.js';
export { createOrtCudaBackend, type OrtCudaOptions } from './runtime/node/ort-cuda.js';
export { createOrtWebGpuBackend, type OrtWebGpuOptions } from './runtime/node/ort-webgpu.js';
export { createWebWasmBackend, type WebWasmBackend, type WebWasmOptions } from './runtime/node/web-wasm.js';
export {
  createWebWebGpuBackend,
  type WebGpuLoadOptions,
  type WebGpuSession,
  type WebWebGpuBackend,
  type WebWebGpuOptions,
} from './runtime/node/web-webgpu.js';
export { closeWebHost } from './runtime/node/web-browser.js';
export {
  goldenDirExists,
  runGolden,
  type CaseResult,
  type GoldenIo,
  type GoldenOptions,
  type GoldenReport,
} from './golden/runner.js';
