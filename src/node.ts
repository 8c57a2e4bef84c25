/**
 * Node-only additions to the API (`import { loadModel } from 'sppkit/node'`): model and tensor files.
 */
export * from './index.js';
export { fileExternalData, loadModel, readTensorFile, saveModel, writeTensorFile, type SaveModelOptions } from './export/io-node.js';
export { readWeightsFolder } from './cli/io.js';
