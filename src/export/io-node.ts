/**
 * Node-only file helpers for the export layer: models and tensor files on disk, and external data read from
 * files next to the model. This is the only file in src/export that imports `node:fs`; everything else runs in
 * browsers too.
 */
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DecodeError } from '../graph/errors.js';
import type { Model } from '../graph/graph.js';
import type { Tensor } from '../graph/tensor.js';
import { locationProblem, type ExternalDataReader } from './external-data.js';
import { decodeModel, encodeModel, encodeModelWithExternalData } from './model.js';
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
  return decodeModel(readBytes(path), path, { externalData: fileExternalData(dirname(path)) });
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

/** Encodes and writes a model; with `externalDataThreshold`, large initializers go to a side file. */
export function saveModel(path: string, model: Model, options: SaveModelOptions = {}): void {
  if (options.externalDataThreshold === undefined) {
    writeFileSync(path, encodeModel(model));
    return;
  }
  const location = options.externalDataFile ?? `${basename(path)}.data`;
  const problem = locationProblem(location);
  if (problem !== undefined) throw new Error(`saveModel: ${problem}`);
  const encoded = encodeModelWithExternalData(model, {
    threshold: options.externalDataThreshold,
    location,
    ...(options.externalDataAlignment === undefined ? {} : { alignment: options.externalDataAlignment }),
  });
  writeFileSync(join(dirname(path), location), encoded.data);
  writeFileSync(path, encoded.model);
}

/** Reads one TensorProto `.pb` file (external data relative to its folder). */
export function readTensorFile(path: string): NamedTensor {
  return decodeTensor(readBytes(path), path, fileExternalData(dirname(path)));
}

/** Writes a tensor as one TensorProto `.pb` file. */
export function writeTensorFile(path: string, tensor: Tensor, name?: string): void {
  writeFileSync(path, encodeTensor(tensor, name));
}

function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new DecodeError(path, `cannot read file: ${error instanceof Error ? error.message : String(error)}`);
  }
}
