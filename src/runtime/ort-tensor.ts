/**
 * sppkit Tensor <-> onnxruntime Tensor.
 *
 * onnxruntime-node 1.30 stores float16 as its raw bits in a Uint16Array when the JS engine has no
 * `Float16Array` (Node 20/22), and accepts a Uint16Array for float16 even where `Float16Array` exists; outputs may
 * then come back as a `Float16Array`, whose bytes we re-read as bits. bool is 0/1 in a Uint8Array, int64/uint64
 * are BigInt64Array/BigUint64Array, strings are string[]. bfloat16 has no onnxruntime-node JS type, so it is
 * refused with an UnsupportedError.
 */
// Types only (onnxruntime-common's, which onnxruntime-web and onnxruntime-node both re-export): browser-safe.
import type { Tensor as OrtTensor } from 'onnxruntime-web';
import { DataType, dtypeName, type TensorData } from '../ir/dtype.js';
import { UnsupportedError } from '../ir/errors.js';
import type { Model } from '../ir/graph.js';
import { Tensor } from '../ir/tensor.js';
import type { BackendName } from './backend.js';

/** The onnxruntime element type names (`ort.Tensor.Type`). */
export type OrtTypeName = OrtTensor.Type;

/** The constructor exported as `Tensor` by onnxruntime-node, onnxruntime-web and onnxruntime-common. */
export type OrtTensorConstructor = typeof OrtTensor;

const ORT_TYPE_OF: Readonly<Partial<Record<DataType, OrtTypeName>>> = {
  [DataType.FLOAT]: 'float32',
  [DataType.UINT8]: 'uint8',
  [DataType.INT8]: 'int8',
  [DataType.UINT16]: 'uint16',
  [DataType.INT16]: 'int16',
  [DataType.INT32]: 'int32',
  [DataType.INT64]: 'int64',
  [DataType.STRING]: 'string',
  [DataType.BOOL]: 'bool',
  [DataType.FLOAT16]: 'float16',
  [DataType.DOUBLE]: 'float64',
  [DataType.UINT32]: 'uint32',
  [DataType.UINT64]: 'uint64',
};

/** The onnxruntime type name of an sppkit dtype; throws UnsupportedError for bfloat16. */
export function ortTypeOf(dtype: DataType): OrtTypeName {
  const name = ORT_TYPE_OF[dtype];
  if (name === undefined) throw new UnsupportedError(`onnxruntime-node has no tensor type for ${dtypeName(dtype)}`);
  return name;
}

/** Wraps an sppkit tensor as an onnxruntime tensor (no copy: ORT reads the same memory). */
export function toOrtTensor(Ctor: OrtTensorConstructor, tensor: Tensor): OrtTensor {
  return new Ctor(ortTypeOf(tensor.dtype), tensor.data, tensor.dims);
}

/** Copies `data` into a fresh array of `Kind` when it is one; undefined otherwise. */
function copyIf<T extends { slice(): T }>(data: unknown, Kind: abstract new (...args: never[]) => T): T | undefined {
  return data instanceof Kind ? data.slice() : undefined;
}

/** Reads any typed array's bytes as 16-bit patterns (for float16 outputs that arrive as a Float16Array). */
function halfBits(data: unknown): Uint16Array | undefined {
  if (data instanceof Uint16Array) return data.slice();
  if (ArrayBuffer.isView(data) && data.byteLength % 2 === 0 && !(data instanceof DataView)) {
    return new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  }
  return undefined;
}

function stringData(data: unknown): string[] | undefined {
  return Array.isArray(data) && data.every((item): item is string => typeof item === 'string') ? [...data] : undefined;
}

/** How each onnxruntime type comes back: its sppkit dtype and the check-and-copy of its storage. */
const FROM_ORT: Readonly<
  Partial<Record<OrtTypeName, { dtype: DataType; read: (data: unknown) => TensorData | undefined }>>
> = {
  float32: { dtype: DataType.FLOAT, read: (d) => copyIf(d, Float32Array) },
  uint8: { dtype: DataType.UINT8, read: (d) => copyIf(d, Uint8Array) },
  int8: { dtype: DataType.INT8, read: (d) => copyIf(d, Int8Array) },
  uint16: { dtype: DataType.UINT16, read: (d) => copyIf(d, Uint16Array) },
  int16: { dtype: DataType.INT16, read: (d) => copyIf(d, Int16Array) },
  int32: { dtype: DataType.INT32, read: (d) => copyIf(d, Int32Array) },
  int64: { dtype: DataType.INT64, read: (d) => copyIf(d, BigInt64Array) },
  string: { dtype: DataType.STRING, read: stringData },
  bool: { dtype: DataType.BOOL, read: (d) => copyIf(d, Uint8Array) },
  float16: { dtype: DataType.FLOAT16, read: halfBits },
  float64: { dtype: DataType.DOUBLE, read: (d) => copyIf(d, Float64Array) },
  uint32: { dtype: DataType.UINT32, read: (d) => copyIf(d, Uint32Array) },
  uint64: { dtype: DataType.UINT64, read: (d) => copyIf(d, BigUint64Array) },
};

/** Copies an onnxruntime CPU tensor into an sppkit tensor; `name` is used in error messages. */
export function fromOrtTensor(tensor: OrtTensor, name: string): Tensor {
  const entry = FROM_ORT[tensor.type];
  if (entry === undefined)
    throw new UnsupportedError(`output '${name}': onnxruntime type ${tensor.type} has no sppkit dtype`);
  if (tensor.location !== 'cpu')
    throw new UnsupportedError(`output '${name}': tensor data is on '${tensor.location}', not on the CPU`);
  const data = entry.read(tensor.data);
  if (data === undefined) {
    const kind = Array.isArray(tensor.data) ? 'array' : Object.prototype.toString.call(tensor.data);
    throw new UnsupportedError(
      `output '${name}': onnxruntime ${tensor.type} tensor came with unexpected storage ${kind}`,
    );
  }
  return new Tensor(entry.dtype, [...tensor.dims], data);
}

/**
 * Refuses a model whose inputs or outputs have a type `typeOf` rejects (by default what onnxruntime's JS API cannot
 * carry, bfloat16), naming the backend and the value.
 */
export function checkBoundaryTypes(
  backend: BackendName,
  model: Model,
  typeOf: (dtype: DataType) => OrtTypeName = ortTypeOf,
): void {
  for (const [kind, values] of [
    ['input', model.graph.inputs],
    ['output', model.graph.outputs],
  ] as const) {
    for (const value of values) {
      if (value.type === null) continue;
      try {
        typeOf(value.type.dtype);
      } catch (error) {
        if (error instanceof UnsupportedError)
          throw new UnsupportedError(`${backend}: model ${kind} '${value.name}': ${error.message}`);
        throw error;
      }
    }
  }
}
