/**
 * ONNX element types (TensorProto.DataType) and their storage in typed arrays.
 *
 * float16 and bfloat16 are stored as their raw 16-bit patterns in a Uint16Array; bool as 0/1 in a Uint8Array;
 * int64/uint64 as BigInt64Array/BigUint64Array; string as a plain array of strings.
 */

/** The ONNX `TensorProto.DataType` codes. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  BFLOAT16: 16,
} as const;

/** One of the ONNX element types sppkit can hold in a tensor. */
export type DataType = (typeof DataType)[keyof typeof DataType];

/** The typed storage of a tensor's elements. */
export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | string[];

/** The typed arrays among TensorData: the storage of every element type but string. */
export type TypedTensorData = Exclude<TensorData, string[]>;

/** Numeric typed arrays whose elements are JS numbers. */
export type NumberArray =
  Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

interface DTypeInfo {
  readonly name: string;
  /** Bytes per element in `raw_data` (0 for strings). */
  readonly byteSize: number;
  readonly create: (length: number) => TensorData;
}

const INFO: Readonly<Record<DataType, DTypeInfo>> = {
  [DataType.FLOAT]: { name: 'float32', byteSize: 4, create: (n) => new Float32Array(n) },
  [DataType.UINT8]: { name: 'uint8', byteSize: 1, create: (n) => new Uint8Array(n) },
  [DataType.INT8]: { name: 'int8', byteSize: 1, create: (n) => new Int8Array(n) },
  [DataType.UINT16]: { name: 'uint16', byteSize: 2, create: (n) => new Uint16Array(n) },
  [DataType.INT16]: { name: 'int16', byteSize: 2, create: (n) => new Int16Array(n) },
  [DataType.INT32]: { name: 'int32', byteSize: 4, create: (n) => new Int32Array(n) },
  [DataType.INT64]: { name: 'int64', byteSize: 8, create: (n) => new BigInt64Array(n) },
  [DataType.STRING]: { name: 'string', byteSize: 0, create: (n) => new Array<string>(n).fill('') },
  [DataType.BOOL]: { name: 'bool', byteSize: 1, create: (n) => new Uint8Array(n) },
  [DataType.FLOAT16]: { name: 'float16', byteSize: 2, create: (n) => new Uint16Array(n) },
  [DataType.DOUBLE]: { name: 'float64', byteSize: 8, create: (n) => new Float64Array(n) },
  [DataType.UINT32]: { name: 'uint32', byteSize: 4, create: (n) => new Uint32Array(n) },
  [DataType.UINT64]: { name: 'uint64', byteSize: 8, create: (n) => new BigUint64Array(n) },
  [DataType.BFLOAT16]: { name: 'bfloat16', byteSize: 2, create: (n) => new Uint16Array(n) },
};

/** True when `code` is an ONNX data type code that sppkit supports. */
export function isDataType(code: number): code is DataType {
  return Object.prototype.hasOwnProperty.call(INFO, code);
}

/** Human-readable name of a data type (`float32`, `int64`, ...). */
export function dtypeName(dtype: DataType): string {
  return INFO[dtype].name;
}

/** Parses a dtype name such as `float32` or `int64` (also the ONNX spellings `float`, `double`). */
export function parseDtypeName(name: string): DataType | undefined {
  const aliases: Readonly<Record<string, DataType>> = { float: DataType.FLOAT, double: DataType.DOUBLE };
  const alias = aliases[name];
  if (alias !== undefined) return alias;
  for (const [code, info] of Object.entries(INFO)) if (info.name === name) return Number(code) as DataType;
  return undefined;
}

/** Bytes per element in ONNX `raw_data`. */
export function dtypeByteSize(dtype: DataType): number {
  return INFO[dtype].byteSize;
}

/** Allocates zeroed storage for `length` elements of `dtype`. */
export function allocate(dtype: DataType, length: number): TensorData {
  return INFO[dtype].create(length);
}

/** Floating-point types (whose kernels compute in float). */
/** The float element types (float16/bfloat16 compute in float64 and round once). */
export const FLOAT_TYPES: readonly DataType[] = [DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16];
/** Signed integer element types. */
export const SIGNED_INT_TYPES: readonly DataType[] = [DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64];
/** Unsigned integer element types. */
export const UNSIGNED_INT_TYPES: readonly DataType[] = [
  DataType.UINT8,
  DataType.UINT16,
  DataType.UINT32,
  DataType.UINT64,
];
/** Integer types whose every value is exact in a float64 (all but int64/uint64). */
export const SMALL_INT_TYPES: readonly DataType[] = [
  DataType.INT8,
  DataType.UINT8,
  DataType.INT16,
  DataType.UINT16,
  DataType.INT32,
  DataType.UINT32,
];
/** Every numeric element type (no bool, no string). */
export const NUMERIC_TYPES: readonly DataType[] = [...FLOAT_TYPES, ...SIGNED_INT_TYPES, ...UNSIGNED_INT_TYPES];
/** Every element type sppkit holds: the numeric ones, bool and string. */
export const ALL_TYPES: readonly DataType[] = [...NUMERIC_TYPES, DataType.BOOL, DataType.STRING];

/** True for float16, bfloat16, float32 and float64. */
export function isFloatType(dtype: DataType): boolean {
  return FLOAT_TYPES.includes(dtype);
}

/** Integer types stored as BigInt. */
export function isBigIntType(dtype: DataType): boolean {
  return dtype === DataType.INT64 || dtype === DataType.UINT64;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half bits → number. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** number → IEEE half bits, rounding to nearest even. */
export function numberToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0] ?? 0;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  // Re-bias the exponent from float32 (127) to float16 (15).
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let bits = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    if (rest > half || (rest === half && (bits & 1) === 1)) bits += 1;
    return sign | bits;
  }
  let bits = (e << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (bits & 1) === 1)) bits += 1;
  return sign | bits;
}

/** bfloat16 bits → number. */
export function bfloat16ToNumber(bits: number): number {
  u32[0] = bits << 16;
  return f32[0] ?? 0;
}

/** number → bfloat16 bits, rounding to nearest even (NaN stays NaN). */
export function numberToBfloat16(value: number): number {
  f32[0] = value;
  const x = u32[0] ?? 0;
  if (Number.isNaN(value)) return 0x7fc0;
  const roundingBias = 0x7fff + ((x >>> 16) & 1);
  return ((x + roundingBias) >>> 16) & 0xffff;
}
