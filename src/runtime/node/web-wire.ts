/**
 * Tensors on the wire between Node and a browser page: `{ name, type, dims, data }` with `type` an onnxruntime
 * element type name and `data` the base64 of the typed array's raw little-endian bytes (float16 as its bits, bool
 * as 0/1 bytes, int64 as 8-byte integers). Both sides turn these bytes into the typed array of the type; on the
 * Node side the array becomes an onnxruntime `Tensor` and then an sppkit Tensor through the shared conversion of
 * ort-tensor.ts, so every dtype rule lives in one place.
 *
 * String tensors cannot travel as bytes and are refused (no pooling model has them).
 */
import { DataType, dtypeName, type TypedTensorData } from '../../ir/dtype.js';
import { UnsupportedError } from '../../ir/errors.js';
import type { Tensor } from '../../ir/tensor.js';
import { fromOrtTensor, ortTypeOf, type OrtTensorConstructor, type OrtTypeName } from '../ort-tensor.js';

/** A tensor on the wire. */
export interface WireTensor {
  readonly name: string;
  readonly type: OrtTypeName;
  readonly dims: readonly number[];
  /** base64 of the raw element bytes. */
  readonly data: string;
}

/** The onnxruntime types that travel as bytes. */
type WireType = Exclude<
  OrtTypeName,
  'string' | 'int4' | 'uint4' | 'float8e4m3fn' | 'float8e4m3fnuz' | 'float8e5m2' | 'float8e5m2fnuz'
>;

/** A typed array of each byte-carried onnxruntime type, made over a (copied, so aligned) buffer. */
const ARRAY_OF: Readonly<Record<WireType, (buffer: ArrayBuffer) => TypedTensorData>> = {
  float32: (b) => new Float32Array(b),
  float64: (b) => new Float64Array(b),
  float16: (b) => new Uint16Array(b),
  int8: (b) => new Int8Array(b),
  uint8: (b) => new Uint8Array(b),
  int16: (b) => new Int16Array(b),
  uint16: (b) => new Uint16Array(b),
  int32: (b) => new Int32Array(b),
  uint32: (b) => new Uint32Array(b),
  int64: (b) => new BigInt64Array(b),
  uint64: (b) => new BigUint64Array(b),
  bool: (b) => new Uint8Array(b),
};

function isWireType(type: string): type is WireType {
  return Object.hasOwn(ARRAY_OF, type);
}

/** The onnxruntime type of `dtype` if it can travel as bytes; throws UnsupportedError (bfloat16, string) otherwise. */
export function wireTypeOf(dtype: DataType): OrtTypeName {
  if (dtype === DataType.STRING)
    throw new UnsupportedError('string tensors cannot be passed to a browser page as bytes');
  return ortTypeOf(dtype);
}

/** Encodes an sppkit tensor for the page. */
export function toWireTensor(name: string, tensor: Tensor): WireTensor {
  const type = wireTypeOf(tensor.dtype);
  const data = tensor.data;
  if (!ArrayBuffer.isView(data))
    throw new UnsupportedError(`input '${name}': ${dtypeName(tensor.dtype)} data is not a typed array`);
  return {
    name,
    type,
    dims: [...tensor.dims],
    data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
  };
}

/** Decodes a wire tensor into an sppkit tensor via an onnxruntime `Tensor` (ort-tensor.ts's conversion). */
export function fromWireTensor(Ctor: OrtTensorConstructor, wire: WireTensor): Tensor {
  if (!isWireType(wire.type))
    throw new UnsupportedError(`output '${wire.name}': onnxruntime type ${wire.type} cannot be read from bytes`);
  const bytes = Buffer.from(wire.data, 'base64');
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  const data = ARRAY_OF[wire.type](copy);
  const expected = wire.dims.reduce((a, b) => a * b, 1);
  if (data.length !== expected) {
    throw new UnsupportedError(
      `output '${wire.name}': ${String(data.length)} ${wire.type} elements for dims [${wire.dims.join(', ')}]`,
    );
  }
  return fromOrtTensor(new Ctor(wire.type, data, wire.dims), wire.name);
}

function property(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? Object.getOwnPropertyDescriptor(value, key)?.value : undefined;
}

/** Validates one wire tensor that came back from a page; throws a TypeError naming what is wrong. */
export function parseWireTensor(value: unknown): WireTensor {
  const name = property(value, 'name');
  const type = property(value, 'type');
  const dims = property(value, 'dims');
  const data = property(value, 'data');
  if (typeof name !== 'string') throw new TypeError('page returned a tensor without a name');
  if (typeof type !== 'string' || !isWireType(type))
    throw new TypeError(`page returned tensor '${name}' with type ${String(type)}`);
  if (!Array.isArray(dims) || !dims.every((d): d is number => Number.isInteger(d) && typeof d === 'number' && d >= 0)) {
    throw new TypeError(`page returned tensor '${name}' with dims ${JSON.stringify(dims)}`);
  }
  if (typeof data !== 'string') throw new TypeError(`page returned tensor '${name}' without base64 data`);
  return { name, type, dims, data };
}
