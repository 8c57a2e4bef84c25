/**
 * The export layer: ONNX protobuf ↔ IR for models and TensorProto files, with sppkit's own schema-driven wire
 * reader and writer. Browser-safe; the file helpers (`loadModel`, `saveModel`, `readTensorFile`, `writeTensorFile`,
 * `fileExternalData`, `readWeightsFolder`) are in `./io-node.js`.
 *
 * Decoding keeps initializer bytes as views into the input (typed data is made on first use); encoding sizes the
 * output first and writes it once (`encodeModelParts` hands payloads over without copying them at all).
 */
export {
  decodeModel,
  encodeModel,
  encodeModelParts,
  encodeModelWithExternalData,
  encodedModelSize,
  MAX_PROTOBUF_BYTES,
  type DecodeOptions,
  type EncodedModel,
  type ModelWithExternalData,
} from './model.js';
export { decodeTensor, encodeTensor, type NamedTensor } from './tensor-codec.js';
export {
  DEFAULT_EXTERNAL_THRESHOLD,
  type ExternalDataOptions,
  type ExternalDataReader,
  type InlinePayloads,
} from './external-data.js';
export { EncodeError } from './errors.js';
export { EncodedBytes, type Piece } from './wire-write.js';
export { decodeSafetensors } from './safetensors.js';
