/**
 * The export layer: ONNX protobuf ↔ IR for models and TensorProto files. Browser-safe; the file helpers
 * (`loadModel`, `saveModel`, `readTensorFile`, `writeTensorFile`, `fileExternalData`) are in `./io-node.js`.
 */
export {
  decodeModel,
  encodeModel,
  encodeModelWithExternalData,
  type DecodeOptions,
  type ModelWithExternalData,
} from './model.js';
export { decodeTensor, encodeTensor, type NamedTensor } from './tensor-codec.js';
export { DEFAULT_EXTERNAL_THRESHOLD, type ExternalDataOptions, type ExternalDataReader } from './external-data.js';
export { decodeSafetensors } from './safetensors.js';
