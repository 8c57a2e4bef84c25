/**
 * Node-only additions to the API (`import { loadModel } from 'sppkit/node'`): model and tensor files.
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
