/**
 * TensorProto ↔ Tensor. Reads `raw_data` (little-endian, copied out of the protobuf buffer so typed arrays are
 * aligned), every typed field (`float_data`, `int32_data`, `int64_data`, `double_data`, `uint64_data`,
 * `string_data`) and external data; writes `raw_data` (strings as `string_data`).
 */
import { DataType, dtypeByteSize, dtypeName, isDataType, type TensorData } from '../ir/dtype.js';
import { DecodeError } from '../ir/errors.js';
import { Tensor, type TensorInfo } from '../ir/tensor.js';
import { parseExternalRef, type ExternalDataReader, type ExternalDataWriter } from './external-data.js';
import { hasField, type StringStringEntryMsg, type TensorMsg } from './proto-types.js';
import { DataLocation, ONNX_DATA_TYPE_NAMES, schema } from './schema.js';
import { decodeChecked, toBigInt } from './wire.js';
import { utf8Decode, utf8Encode } from './utf8.js';

/** Where a tensor is being decoded, for error messages and external data. */
export interface TensorContext {
  /** File name for DecodeError. */
  readonly file: string;
  /** What the tensor is (`initializer 'w' of graph 'main'`). */
  readonly what: string;
  /** Reader for `data_location = EXTERNAL` tensors. */
  readonly external?: ExternalDataReader | undefined;
  /** Keep the TensorProto's name in `tensor.info` (false for initializers, whose name is their Value's). */
  readonly keepName: boolean;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The typed TensorProto field that holds elements of each dtype when `raw_data` is absent. */
type TypedField = 'floatData' | 'int32Data' | 'int64Data' | 'doubleData' | 'uint64Data' | 'stringData';

const TYPED_FIELDS: readonly TypedField[] = [
  'floatData',
  'int32Data',
  'int64Data',
  'doubleData',
  'uint64Data',
  'stringData',
];

function typedFieldOf(dtype: DataType): TypedField {
  switch (dtype) {
    case DataType.FLOAT:
      return 'floatData';
    case DataType.INT64:
      return 'int64Data';
    case DataType.DOUBLE:
      return 'doubleData';
    case DataType.UINT32:
    case DataType.UINT64:
      return 'uint64Data';
    case DataType.STRING:
      return 'stringData';
    default:
      // int32, int16, int8, uint16, uint8, bool, float16 and bfloat16 (as bit patterns) all use int32_data.
      return 'int32Data';
  }
}

/** Text of a data type code for messages: `float32`, or `COMPLEX64 (14)` for codes sppkit does not support. */
export function describeDataTypeCode(code: number): string {
  if (isDataType(code)) return dtypeName(code);
  const onnxName = ONNX_DATA_TYPE_NAMES[code];
  return onnxName === undefined ? `unknown data type ${code}` : `${onnxName} (${code})`;
}

/** Checks a data type code; returns the dtype or a problem text. */
export function parseDataType(code: number | undefined): DataType | string {
  if (code === undefined || code === 0) return 'data_type is missing (UNDEFINED)';
  if (isDataType(code)) return code;
  return ONNX_DATA_TYPE_NAMES[code] === undefined
    ? `unknown data type ${code}`
    : `unsupported data type ${describeDataTypeCode(code)}`;
}

function parseDims(msg: TensorMsg, fail: (detail: string) => never): number[] {
  return (msg.dims ?? []).map((raw) => {
    const dim = toBigInt(raw);
    if (dim < 0n || dim > BigInt(Number.MAX_SAFE_INTEGER)) fail(`dims contain ${dim}`);
    return Number(dim);
  });
}

/** Element count of `dims`, or a failure when it is not a safe integer. */
function countOf(dims: readonly number[], fail: (detail: string) => never): number {
  let count = 1;
  for (const dim of dims) count *= dim;
  if (!Number.isSafeInteger(count)) fail(`shape [${dims.join(', ')}] has too many elements`);
  return count;
}

/** Copies little-endian element bytes into fresh (aligned) storage of `dtype`. */
export function fromLittleEndian(dtype: DataType, bytes: Uint8Array, count: number): TensorData {
  const size = dtypeByteSize(dtype);
  // A fresh buffer of exactly these bytes: aligned for the typed view, and never a view into the protobuf
  // buffer (Node Buffers' slice() does not copy, and their pooled buffers do not start at offset 0).
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  if (!LITTLE_ENDIAN && size > 1) {
    for (let at = 0; at < copy.length; at += size) copy.subarray(at, at + size).reverse();
  }
  const buffer = copy.buffer;
  switch (dtype) {
    case DataType.FLOAT:
      return new Float32Array(buffer, 0, count);
    case DataType.DOUBLE:
      return new Float64Array(buffer, 0, count);
    case DataType.INT8:
      return new Int8Array(buffer, 0, count);
    case DataType.UINT8:
    case DataType.BOOL:
      return new Uint8Array(buffer, 0, count);
    case DataType.INT16:
      return new Int16Array(buffer, 0, count);
    case DataType.UINT16:
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
      return new Uint16Array(buffer, 0, count);
    case DataType.INT32:
      return new Int32Array(buffer, 0, count);
    case DataType.UINT32:
      return new Uint32Array(buffer, 0, count);
    case DataType.INT64:
      return new BigInt64Array(buffer, 0, count);
    case DataType.UINT64:
      return new BigUint64Array(buffer, 0, count);
    case DataType.STRING:
      throw new TypeError('fromLittleEndian: string tensors have no raw bytes');
  }
}

/** The elements of `data` as little-endian bytes (a copy). */
export function toLittleEndian(dtype: DataType, data: Exclude<TensorData, string[]>): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  const size = dtypeByteSize(dtype);
  if (!LITTLE_ENDIAN && size > 1) {
    for (let at = 0; at < bytes.length; at += size) bytes.subarray(at, at + size).reverse();
  }
  return bytes;
}

function fromTypedField(dtype: DataType, msg: TensorMsg, count: number): TensorData {
  switch (typedFieldOf(dtype)) {
    case 'floatData':
      return Float32Array.from(msg.floatData ?? []);
    case 'doubleData':
      return Float64Array.from(msg.doubleData ?? []);
    case 'int64Data':
      return BigInt64Array.from(msg.int64Data ?? [], (v) => toBigInt(v));
    case 'uint64Data':
      return dtype === DataType.UINT64
        ? BigUint64Array.from(msg.uint64Data ?? [], (v) => toBigInt(v, true))
        : Uint32Array.from(msg.uint64Data ?? [], (v) => Number(BigInt.asUintN(32, toBigInt(v, true))));
    case 'stringData':
      return (msg.stringData ?? []).map((bytes) => utf8Decode(bytes));
    case 'int32Data': {
      const values = msg.int32Data ?? [];
      const data = fromLittleEndian(dtype, new Uint8Array(count * dtypeByteSize(dtype)), count);
      if (Array.isArray(data) || data instanceof BigInt64Array || data instanceof BigUint64Array) {
        throw new TypeError(`int32_data cannot hold ${dtypeName(dtype)}`);
      }
      // Typed-array assignment keeps the low bits, as ONNX specifies for the narrow types.
      values.forEach((value, i) => {
        data[i] = value;
      });
      return data;
    }
  }
}

function fieldLength(msg: TensorMsg, field: TypedField): number {
  return msg[field]?.length ?? 0;
}

/** Decodes a TensorProto message (already wire-checked) into a Tensor and its name. */
export function tensorFromMsg(msg: TensorMsg, context: TensorContext): { name: string; tensor: Tensor } {
  const name = msg.name ?? '';
  const fail = (detail: string): never => {
    throw new DecodeError(context.file, `${context.what}: ${detail}`);
  };
  const dtype = parseDataType(msg.dataType);
  if (typeof dtype === 'string') return fail(dtype);
  const dims = parseDims(msg, fail);
  const count = countOf(dims, fail);
  const typed = typedFieldOf(dtype);
  for (const other of TYPED_FIELDS) {
    if (
      fieldLength(msg, other) > 0 &&
      (other !== typed || hasField(msg, 'rawData') || msg.dataLocation === DataLocation.EXTERNAL)
    ) {
      fail(
        `${dtypeName(dtype)} tensor has ${fieldLength(msg, other)} values in ${snake(other)}, which does not hold its data`,
      );
    }
  }
  let raw: Uint8Array | undefined = hasField(msg, 'rawData') ? (msg.rawData ?? new Uint8Array()) : undefined;
  if (msg.dataLocation === DataLocation.EXTERNAL) raw = readExternal(msg.externalData ?? [], context, fail);
  let data: TensorData;
  if (raw !== undefined) {
    if (dtype === DataType.STRING) fail('string tensor uses raw_data (strings must be in string_data)');
    const expected = count * dtypeByteSize(dtype);
    if (raw.length !== expected) {
      fail(`${dtypeName(dtype)}[${dims.join(', ')}] needs ${expected} bytes of data but has ${raw.length}`);
    }
    data = fromLittleEndian(dtype, raw, count);
  } else {
    const have = fieldLength(msg, typed);
    if (have !== count)
      fail(`${dtypeName(dtype)}[${dims.join(', ')}] needs ${count} values in ${snake(typed)} but has ${have}`);
    data = fromTypedField(dtype, msg, count);
  }
  return { name, tensor: new Tensor(dtype, dims, data, tensorInfo(msg, context.keepName)) };
}

function readExternal(
  entries: readonly StringStringEntryMsg[],
  context: TensorContext,
  fail: (detail: string) => never,
): Uint8Array {
  const ref = parseExternalRef(entries);
  if (typeof ref === 'string') return fail(ref);
  if (context.external === undefined) {
    return fail(
      `data is in external file '${ref.location}', but no external data reader was given (in Node, use loadModel)`,
    );
  }
  try {
    return context.external.read(ref.location, ref.offset, ref.length);
  } catch (error) {
    return fail(
      `cannot read external data '${ref.location}' (offset ${ref.offset}): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

const FIELD_NAMES: Readonly<Record<TypedField, string>> = {
  floatData: 'float_data',
  int32Data: 'int32_data',
  int64Data: 'int64_data',
  doubleData: 'double_data',
  uint64Data: 'uint64_data',
  stringData: 'string_data',
};

/** The onnx.proto spelling of a typed field, for messages. */
function snake(field: TypedField): string {
  return FIELD_NAMES[field];
}

function tensorInfo(msg: TensorMsg, keepName: boolean): TensorInfo {
  const metadata = msg.metadataProps ?? [];
  return {
    ...(keepName && hasField(msg, 'name') ? { name: msg.name ?? '' } : {}),
    ...(hasField(msg, 'docString') ? { docString: msg.docString ?? '' } : {}),
    ...(metadata.length > 0 ? { metadataProps: new Map(metadata.map((e) => [e.key ?? '', e.value ?? ''])) } : {}),
  };
}

/** Options for `tensorToMsg`. */
export interface TensorEncodeOptions {
  /** Large tensors go here instead of `raw_data`. */
  readonly external?: ExternalDataWriter | undefined;
}

/** Builds the TensorProto message of a tensor. `name` overrides `tensor.info.name` (initializers). */
export function tensorToMsg(tensor: Tensor, name: string | undefined, options: TensorEncodeOptions = {}): TensorMsg {
  const msg: TensorMsg = { dims: [...tensor.dims], dataType: tensor.dtype };
  const tensorName = name ?? tensor.info.name;
  if (tensorName !== undefined) msg.name = tensorName;
  if (tensor.info.docString !== undefined) msg.docString = tensor.info.docString;
  const metadata = tensor.info.metadataProps;
  if (metadata !== undefined && metadata.size > 0)
    msg.metadataProps = [...metadata].map(([key, value]) => ({ key, value }));
  if (Array.isArray(tensor.data)) {
    msg.stringData = tensor.data.map((text) => utf8Encode(text));
    return msg;
  }
  const bytes = toLittleEndian(tensor.dtype, tensor.data);
  if (options.external?.wants(bytes.length) === true) {
    msg.externalData = options.external.append(bytes);
    msg.dataLocation = DataLocation.EXTERNAL;
  } else {
    msg.rawData = bytes;
  }
  return msg;
}

/** A standalone tensor file's contents: the TensorProto's name and its tensor. */
export interface NamedTensor {
  readonly name: string;
  readonly tensor: Tensor;
}

/** Decodes one serialized TensorProto (a `.pb` tensor file, no wrapper). Throws DecodeError naming `file`. */
export function decodeTensor(bytes: Uint8Array, file = '<bytes>', external?: ExternalDataReader): NamedTensor {
  const decoded = decodeChecked(schema.TensorProto, bytes, file);
  // The wire check validated every field against this schema, so the decoded message has TensorMsg's shape.
  const msg = decoded as TensorMsg;
  return tensorFromMsg(msg, { file, what: `tensor '${msg.name ?? ''}'`, external, keepName: true });
}

/** Encodes a tensor as one TensorProto (`.pb` tensor file). `name` defaults to the tensor's own name. */
export function encodeTensor(tensor: Tensor, name?: string): Uint8Array {
  return schema.TensorProto.encode(tensorToMsg(tensor, name ?? tensor.info.name ?? '')).finish();
}
