/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: {...} }`, then the raw little-endian data.
 * Browser-safe: works on bytes. Tensors keep views into the given bytes.
 *
 * As the format's reference reader requires, the tensors' byte ranges must tile the data section exactly: each in
 * range, none overlapping another (two weights aliasing one buffer), no bytes left between or after them (a
 * polyglot file hiding a payload). A file that breaks this is refused, naming the tensors and offsets.
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
  readonly shape: readonly unknown[];
  readonly offsets: readonly unknown[];
}

/** The entry's fields, when it has a string dtype, a shape list and a two-element data_offsets list. */
function entryOf(value: unknown): HeaderEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (!('dtype' in value) || !('shape' in value) || !('data_offsets' in value)) return undefined;
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string' || !Array.isArray(shape) || !Array.isArray(offsets) || offsets.length !== 2)
    return undefined;
  return { dtype, shape, offsets };
}

/** A tensor's byte range in the data section. */
interface Span {
  readonly name: string;
  readonly begin: number;
  readonly end: number;
}

/** Refuses byte ranges that overlap, leave a gap, or do not reach the end of the data section. */
function checkTiling(spans: readonly Span[], dataLength: number, file: string): void {
  const sorted = [...spans].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: Span | undefined;
  for (const span of sorted) {
    if (span.begin < covered && previous !== undefined)
      throw new DecodeError(
        file,
        `safetensors: tensors '${previous.name}' [${previous.begin}, ${previous.end}] and '${span.name}' ` +
          `[${span.begin}, ${span.end}] overlap`,
      );
    if (span.begin > covered)
      throw new DecodeError(
        file,
        `safetensors: bytes [${covered}, ${span.begin}) of the data belong to no tensor (before '${span.name}')`,
      );
    covered = span.end;
    previous = span;
  }
  if (covered !== dataLength)
    throw new DecodeError(
      file,
      `safetensors: bytes [${covered}, ${dataLength}) at the end of the data belong to no tensor`,
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
  const spans: Span[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const entry = entryOf(value);
    if (entry === undefined)
      throw new DecodeError(file, `safetensors: tensor '${name}' has no dtype/shape/data_offsets`);
    const dtype = DTYPES[entry.dtype];
    if (dtype === undefined)
      throw new DecodeError(file, `safetensors: tensor '${name}' has unsupported dtype ${entry.dtype}`);
    const shape: number[] = [];
    for (const d of entry.shape) {
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)
        throw new DecodeError(file, `safetensors: tensor '${name}' has a bad shape [${entry.shape.join(', ')}]`);
      shape.push(d);
    }
    const [begin, end] = entry.offsets;
    const count = shape.reduce((a, b) => a * b, 1);
    if (
      typeof begin !== 'number' ||
      typeof end !== 'number' ||
      !Number.isSafeInteger(begin) ||
      !Number.isSafeInteger(end) ||
      begin < 0 ||
      begin > end ||
      end > data.length ||
      end - begin !== count * dtypeByteSize(dtype)
    ) {
      const needs = `${entry.dtype}[${shape.join(', ')}] needs ${count * dtypeByteSize(dtype)} bytes`;
      const offsets = `data_offsets are [${String(begin)}, ${String(end)}] in ${data.length} bytes of data`;
      throw new DecodeError(file, `safetensors: tensor '${name}' ${needs} but ${offsets}`);
    }
    spans.push({ name, begin, end });
    // A view into the file's bytes: typed data is made (aligned view or copy) when the weights are first used.
    tensors.set(name, Tensor.fromBytes(dtype, shape, data.subarray(begin, end)));
  }
  checkTiling(spans, data.length, file);
  return tensors;
}
