/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: {...} }`, then the raw little-endian data.
 * Browser-safe: works on bytes. Tensors keep views into the given bytes.
 */
import { DataType, dtypeByteSize, type DataType as DataTypeCode } from '../ir/dtype.js';
import { DecodeError } from '../ir/errors.js';
import { Tensor } from '../ir/tensor.js';

const DTYPES: Readonly<Record<string, DataTypeCode>> = {
  F32: DataType.FLOAT,
  F64: DataType.DOUBLE,
  F16: DataType.FLOAT16,
  BF16: DataType.BFLOAT16,
  I8: DataType.INT8,
  U8: DataType.UINT8,
  I16: DataType.INT16,
  U16: DataType.UINT16,
  I32: DataType.INT32,
  U32: DataType.UINT32,
  I64: DataType.INT64,
  U64: DataType.UINT64,
  BOOL: DataType.BOOL,
};

/** Largest header accepted (the format's own limit is 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

interface HeaderEntry {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data_offsets: readonly [number, number];
}

function isEntry(value: unknown): value is HeaderEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<HeaderEntry>;
  return (
    typeof entry.dtype === 'string' &&
    Array.isArray(entry.shape) &&
    Array.isArray(entry.data_offsets) &&
    entry.data_offsets.length === 2
  );
}

/** Decodes a .safetensors file into named tensors; errors name the file and the tensor. */
export function decodeSafetensors(bytes: Uint8Array, file = '<bytes>'): Map<string, Tensor> {
  if (bytes.length < 8)
    throw new DecodeError(file, `safetensors: ${bytes.length} bytes is too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > bytes.length) {
    throw new DecodeError(
      file,
      `safetensors: header length ${headerLength} does not fit the ${bytes.length}-byte file`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw new DecodeError(
      file,
      `safetensors: the header is not valid UTF-8 JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw new DecodeError(file, 'safetensors: the header is not a JSON object');
  const data = bytes.subarray(8 + headerLength);
  const tensors = new Map<string, Tensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (!isEntry(entry)) throw new DecodeError(file, `safetensors: tensor '${name}' has no dtype/shape/data_offsets`);
    const dtype = DTYPES[entry.dtype];
    if (dtype === undefined)
      throw new DecodeError(file, `safetensors: tensor '${name}' has unsupported dtype ${entry.dtype}`);
    if (entry.shape.some((d) => !Number.isInteger(d) || d < 0))
      throw new DecodeError(file, `safetensors: tensor '${name}' has a bad shape [${entry.shape.join(', ')}]`);
    const [begin, end] = entry.data_offsets;
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (
      !Number.isInteger(begin) ||
      !Number.isInteger(end) ||
      begin < 0 ||
      end > data.length ||
      end - begin !== count * dtypeByteSize(dtype)
    ) {
      const needs = `${entry.dtype}[${entry.shape.join(', ')}] needs ${count * dtypeByteSize(dtype)} bytes`;
      const offsets = `data_offsets are [${begin}, ${end}] in ${data.length} bytes of data`;
      throw new DecodeError(file, `safetensors: tensor '${name}' ${needs} but ${offsets}`);
    }
    // A view into the file's bytes: typed data is made (aligned view or copy) when the weights are first used.
    tensors.set(name, Tensor.fromBytes(dtype, entry.shape, data.subarray(begin, end)));
  }
  return tensors;
}
