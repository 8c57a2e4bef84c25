/**
 * Careful file access for the export layer (Node only). Every file sppkit reads is first checked to be a regular
 * file (a FIFO would block forever, /dev/zero would never end), opened without blocking, and checked again on the
 * open descriptor, so that a file swapped in between is noticed. Reads are bounded by the size seen then.
 * External data and weights folders add a containment rule: the file must resolve (symlinks followed) inside the
 * folder. Lazy external data (`FileRangeSource`) re-checks the file's identity each time it reads.
 */
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  realpathSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DecodeError, SppkitError } from '../ir/errors.js';
import type { TensorByteSource } from '../ir/tensor.js';
import { locationProblem } from './external-data.js';
import type { Piece } from './wire-write.js';

/**
 * A file-rule violation or I/O failure. Its message is the reason only (`it is a FIFO, not a regular file`);
 * callers wrap it in a DecodeError that names the file and the tensor.
 */
export class FileProblem extends SppkitError {
  constructor(reason: string) {
    super('E_FILE', reason);
  }
}

/** What a file is, for messages: `a FIFO`, `a character device`. */
function kindOf(stat: Stats): string {
  if (stat.isFile()) return 'a regular file';
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

function reason(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'it does not exist';
    if (code === 'ELOOP') return 'it is a loop of symbolic links';
    return error.message;
  }
  return String(error);
}

/** The identity of a file as seen when it was checked: reads later must find the same file. */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
}

function identityOf(stat: Stats): FileIdentity {
  return { dev: stat.dev, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs };
}

function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** Stats `path` (following links) and refuses anything but a regular file. */
export function statRegularFile(path: string): Stats {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch (error) {
    throw new FileProblem(reason(error));
  }
  if (!stat.isFile()) throw new FileProblem(`it is ${kindOf(stat)}, not a regular file`);
  return stat;
}

/** Opens a regular file for reading without blocking, checking the open descriptor against `expected`. */
export function openChecked(path: string, expected: FileIdentity | undefined): { fd: number; identity: FileIdentity } {
  const before = expected ?? identityOf(statRegularFile(path));
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new FileProblem(reason(error));
  }
  const stat = fstatSync(fd);
  const identity = identityOf(stat);
  if (!stat.isFile() || !sameFile(identity, before)) {
    closeSync(fd);
    throw new FileProblem(
      stat.isFile() ? 'the file changed since it was checked (replaced or modified)' : `it is ${kindOf(stat)}`,
    );
  }
  return { fd, identity };
}

/** Reads `target.length` bytes at `position` of `fd`, failing on a short read. */
export function readFully(fd: number, target: Uint8Array, position: number): void {
  let done = 0;
  while (done < target.length) {
    const got = readSync(fd, target, done, target.length - done, position + done);
    if (got === 0) throw new FileProblem(`the file ended after ${position + done} bytes`);
    done += got;
  }
}

/** Reads a whole regular file (its size checked before anything is allocated). */
export function readRegularFile(path: string): Uint8Array {
  const { fd, identity } = openChecked(path, undefined);
  try {
    const bytes = new Uint8Array(identity.size);
    readFully(fd, bytes, 0);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** Writes every byte of `bytes` to `fd`. */
export function writeFully(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** Bytes read from a source and written out per step when pieces stream from a file. */
const STREAM_CHUNK_BYTES = 2 * 1024 * 1024;

/**
 * The buffer sources are streamed through, allocated once per process: its pages are touched once, so later saves
 * pay no page faults for it (a fresh buffer's first touch is the dominant cost of copying on some machines).
 */
let streamChunk: Uint8Array | undefined;

/** Writes pieces to `fd` in order: bytes as they are, sources in chunks through one reused buffer. */
export function writePieces(fd: number, pieces: readonly Piece[]): void {
  for (const piece of pieces) {
    if (piece instanceof Uint8Array) {
      writeFully(fd, piece);
      continue;
    }
    streamChunk ??= new Uint8Array(STREAM_CHUNK_BYTES);
    const chunk = streamChunk;
    for (let at = 0; at < piece.byteLength; at += chunk.length) {
      const part = chunk.subarray(0, Math.min(chunk.length, piece.byteLength - at));
      piece.readInto(part, at);
      writeFully(fd, part);
    }
  }
}

/** A regular file that resolved inside a folder. */
export interface ContainedFile {
  readonly path: string;
  readonly identity: FileIdentity;
}

/**
 * Resolves `name` (relative, no `..`) inside `folderReal` (a realpath): the file must exist, resolve through any
 * symbolic links to a place inside the folder, and be a regular file.
 */
export function resolveInside(folderReal: string, name: string): ContainedFile {
  const problem = locationProblem(name);
  if (problem !== undefined) throw new FileProblem(problem);
  let real: string;
  try {
    real = realpathSync(join(folderReal, name));
  } catch (error) {
    throw new FileProblem(reason(error));
  }
  const inside = relative(folderReal, real);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || real === folderReal)
    throw new FileProblem(`it resolves to '${real}', outside the folder '${folderReal}'`);
  return { path: real, identity: identityOf(statRegularFile(real)) };
}

/** The realpath of a folder, or a FileProblem. */
export function realFolder(folder: string): string {
  try {
    return realpathSync(folder);
  } catch (error) {
    throw new FileProblem(`folder '${folder}': ${reason(error)}`);
  }
}

/**
 * A byte range of a checked file, read when a tensor's data is first used (lazy external data). Each read opens
 * the file again and checks that it is still the file seen at load time.
 */
export class FileRangeSource implements TensorByteSource {
  #file: ContainedFile;
  #offset: number;

  constructor(
    file: ContainedFile,
    offset: number,
    readonly byteLength: number,
    /** What the bytes are, for messages: `external data 'w.bin'`. */
    readonly label: string,
  ) {
    this.#file = file;
    this.#offset = offset;
  }

  /** The file the bytes are read from now. */
  get file(): ContainedFile {
    return this.#file;
  }

  /** Points this source at the same bytes in another file (after a save replaced the file it read). */
  rebind(file: ContainedFile, offset: number): void {
    this.#file = file;
    this.#offset = offset;
  }

  readInto(target: Uint8Array, offset: number): void {
    if (offset < 0 || offset + target.length > this.byteLength)
      throw new RangeError(`FileRangeSource: ${offset}+${target.length} outside ${this.byteLength} bytes`);
    let opened;
    try {
      opened = openChecked(this.#file.path, this.#file.identity);
    } catch (error) {
      throw new DecodeError(this.#file.path, `${this.label}: ${reason(error)}`);
    }
    try {
      readFully(opened.fd, target, this.#offset + offset);
    } catch (error) {
      throw new DecodeError(this.#file.path, `${this.label}: ${reason(error)}`);
    } finally {
      closeSync(opened.fd);
    }
  }

  /** Reads the range now into a new buffer. */
  read(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    this.readInto(out, 0);
    return out;
  }

  describe(): string {
    return `${this.label} at ${this.#offset}, ${this.byteLength} bytes`;
  }
}
