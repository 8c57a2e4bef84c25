/**
 * Tensors: an element type, a shape and typed storage. Immutable by convention: kernels allocate new tensors.
 * Tensors decoded from files keep their little-endian bytes and make typed data on first use (see `Tensor`).
 */
import {
  allocate,
  bfloat16ToNumber,
  DataType,
  dtypeByteSize,
  dtypeName,
  halfToNumber,
  numberToBfloat16,
  numberToHalf,
  type TensorData,
  type TypedTensorData,
} from './dtype.js';

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(dims: readonly number[]): number {
  let size = 1;
  for (const dim of dims) size *= dim;
  return size;
}

/** Row-major strides of a shape. */
export function stridesOf(dims: readonly number[]): number[] {
  const strides = new Array<number>(dims.length);
  let stride = 1;
  for (let axis = dims.length - 1; axis >= 0; axis -= 1) {
    strides[axis] = stride;
    stride *= dims[axis] ?? 1;
  }
  return strides;
}

/**
 * What a serialized tensor (ONNX TensorProto) carries besides its data: its name (attribute tensors; an
 * initializer's name is its Value's), doc string and metadata. Kept so that files round-trip.
 */
export interface TensorInfo {
  readonly name?: string;
  readonly docString?: string;
  readonly metadataProps?: ReadonlyMap<string, string>;
  /**
   * How the TensorProto held the elements: `'typed'` when they were in a typed field (`float_data`, `int32_data`,
   * ...) rather than `raw_data`, so that re-encoding gives the same bytes. Absent means `raw_data`.
   */
  readonly storage?: 'typed';
}

/**
 * Little-endian element bytes kept outside memory until they are needed: a range of an external data file, for
 * instance. The export layer implements it; the IR only reads through it.
 */
export interface TensorByteSource {
  /** Number of bytes (element count × element size). */
  readonly byteLength: number;
  /** Copies the `target.length` bytes that start at `offset` into `target`; throws an SppkitError when it cannot. */
  readInto(target: Uint8Array, offset: number): void;
  /** Where the bytes are, for messages (`'weights.bin' at 4096, 1024 bytes`). */
  describe(): string;
}

/**
 * A tensor's elements as little-endian bytes, held as they are until typed data is first read: a view into
 * bytes already in memory (a decoded file), or a source read on demand (an external data file).
 */
export class TensorBytes {
  private constructor(
    /** The bytes, when they are in memory. */
    readonly view: Uint8Array | undefined,
    /** Where to read them, when they are not. */
    readonly source: TensorByteSource | undefined,
  ) {}

  /** Bytes already in memory; the tensor keeps this view (no copy). */
  static of(view: Uint8Array): TensorBytes {
    return new TensorBytes(view, undefined);
  }

  /** Bytes read from `source` when the tensor's data is first used. */
  static from(source: TensorByteSource): TensorBytes {
    return new TensorBytes(undefined, source);
  }

  /** Number of bytes. */
  get byteLength(): number {
    return this.view?.byteLength ?? this.source?.byteLength ?? 0;
  }
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Typed storage of `count` elements of `dtype` over `buffer` at `byteOffset` (which must be aligned). */
function typedOver(dtype: DataType, buffer: ArrayBufferLike, byteOffset: number, count: number): TensorData {
  switch (dtype) {
    case DataType.FLOAT:
      return new Float32Array(buffer, byteOffset, count);
    case DataType.DOUBLE:
      return new Float64Array(buffer, byteOffset, count);
    case DataType.INT8:
      return new Int8Array(buffer, byteOffset, count);
    case DataType.UINT8:
    case DataType.BOOL:
      return new Uint8Array(buffer, byteOffset, count);
    case DataType.INT16:
      return new Int16Array(buffer, byteOffset, count);
    case DataType.UINT16:
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
      return new Uint16Array(buffer, byteOffset, count);
    case DataType.INT32:
      return new Int32Array(buffer, byteOffset, count);
    case DataType.UINT32:
      return new Uint32Array(buffer, byteOffset, count);
    case DataType.INT64:
      return new BigInt64Array(buffer, byteOffset, count);
    case DataType.UINT64:
      return new BigUint64Array(buffer, byteOffset, count);
    case DataType.STRING:
      throw new TypeError('string tensors have no little-endian bytes');
  }
}

/**
 * Typed elements of `dtype` from little-endian `bytes`: a view of the same memory when the platform is
 * little-endian and the bytes are aligned for the element type, else an aligned copy (byte-swapped on big-endian
 * machines).
 */
export function dataFromLittleEndian(dtype: DataType, bytes: Uint8Array): TensorData {
  const size = dtypeByteSize(dtype);
  if (size === 0) throw new TypeError('dataFromLittleEndian: string tensors have no little-endian bytes');
  if (bytes.byteLength % size !== 0)
    throw new RangeError(
      `dataFromLittleEndian: ${bytes.byteLength} bytes is not a whole number of ${size}-byte elements`,
    );
  const count = bytes.byteLength / size;
  if (LITTLE_ENDIAN && bytes.byteOffset % size === 0) return typedOver(dtype, bytes.buffer, bytes.byteOffset, count);
  // A fresh buffer of exactly these bytes (`new Uint8Array(view)` copies; a Node Buffer's slice() would not).
  const copy = new Uint8Array(bytes);
  if (!LITTLE_ENDIAN && size > 1) {
    for (let at = 0; at < copy.length; at += size) copy.subarray(at, at + size).reverse();
  }
  return typedOver(dtype, copy.buffer, 0, count);
}

/** The elements of `data` as little-endian bytes: a view of the same memory on little-endian machines. */
export function littleEndianView(dtype: DataType, data: TypedTensorData): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const size = dtypeByteSize(dtype);
  if (LITTLE_ENDIAN || size === 1) return bytes;
  const copy = new Uint8Array(bytes);
  for (let at = 0; at < copy.length; at += size) copy.subarray(at, at + size).reverse();
  return copy;
}

/**
 * A dense tensor with a concrete shape. Immutable by convention: a pass that changes a tensor makes a new one.
 *
 * A tensor made from little-endian bytes (`Tensor.fromBytes`, `Tensor.fromSource`) keeps them as they are and
 * turns them into typed data only when `data` is first read (copy-on-read): a view of the same memory when it is
 * aligned, a copy otherwise; a source (a file) is read at that moment. Until then `littleEndianBytes()` and
 * `pendingSource()` give encoders the bytes without materializing anything.
 */
export class Tensor {
  /**
   * The elements (typed storage; strings for string tensors). Reading it materializes bytes held since
   * `fromBytes`/`fromSource`, which for a source means reading it (and may throw the source's SppkitError).
   */
  declare readonly data: TensorData;
  readonly #size: number;
  #bytes: Uint8Array | undefined;
  #source: TensorByteSource | undefined;

  constructor(
    readonly dtype: DataType,
    readonly dims: readonly number[],
    data: TensorData | TensorBytes,
    /** Name, doc string and metadata from (or for) a TensorProto; empty for computed tensors. */
    readonly info: TensorInfo = {},
  ) {
    for (const dim of dims) {
      if (!Number.isInteger(dim) || dim < 0) throw new RangeError(`Tensor: bad dim ${dim} in [${dims.join(', ')}]`);
    }
    const size = sizeOf(dims);
    this.#size = size;
    if (data instanceof TensorBytes) {
      const needed = size * dtypeByteSize(dtype);
      if (dtype === DataType.STRING) throw new TypeError('Tensor: string tensors cannot be made from bytes');
      if (data.byteLength !== needed) {
        throw new RangeError(
          `Tensor: ${dtypeName(dtype)}[${dims.join(', ')}] needs ${needed} bytes but ${data.byteLength} were given`,
        );
      }
      this.#bytes = data.view;
      this.#source = data.source;
      Object.defineProperty(this, 'data', {
        get: (): TensorData => this.#materialize(),
        enumerable: true,
        configurable: true,
      });
      return;
    }
    if (data.length !== size) {
      throw new RangeError(`Tensor: shape [${dims.join(', ')}] needs ${size} elements but data has ${data.length}`);
    }
    this.data = data;
  }

  /** A tensor over little-endian `bytes` (kept as a view; typed data is made on first use of `data`). */
  static fromBytes(dtype: DataType, dims: readonly number[], bytes: Uint8Array, info: TensorInfo = {}): Tensor {
    return new Tensor(dtype, dims, TensorBytes.of(bytes), info);
  }

  /** A tensor whose little-endian bytes are read from `source` when `data` is first used. */
  static fromSource(dtype: DataType, dims: readonly number[], source: TensorByteSource, info: TensorInfo = {}): Tensor {
    return new Tensor(dtype, dims, TensorBytes.from(source), info);
  }

  /** Element count. */
  get size(): number {
    return this.#size;
  }

  /** Bytes of the elements in ONNX `raw_data` form (0 for strings). */
  get byteLength(): number {
    return this.#size * dtypeByteSize(this.dtype);
  }

  /** True when `data` has been made (always, except for tensors from bytes or a source that nobody read yet). */
  get materialized(): boolean {
    return this.#bytes === undefined && this.#source === undefined;
  }

  /** The source the bytes will be read from, while nobody has read `data` yet (else undefined). */
  pendingSource(): TensorByteSource | undefined {
    return this.#source;
  }

  /**
   * The elements as little-endian bytes, without making typed data: the kept view, a view of `data` on
   * little-endian machines, or (for a pending source) the source's bytes read into a new buffer that is not kept.
   */
  littleEndianBytes(): Uint8Array {
    if (this.#bytes !== undefined) return this.#bytes;
    const source = this.#source;
    if (source !== undefined) {
      const out = new Uint8Array(source.byteLength);
      source.readInto(out, 0);
      return out;
    }
    const data = this.data;
    if (Array.isArray(data)) throw new TypeError(`littleEndianBytes: ${this.describe()} holds strings`);
    return littleEndianView(this.dtype, data);
  }

  #materialize(): TensorData {
    let bytes = this.#bytes;
    if (bytes === undefined) {
      const source = this.#source;
      if (source === undefined) throw new Error('Tensor: neither bytes nor a source to materialize');
      bytes = new Uint8Array(source.byteLength);
      source.readInto(bytes, 0);
    }
    const data = dataFromLittleEndian(this.dtype, bytes);
    Object.defineProperty(this, 'data', { value: data, enumerable: true, writable: true, configurable: true });
    this.#bytes = undefined;
    this.#source = undefined;
    return data;
  }

  /** Zero-filled tensor. */
  static zeros(dtype: DataType, dims: readonly number[]): Tensor {
    return new Tensor(dtype, dims, allocate(dtype, sizeOf(dims)));
  }

  /** float32 tensor from numbers. */
  static float32(dims: readonly number[], values: ArrayLike<number>): Tensor {
    return new Tensor(DataType.FLOAT, dims, Float32Array.from(values));
  }

  /** int64 tensor from numbers. */
  static int64(dims: readonly number[], values: ArrayLike<number | bigint>): Tensor {
    return new Tensor(DataType.INT64, dims, BigInt64Array.from(Array.from(values, (v) => BigInt(v))));
  }

  /** Elements as JS numbers (int64 converted, float16/bfloat16 decoded). Strings are refused. */
  toNumbers(): number[] {
    return Array.from({ length: this.size }, (_, i) => this.numberAt(i));
  }

  /** Element `i` as a JS number. */
  numberAt(index: number): number {
    const data = this.data;
    if (Array.isArray(data)) throw new TypeError(`numberAt: tensor of ${dtypeName(this.dtype)} is not numeric`);
    const raw = data[index];
    if (raw === undefined) throw new RangeError(`numberAt: index ${index} outside tensor of ${this.size} elements`);
    if (typeof raw === 'bigint') return Number(raw);
    if (this.dtype === DataType.FLOAT16) return halfToNumber(raw);
    if (this.dtype === DataType.BFLOAT16) return bfloat16ToNumber(raw);
    return raw;
  }

  /** Same data, other shape (no copy; bytes not yet materialized stay so). */
  reshape(dims: readonly number[]): Tensor {
    if (this.#bytes !== undefined) return new Tensor(this.dtype, dims, TensorBytes.of(this.#bytes));
    if (this.#source !== undefined) return new Tensor(this.dtype, dims, TensorBytes.from(this.#source));
    return new Tensor(this.dtype, dims, this.data);
  }

  /** Short text for messages: `float32[1, 3, 8, 8]`. */
  describe(): string {
    return `${dtypeName(this.dtype)}[${this.dims.join(', ')}]`;
  }
}

/** Builds a tensor of `dtype` from JS numbers, rounding/encoding as the type requires. */
export function tensorFromNumbers(dtype: DataType, dims: readonly number[], values: readonly number[]): Tensor {
  const data = allocate(dtype, values.length);
  if (Array.isArray(data)) throw new TypeError('tensorFromNumbers: string tensors are not numeric');
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i] ?? 0;
    if (data instanceof BigInt64Array || data instanceof BigUint64Array) data[i] = BigInt(Math.trunc(value));
    else if (dtype === DataType.FLOAT16) data[i] = numberToHalf(value);
    else if (dtype === DataType.BFLOAT16) data[i] = numberToBfloat16(value);
    else data[i] = value;
  }
  return new Tensor(dtype, dims, data);
}

/** True when both tensors have the same dtype, shape and bit-identical elements (NaNs compared by bits). */
export function tensorsIdentical(a: Tensor, b: Tensor): boolean {
  if (a.dtype !== b.dtype || a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i])) return false;
  if (Array.isArray(a.data) || Array.isArray(b.data)) {
    return Array.isArray(a.data) && Array.isArray(b.data) && a.data.every((s, i) => s === (b.data as string[])[i]);
  }
  const left = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const right = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  return left.length === right.length && left.every((byte, i) => byte === right[i]);
}
