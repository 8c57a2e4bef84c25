/**
 * Tensors: an element type, a shape and typed storage. Immutable by convention: kernels allocate new tensors.
 */
import {
  allocate,
  bfloat16ToNumber,
  DataType,
  dtypeName,
  halfToNumber,
  numberToBfloat16,
  numberToHalf,
  type TensorData,
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
}

/** A dense tensor with a concrete shape. */
export class Tensor {
  constructor(
    readonly dtype: DataType,
    readonly dims: readonly number[],
    readonly data: TensorData,
    /** Name, doc string and metadata from (or for) a TensorProto; empty for computed tensors. */
    readonly info: TensorInfo = {},
  ) {
    const size = sizeOf(dims);
    if (data.length !== size) {
      throw new RangeError(`Tensor: shape [${dims.join(', ')}] needs ${size} elements but data has ${data.length}`);
    }
    for (const dim of dims) {
      if (!Number.isInteger(dim) || dim < 0) throw new RangeError(`Tensor: bad dim ${dim} in [${dims.join(', ')}]`);
    }
  }

  /** Element count. */
  get size(): number {
    return this.data.length;
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

  /** Same data, other shape (no copy). */
  reshape(dims: readonly number[]): Tensor {
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
