/**
 * Node-only file helpers for the export layer: models, TensorProto files and weights on disk, and external data
 * read from files next to the model. Everything else in src/export runs in browsers too; the careful file access
 * itself (regular files only, containment in the model's folder, bounded reads) is in files-node.ts.
 */
import { closeSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError, DecodeError, SppkitError } from '../ir/errors.js';
import { DEFAULT_LIMITS, LimitError, resolveLimits, type Limits } from '../ir/limits.js';
import type { Model } from '../ir/graph.js';
import type { Tensor, TensorByteSource } from '../ir/tensor.js';
import { EncodeError } from './errors.js';
import { DEFAULT_EXTERNAL_THRESHOLD, locationProblem, type ExternalDataReader } from './external-data.js';
import { decodeModel, encodedModelSize, encodeModelParts, MAX_PROTOBUF_BYTES } from './model.js';
import {
  FileProblem,
  FileRangeSource,
  readRegularFile,
  realFolder,
  resolveInside,
  statRegularFile,
  writePieces,
  type ContainedFile,
} from './files-node.js';
import { readModelFileSparse, type SparseModelFile } from './model-file-node.js';
import { pendingTensors } from './model-tensors.js';
import { decodeSafetensors } from './safetensors.js';
import { decodeTensor, encodeTensor, type NamedTensor } from './tensor-codec.js';
import type { Piece } from './wire-write.js';

/** Options of `fileExternalData`. */
export interface FileExternalDataOptions {
  /** Leave tensor bytes in the file until their data is used (default true); false reads them at decode time. */
  readonly lazy?: boolean;
  /** The most bytes of external data the model may reference in all (default: the `maxExternalDataBytes` limit). */
  readonly maxBytes?: number;
}

/**
 * Reads external data files relative to `baseDir` (the model file's folder). A location must be relative, resolve
 * (symbolic links followed) to a regular file inside the folder, and the declared range must lie within the file;
 * all of it is checked when the model is decoded, before anything is allocated. With `lazy` (the default) the
 * bytes are read only when a tensor's data is first used, after checking that the file is still the same.
 */
export function fileExternalData(baseDir: string, options: FileExternalDataOptions = {}): ExternalDataReader {
  let folder: string | undefined;
  const files = new Map<string, ContainedFile>();
  const resolve = (location: string): ContainedFile => {
    folder ??= realFolder(baseDir);
    const known = files.get(location);
    if (known !== undefined) return known;
    const file = resolveInside(folder, location);
    files.set(location, file);
    return file;
  };
  const maxBytes = options.maxBytes ?? DEFAULT_LIMITS.maxExternalDataBytes;
  let referenced = 0;
  const open = (location: string, offset: number, length: number | undefined, what?: string): FileRangeSource => {
    const file = resolve(location);
    const size = file.identity.size;
    if (offset > size) throw new FileProblem(`offset ${offset} is past the end of the ${size}-byte file`);
    const byteLength = length ?? size - offset;
    if (offset + byteLength > size)
      throw new FileProblem(`offset ${offset} + length ${byteLength} runs past the end of the ${size}-byte file`);
    const label = `${what === undefined ? '' : `${what}: `}external data '${location}'`;
    // The total the model references, checked as each tensor is declared, before any byte is read.
    referenced += byteLength;
    if (referenced > maxBytes)
      throw new LimitError('maxExternalDataBytes', referenced, maxBytes, `${label} (with the tensors before it)`);
    return new FileRangeSource(file, offset, byteLength, label);
  };
  const reader: ExternalDataReader = {
    read: (location, offset, length) => open(location, offset, length).read(),
  };
  return options.lazy === false ? reader : { ...reader, open };
}

/** Options of `loadModel`. */
export interface LoadModelOptions {
  /**
   * Leave large initializer bytes in their files until used (default true): external data, and inline payloads of
   * at least `LEAVE_IN_FILE_BYTES` in the model file itself. False reads everything at load time.
   */
  readonly lazy?: boolean;
  /** Resource limits (overrides of the defaults): external data bytes, nodes. */
  readonly limits?: Partial<Limits>;
}

/**
 * Reads and decodes a model file (which must be a regular file). Small initializers are views into the bytes
 * read; large ones, and external data (read relative to the file's folder, under the rules of
 * `fileExternalData`), stay in their files until their data is used unless `lazy` is false.
 */
export function loadModel(path: string, options: LoadModelOptions = {}): Model {
  const lazy = options.lazy !== false;
  const limits = resolveLimits(options.limits);
  const externalData = fileExternalData(dirname(path), { lazy, maxBytes: limits.maxExternalDataBytes });
  if (!lazy) return decodeModel(readBytes(path, 'model'), path, { externalData, limits });
  let file: SparseModelFile;
  try {
    file = readModelFileSparse(path);
  } catch (error) {
    throw new DecodeError(path, `cannot read model: ${error instanceof Error ? error.message : String(error)}`);
  }
  return decodeModel(file.bytes, path, {
    externalData,
    limits,
    ...(file.inline === undefined ? {} : { inlinePayloads: file.inline }),
  });
}

/** Options of `saveModel`. */
export interface SaveModelOptions {
  /**
   * Initializers with at least this many bytes go to an external data file. Omitted: everything is inline unless
   * the model would exceed protobuf's 2 GiB limit, in which case initializers of 1024 bytes or more go out anyway.
   */
  readonly externalDataThreshold?: number;
  /** External data file name, relative to the model's folder (default `<model file name>.data`). */
  readonly externalDataFile?: string;
  /** Start each external tensor at a multiple of this many bytes (default 1). */
  readonly externalDataAlignment?: number;
  /** The size above which external data is used without being asked (default `MAX_PROTOBUF_BYTES`). */
  readonly maxInlineBytes?: number;
}

/** What `saveModel` wrote. */
export interface SavedModel {
  /** Bytes written to the model file (so callers can print `saved.length` as they did with the old bytes). */
  readonly length: number;
  /** The external data file and its size, when initializers went to one. */
  readonly externalData?: { readonly path: string; readonly length: number; readonly tensors: number };
  /** True when external data was used because the model would not fit in one protobuf message. */
  readonly automaticExternalData: boolean;
}

/**
 * Writes pieces to `path`: in place, or (`atomic`) through a temporary file renamed into place, which keeps the old
 * file's bytes readable by whoever still has them open or needs them until the new file is complete.
 */
function writeFile(path: string, pieces: readonly Piece[], atomic: boolean): void {
  const target = atomic ? `${path}.${process.pid}.tmp` : path;
  let fd: number;
  try {
    fd = openSync(target, 'w', 0o644);
  } catch (error) {
    throw new EncodeError(`cannot write '${path}': ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    writePieces(fd, pieces);
    closeSync(fd);
    if (atomic) renameSync(target, path);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    if (atomic) {
      try {
        unlinkSync(target);
      } catch {
        // nothing to remove
      }
    }
    throw error instanceof SppkitError
      ? error
      : new EncodeError(`cannot write '${path}': ${error instanceof Error ? error.message : String(error)}`);
  }
}

function identityOrNull(path: string): ContainedFile | null {
  try {
    const stat = statSync(path);
    return { path, identity: { dev: stat.dev, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs } };
  } catch {
    return null;
  }
}

/**
 * Encodes and writes a model, streaming initializer bytes from where they are (memory or their files) straight
 * to the output, without building the whole file in memory. With `externalDataThreshold`, or by itself when the
 * model would exceed protobuf's 2 GiB limit, large initializers go to a side file. When tensors of the model still
 * read a file that this replaces (saving over the loaded model), the files are written to temporary names and
 * renamed into place, and those tensors are re-pointed at the new side file (or, when they went inline, read first).
 */
export function saveModel(path: string, model: Model, options: SaveModelOptions = {}): SavedModel {
  const limit = options.maxInlineBytes ?? MAX_PROTOBUF_BYTES;
  const automatic = options.externalDataThreshold === undefined && encodedModelSize(model) > limit;
  const threshold = options.externalDataThreshold ?? (automatic ? DEFAULT_EXTERNAL_THRESHOLD : undefined);
  const location = options.externalDataFile ?? `${basename(path)}.data`;
  if (threshold !== undefined) {
    const problem = locationProblem(location);
    if (problem !== undefined) throw new ConfigError(`saveModel: ${problem}`);
  }
  const dataPath = join(dirname(path), location);
  const encoded = encodeModelParts(
    model,
    threshold === undefined
      ? undefined
      : {
          threshold,
          location,
          ...(options.externalDataAlignment === undefined ? {} : { alignment: options.externalDataAlignment }),
        },
  );
  if (encoded.model.byteLength > limit)
    throw new EncodeError(`saveModel: '${path}' would be ${encoded.model.byteLength} bytes, over the limit ${limit}`);
  const replaced = [identityOrNull(path), threshold === undefined ? null : identityOrNull(dataPath)].filter(
    (file): file is ContainedFile => file !== null,
  );
  const placed = new Map<TensorByteSource, number>();
  for (const placement of encoded.external?.placements ?? []) {
    if (placement.payload instanceof FileRangeSource) placed.set(placement.payload, placement.offset);
  }
  // Tensors that still read a file about to be replaced (saving over the model that was loaded): the files are then
  // written beside and renamed into place, those that went to the new side file are re-pointed at it, and the others
  // are read now.
  const rebind: FileRangeSource[] = [];
  let conflict = false;
  for (const tensor of pendingTensors(model)) {
    const source = tensor.pendingSource();
    if (!(source instanceof FileRangeSource) || !replaced.some((file) => sameInode(file, source.file))) continue;
    conflict = true;
    if (placed.has(source)) rebind.push(source);
    else void tensor.data;
  }
  const external = encoded.external;
  if (external !== undefined) {
    mkdirSync(dirname(dataPath), { recursive: true });
    writeFile(dataPath, external.parts().pieces, conflict);
  }
  writeFile(path, encoded.model.pieces, conflict);
  if (rebind.length > 0) {
    const stat = statRegularFile(dataPath);
    const file: ContainedFile = {
      path: dataPath,
      identity: { dev: stat.dev, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs },
    };
    for (const source of rebind) source.rebind(file, placed.get(source) ?? 0);
  }
  return {
    length: encoded.model.byteLength,
    ...(external === undefined
      ? {}
      : {
          externalData: { path: dataPath, length: external.parts().byteLength, tensors: external.placements.length },
        }),
    automaticExternalData: automatic,
  };
}

function sameInode(a: ContainedFile, b: ContainedFile): boolean {
  return a.identity.dev === b.identity.dev && a.identity.ino === b.identity.ino;
}

/** Reads one TensorProto `.pb` file (a regular file; external data relative to its folder). */
export function readTensorFile(path: string): NamedTensor {
  return decodeTensor(readBytes(path, 'tensor file'), path, fileExternalData(dirname(path)));
}

/** Writes a tensor as one TensorProto `.pb` file. */
export function writeTensorFile(path: string, tensor: Tensor, name?: string): void {
  writeFile(path, [encodeTensor(tensor, name)], false);
}

/**
 * Loads weights keyed by state_dict name from a `.safetensors` file or a folder of `<name>.pb` TensorProto files
 * (the layout of `golden/torch/<case>/params`). Every file read must be a regular file inside the folder (symbolic
 * links that leave it, FIFOs and devices are refused with a DecodeError naming the file and the reason).
 */
export function readWeightsFolder(path: string): Map<string, Tensor> {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw new ConfigError(`weights '${path}' does not exist`);
  }
  if (!isFolder) {
    if (path.endsWith('.safetensors')) return decodeSafetensors(readBytes(path, 'weights file'), path);
    throw new ConfigError(`weights '${path}': expected a .safetensors file or a folder of <state_dict name>.pb files`);
  }
  const weights = new Map<string, Tensor>();
  const folder = realFolder(path);
  for (const file of readdirSync(path)
    .filter((f) => f.endsWith('.pb'))
    .sort()) {
    const where = join(path, file);
    let contained: ContainedFile;
    try {
      contained = resolveInside(folder, file);
    } catch (error) {
      throw new DecodeError(where, `weights file refused: ${error instanceof Error ? error.message : String(error)}`);
    }
    const bytes = readBytes(contained.path, 'weights file', where);
    weights.set(file.slice(0, -'.pb'.length), decodeTensor(bytes, where, fileExternalData(path)).tensor);
  }
  if (weights.size === 0) throw new ConfigError(`weights '${path}': no .pb files in the folder`);
  return weights;
}

/** The bytes of a regular file; anything else is a DecodeError naming it (`what`: "model", "tensor file"). */
function readBytes(path: string, what: string, name = path): Uint8Array {
  try {
    return readRegularFile(path);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new DecodeError(name, `cannot read ${what}: ${detail}`);
  }
}
