/**
 * Node-only file helpers for the export layer: models, TensorProto files and weights on disk, and external data
 * read from files next to the model. This is the only file in src/export that imports `node:fs`; everything else
 * runs in browsers too.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError, DecodeError } from '../ir/errors.js';
import type { Model } from '../ir/graph.js';
import type { Tensor } from '../ir/tensor.js';
import { locationProblem, type ExternalDataReader } from './external-data.js';
import { decodeModel, encodeModel, encodeModelWithExternalData } from './model.js';
import { decodeSafetensors } from './safetensors.js';
import { decodeTensor, encodeTensor, type NamedTensor } from './tensor-codec.js';

/** Reads external data files relative to `baseDir` (the model file's folder). */
export function fileExternalData(baseDir: string): ExternalDataReader {
  return {
    read(location: string, offset: number, length: number | undefined): Uint8Array {
      const problem = locationProblem(location);
      if (problem !== undefined) throw new Error(problem);
      const path = join(baseDir, location);
      if (length === undefined) return readFileSync(path).subarray(offset);
      const out = new Uint8Array(length);
      const fd = openSync(path, 'r');
      try {
        const got = readSync(fd, out, 0, length, offset);
        if (got !== length) throw new Error(`'${path}' has only ${got} bytes at offset ${offset}, ${length} wanted`);
      } finally {
        closeSync(fd);
      }
      return out;
    },
  };
}

/** Reads and decodes a model file; external data is read relative to the file's folder. */
export function loadModel(path: string): Model {
  return decodeModel(readBytes(path, 'model'), path, { externalData: fileExternalData(dirname(path)) });
}

/** Options of `saveModel`. */
export interface SaveModelOptions {
  /** Initializers with at least this many bytes go to an external data file; omit to keep everything inline. */
  readonly externalDataThreshold?: number;
  /** External data file name, relative to the model's folder (default `<model file name>.data`). */
  readonly externalDataFile?: string;
  /** Start each external tensor at a multiple of this many bytes (default 1). */
  readonly externalDataAlignment?: number;
}

/**
 * Encodes and writes a model; with `externalDataThreshold`, large initializers go to a side file. Returns the bytes
 * written to `path`.
 */
export function saveModel(path: string, model: Model, options: SaveModelOptions = {}): Uint8Array {
  if (options.externalDataThreshold === undefined) {
    const bytes = encodeModel(model);
    writeFileSync(path, bytes);
    return bytes;
  }
  const location = options.externalDataFile ?? `${basename(path)}.data`;
  const problem = locationProblem(location);
  if (problem !== undefined) throw new ConfigError(`saveModel: ${problem}`);
  const encoded = encodeModelWithExternalData(model, {
    threshold: options.externalDataThreshold,
    location,
    ...(options.externalDataAlignment === undefined ? {} : { alignment: options.externalDataAlignment }),
  });
  writeFileSync(join(dirname(path), location), encoded.data);
  writeFileSync(path, encoded.model);
  return encoded.model;
}

/** Reads one TensorProto `.pb` file (external data relative to its folder). */
export function readTensorFile(path: string): NamedTensor {
  return decodeTensor(readBytes(path, 'tensor file'), path, fileExternalData(dirname(path)));
}

/** Writes a tensor as one TensorProto `.pb` file. */
export function writeTensorFile(path: string, tensor: Tensor, name?: string): void {
  writeFileSync(path, encodeTensor(tensor, name));
}

/**
 * Loads weights keyed by state_dict name from a `.safetensors` file or a folder of `<name>.pb` TensorProto files
 * (the layout of `golden/torch/<case>/params`).
 */
export function readWeightsFolder(path: string): Map<string, Tensor> {
  const stat = statOrNull(path);
  if (stat === null) throw new ConfigError(`weights '${path}' does not exist`);
  if (!stat.isDirectory()) {
    if (path.endsWith('.safetensors')) return decodeSafetensors(readBytes(path, 'weights file'), path);
    throw new ConfigError(`weights '${path}': expected a .safetensors file or a folder of <state_dict name>.pb files`);
  }
  const weights = new Map<string, Tensor>();
  for (const file of readdirSync(path)
    .filter((f) => f.endsWith('.pb'))
    .sort()) {
    weights.set(file.slice(0, -'.pb'.length), readTensorFile(join(path, file)).tensor);
  }
  if (weights.size === 0) throw new ConfigError(`weights '${path}': no .pb files in the folder`);
  return weights;
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** The bytes of a file; a missing file or a folder is a DecodeError naming it (`what`: "model", "tensor file"). */
function readBytes(path: string, what: string): Uint8Array {
  const stat = statOrNull(path);
  if (stat === null) throw new DecodeError(path, `${what} does not exist`);
  if (stat.isDirectory()) throw new DecodeError(path, `${what} is a folder, not a file`);
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new DecodeError(path, `cannot read ${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
