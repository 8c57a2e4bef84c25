/**
 * File I/O for the CLI and the golden runner (Node only): models, TensorProto files and weights folders.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../graph/errors.js';
import type { Model } from '../graph/graph.js';
import type { Tensor } from '../graph/tensor.js';
import { decodeModel, encodeModel } from '../export/model.js';
import { fileExternalData } from '../export/io-node.js';
import { decodeSafetensors } from '../export/safetensors.js';
import { decodeTensor, encodeTensor } from '../export/tensor-codec.js';
import { UsageError } from './args.js';

function readBytes(path: string, what: string): Uint8Array {
  if (!existsSync(path)) throw new UsageError(`${what} '${path}' does not exist`);
  if (statSync(path).isDirectory()) throw new UsageError(`${what} '${path}' is a folder, not a file`);
  return readFileSync(path);
}

/** Reads and decodes an ONNX model (external data resolved next to it). */
export function readModelFile(path: string): Model {
  return decodeModel(readBytes(path, 'model'), path, { externalData: fileExternalData(dirname(path)) });
}

/** Encodes and writes an ONNX model. */
export function writeModelFile(path: string, model: Model): Uint8Array {
  const bytes = encodeModel(model);
  writeFileSync(path, bytes);
  return bytes;
}

/** Reads one TensorProto `.pb` file. */
export function readTensorFile(path: string): Tensor {
  return decodeTensor(readBytes(path, 'tensor file'), path).tensor;
}

/** Writes one TensorProto `.pb` file. */
export function writeTensorFile(path: string, tensor: Tensor, name: string): void {
  writeFileSync(path, encodeTensor(tensor, name));
}

/**
 * Loads weights keyed by state_dict name from a `.safetensors` file or a folder of `<name>.pb` TensorProto files
 * (the layout of `golden/torch/<case>/params`).
 */
export function readWeightsFolder(path: string): Map<string, Tensor> {
  if (!existsSync(path)) throw new UsageError(`weights '${path}' does not exist`);
  if (!statSync(path).isDirectory()) {
    if (path.endsWith('.safetensors')) return decodeSafetensors(readFileSync(path), path);
    throw new ConfigError(`weights '${path}': expected a .safetensors file or a folder of <state_dict name>.pb files`);
  }
  const weights = new Map<string, Tensor>();
  for (const file of readdirSync(path).filter((f) => f.endsWith('.pb')).sort()) {
    weights.set(file.slice(0, -'.pb'.length), readTensorFile(join(path, file)));
  }
  if (weights.size === 0) throw new ConfigError(`weights '${path}': no .pb files in the folder`);
  return weights;
}
