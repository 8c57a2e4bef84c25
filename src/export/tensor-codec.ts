/**
 * TensorProto ↔ Tensor. `raw_data` stays a view into the decoded bytes (`Tensor.fromBytes`: typed data is made on
 * first use), external data is read through the caller's reader (lazily when it can open sources), and the typed
 * fields (`float_data`, `int32_data`, `int64_data`, `double_data`, `uint64_data`, `string_data`) are read into
 * typed arrays. Encoding writes `raw_data` as a view of the tensor's bytes (or its pending source), strings as
 * `string_data`, and a tensor that came from a typed field back into that field.
 */
import { DataType, dtypeByteSize, dtypeName, isDataType, type TensorData } from '../ir/dtype.js';
import { DecodeError } from '../ir/errors.js';
import { LimitError } from '../ir/limits.js';
import { Tensor, type TensorInfo } from '../ir/tensor.js';
import {
  parseExternalRef,
  type ExternalDataReader,
  type ExternalDataWriter,
  type InlinePayloads,
} from './external-data.js';
import { hasField, type StringStringEntryMsg, type TensorMsg, type WireBytes } from './proto-types.js';
import { tablesOf } from './schema-tables.js';
import { DataLocation, ONNX_DATA_TYPE_NAMES } from './schema.js';
import { toBigInt } from './wire.js';
import { decodeMessage } from './wire-read.js';
import { encodeMessage } from './wire-write.js';
import { utf8Decode, utf8Encode } from './utf8.js';

/** Where a tensor is being decoded, for error messages and external data. */
export interface TensorContext {
  /** File name for DecodeError. */
  readonly file: string;
  /** What the tensor is (`initializer 'w' of graph 'main'`). */
  readonly what: string;
  /** Reader for `data_location = EXTERNAL` tensors. */
  readonly external?: ExternalDataReader | undefined;
  /** Payloads of the input that were left in their file (see `InlinePayloads`). */
  readonly inline?: InlinePayloads | undefined;
  /** Keep the TensorProto's name in `tensor.info` (false for initializers, whose name is their Value's). */
  readonly keepName: boolean;
}

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

const FIELD_NAMES: Readonly<Record<TypedField, string>> = {
  floatData: 'float_data',
  int32Data: 'int32_data',
  int64Data: 'int64_data',
  doubleData: 'double_data',
  uint64Data: 'uint64_data',
  stringData: 'string_data',
};

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
      const data = Tensor.zeros(dtype, [count]).data;
      if (Array.isArray(data) || data instanceof BigInt64Array || data instanceof BigUint64Array) {
        throw new TypeError(`int32_data cannot hold ${dtypeName(dtype)}`);
      }
      // Typed-array assignment keeps the low bits, as ONNX specifies for the narrow types.
      (msg.int32Data ?? []).forEach((value, i) => {
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
  const external = msg.dataLocation === DataLocation.EXTERNAL;
  for (const other of TYPED_FIELDS) {
    if (fieldLength(msg, other) > 0 && (other !== typed || hasField(msg, 'rawData') || external)) {
      const values = `${fieldLength(msg, other)} values in ${FIELD_NAMES[other]}`;
      fail(`${dtypeName(dtype)} tensor has ${values}, which does not hold its data`);
    }
  }
  const info = tensorInfo(msg, context.keepName);
  const raw = msg.rawData;
  if (external || raw !== undefined) {
    if (dtype === DataType.STRING) fail('string tensor uses raw_data (strings must be in string_data)');
    const expected = count * dtypeByteSize(dtype);
    const describe = `${dtypeName(dtype)}[${dims.join(', ')}] needs ${expected} bytes of data but has`;
    if (external) {
      const tensor = externalTensor(msg.externalData ?? [], context, fail, { dtype, dims, info, expected, describe });
      return { name, tensor };
    }
    if (!(raw instanceof Uint8Array)) return fail('raw_data is not bytes');
    // A payload the loader left in the file reads as empty here and comes with its source.
    const source = context.inline?.sourceFor(raw, context.what);
    const length = source?.byteLength ?? raw.length;
    if (length !== expected) fail(`${describe} ${length}`);
    if (source !== undefined) return { name, tensor: Tensor.fromSource(dtype, dims, source, info) };
    return { name, tensor: Tensor.fromBytes(dtype, dims, raw, info) };
  }
  const have = fieldLength(msg, typed);
  if (have !== count)
    fail(`${dtypeName(dtype)}[${dims.join(', ')}] needs ${count} values in ${FIELD_NAMES[typed]} but has ${have}`);
  const data = fromTypedField(dtype, msg, count);
  const storage: TensorInfo = dtype === DataType.STRING ? info : { ...info, storage: 'typed' };
  return { name, tensor: new Tensor(dtype, dims, data, storage) };
}

interface ExternalTarget {
  readonly dtype: DataType;
  readonly dims: readonly number[];
  readonly info: TensorInfo;
  readonly expected: number;
  readonly describe: string;
}

/**
 * A tensor whose bytes are in an external file: the declared range is checked against the tensor's size before
 * anything is read; with a reader that can open sources, the bytes stay in the file until the data is used.
 */
function externalTensor(
  entries: readonly StringStringEntryMsg[],
  context: TensorContext,
  fail: (detail: string) => never,
  target: ExternalTarget,
): Tensor {
  const ref = parseExternalRef(entries);
  if (typeof ref === 'string') return fail(ref);
  const reader = context.external;
  if (reader === undefined) {
    return fail(
      `data is in external file '${ref.location}', but no external data reader was given (in Node, use loadModel)`,
    );
  }
  if (ref.length !== undefined && ref.length !== target.expected)
    fail(`${target.describe} ${ref.length} in external file '${ref.location}' (external_data length)`);
  const cannot = (error: unknown): never => {
    // A resource limit is the caller's policy, not a broken file: it stays a LimitError.
    if (error instanceof LimitError) throw error;
    return fail(
      `cannot read external data '${ref.location}' (offset ${ref.offset}, ${ref.length ?? 'rest of file'} bytes): ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  };
  if (reader.open !== undefined) {
    let source;
    try {
      source = reader.open(ref.location, ref.offset, ref.length, context.what);
    } catch (error) {
      return cannot(error);
    }
    if (source.byteLength !== target.expected) fail(`${target.describe} ${source.byteLength} in '${ref.location}'`);
    return Tensor.fromSource(target.dtype, target.dims, source, target.info);
  }
  let bytes: Uint8Array;
  try {
    bytes = reader.read(ref.location, ref.offset, ref.length);
  } catch (error) {
    return cannot(error);
  }
  if (bytes.length !== target.expected) fail(`${target.describe} ${bytes.length}`);
  return Tensor.fromBytes(target.dtype, target.dims, bytes, target.info);
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

/** Writes a tensor's elements into the typed field it was read from (`info.storage === 'typed'`). */
function writeTypedField(tensor: Tensor, msg: TensorMsg): void {
  const data = tensor.data;
  if (Array.isArray(data)) return;
  const field = typedFieldOf(tensor.dtype);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    msg[field === 'int64Data' ? 'int64Data' : 'uint64Data'] = Array.from(data);
  } else if (field === 'uint64Data') {
    msg.uint64Data = Array.from(data, (value) => BigInt(value));
  } else if (field === 'floatData' || field === 'doubleData' || field === 'int32Data') {
    msg[field] = Array.from(data);
  }
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
  if (tensor.dtype === DataType.STRING) {
    msg.stringData = (tensor.data as string[]).map((text) => utf8Encode(text));
    return msg;
  }
  if (tensor.info.storage === 'typed' && options.external?.wants(tensor.byteLength) !== true) {
    writeTypedField(tensor, msg);
    return msg;
  }
  const payload: WireBytes = tensor.pendingSource() ?? tensor.littleEndianBytes();
  if (options.external?.wants(payload.byteLength) === true) {
    msg.externalData = options.external.append(payload);
    msg.dataLocation = DataLocation.EXTERNAL;
  } else {
    msg.rawData = payload;
  }
  return msg;
}

/** A standalone tensor file's contents: the TensorProto's name and its tensor. */
export interface NamedTensor {
  readonly name: string;
  readonly tensor: Tensor;
}

/**
 * Decodes one serialized TensorProto (a `.pb` tensor file, no wrapper). Throws DecodeError naming `file`. The
 * tensor's bytes stay a view into `bytes` until its data is used.
 */
export function decodeTensor(bytes: Uint8Array, file = '<bytes>', external?: ExternalDataReader): NamedTensor {
  // The reader validated every field against the schema, so the decoded message has TensorMsg's shape.
  const msg = decodeMessage(tablesOf.TensorProto, bytes, file) as TensorMsg;
  return tensorFromMsg(msg, { file, what: `tensor '${msg.name ?? ''}'`, external, keepName: true });
}

/** Encodes a tensor as one TensorProto (`.pb` tensor file). `name` defaults to the tensor's own name. */
export function encodeTensor(tensor: Tensor, name?: string): Uint8Array {
  return encodeMessage(tablesOf.TensorProto, tensorToMsg(tensor, name ?? tensor.info.name ?? '')).toBytes();
}
