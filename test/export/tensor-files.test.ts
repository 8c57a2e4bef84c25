import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataType, dtypeByteSize, dtypeName, type TensorData } from '../../src/ir/dtype.js';
import { DecodeError } from '../../src/ir/errors.js';
import { sizeOf, Tensor, tensorsIdentical } from '../../src/ir/tensor.js';
import { readTensorFile, writeTensorFile } from '../../src/export/io-node.js';
import { decodeTensor, encodeTensor } from '../../src/export/tensor-codec.js';
import { findFiles, GOLDEN_DIR, haveGolden, ProtoBytes, WT } from './helpers.js';

const present = haveGolden('export/tensor-files');

/** TensorProto field numbers (onnx.proto). */
const F = {
  dims: 1,
  dataType: 2,
  floatData: 4,
  int32Data: 5,
  stringData: 6,
  int64Data: 7,
  name: 8,
  rawData: 9,
  doubleData: 10,
  uint64Data: 11,
} as const;

function header(dims: readonly number[], dataType: number, name = 't'): ProtoBytes {
  const bytes = new ProtoBytes();
  for (const dim of dims) bytes.int(F.dims, dim);
  return bytes.int(F.dataType, dataType).string(F.name, name);
}

/** The raw bytes in a golden .pb's raw_data field, found by scanning the wire format by hand. */
function rawDataLength(bytes: Uint8Array): number {
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = bytes[at++] ?? 0;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
  };
  while (at < bytes.length) {
    const tag = Number(varint());
    const wire = tag & 7;
    if (wire === WT.LEN) {
      const length = Number(varint());
      if (tag >> 3 === F.rawData) return length;
      at += length;
    } else if (wire === WT.VARINT) varint();
    else at += wire === WT.I64 ? 8 : 4;
  }
  return 0;
}

describe.skipIf(!present)('golden TensorProto files', () => {
  const files = findFiles(GOLDEN_DIR, '.pb');

  it('decodes every .pb with dims × element size matching its raw_data', () => {
    expect(files.length).toBeGreaterThan(1000);
    const dtypes = new Set<string>();
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(file));
      const { tensor } = readTensorFile(file);
      dtypes.add(dtypeName(tensor.dtype));
      expect(tensor.size, file).toBe(sizeOf(tensor.dims));
      expect(tensor.size * dtypeByteSize(tensor.dtype), file).toBe(rawDataLength(bytes));
    }
    // The README lists these dtypes as used in the golden data.
    for (const name of ['float32', 'int64', 'int32', 'float64', 'float16', 'uint8', 'int8', 'bool', 'bfloat16'])
      expect(dtypes).toContain(name);
  });

  it('re-encodes every .pb to the same bytes', () => {
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(file));
      const { name, tensor } = decodeTensor(bytes, file);
      expect(Buffer.from(encodeTensor(tensor, name)).equals(Buffer.from(bytes)), file).toBe(true);
    }
  });
});

const samples: readonly { dtype: DataType; data: TensorData }[] = [
  { dtype: DataType.FLOAT, data: Float32Array.from([1.5, -0, Infinity, NaN, 3.25, -7]) },
  { dtype: DataType.DOUBLE, data: Float64Array.from([1e300, -0, 0.1, NaN, 2, -3]) },
  { dtype: DataType.INT8, data: Int8Array.from([-128, 127, 0, -1, 5, 6]) },
  { dtype: DataType.UINT8, data: Uint8Array.from([0, 255, 1, 2, 3, 4]) },
  { dtype: DataType.INT16, data: Int16Array.from([-32768, 32767, 0, -1, 5, 6]) },
  { dtype: DataType.UINT16, data: Uint16Array.from([0, 65535, 1, 2, 3, 4]) },
  { dtype: DataType.INT32, data: Int32Array.from([-2147483648, 2147483647, 0, -1, 5, 6]) },
  { dtype: DataType.UINT32, data: Uint32Array.from([0, 4294967295, 1, 2, 3, 4]) },
  { dtype: DataType.INT64, data: BigInt64Array.from([-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 5n, 6n]) },
  { dtype: DataType.UINT64, data: BigUint64Array.from([0n, 2n ** 64n - 1n, 1n, 2n, 3n, 4n]) },
  { dtype: DataType.BOOL, data: Uint8Array.from([0, 1, 1, 0, 1, 0]) },
  { dtype: DataType.FLOAT16, data: Uint16Array.from([0x3c00, 0x7c00, 0xfc00, 0x7e00, 0x8000, 0x0001]) },
  { dtype: DataType.BFLOAT16, data: Uint16Array.from([0x3f80, 0x7f80, 0xff80, 0x7fc0, 0x8000, 0x0001]) },
  { dtype: DataType.STRING, data: ['a', '', 'ünïcödé', 'x y', '\u0000', '🙂'] },
];

describe('tensor round trips', () => {
  for (const { dtype, data } of samples) {
    it(`round-trips a ${dtypeName(dtype)} tensor through encodeTensor/decodeTensor`, () => {
      const tensor = new Tensor(dtype, [2, 3], data);
      const { name, tensor: back } = decodeTensor(encodeTensor(tensor, 'w'));
      expect(name).toBe('w');
      expect(tensorsIdentical(back, tensor)).toBe(true);
    });
  }

  it('round-trips scalars and zero-size tensors', () => {
    for (const tensor of [
      new Tensor(DataType.FLOAT, [], Float32Array.of(2)),
      new Tensor(DataType.INT64, [0, 3], new BigInt64Array(0)),
    ]) {
      expect(tensorsIdentical(decodeTensor(encodeTensor(tensor)).tensor, tensor)).toBe(true);
    }
  });

  it('writes and reads tensor files', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sppkit-tensor-')), 'x.pb');
    const tensor = Tensor.float32([2, 2], [1, 2, 3, 4]);
    writeTensorFile(path, tensor, 'x');
    const back = readTensorFile(path);
    expect(back.name).toBe('x');
    expect(back.tensor.toNumbers()).toEqual([1, 2, 3, 4]);
  });
});

describe('typed (non-raw) TensorProto fields', () => {
  const f32 = (view: DataView, at: number, value: number): void => view.setFloat32(at, value, true);
  const f64 = (view: DataView, at: number, value: number): void => view.setFloat64(at, value, true);

  it('reads float_data', () => {
    const bytes = header([3], DataType.FLOAT).packedFixed(F.floatData, 4, [1.5, -2, 0.25], f32).finish();
    expect(decodeTensor(bytes).tensor.toNumbers()).toEqual([1.5, -2, 0.25]);
  });

  it('reads unpacked float_data too', () => {
    const bytes = header([2], DataType.FLOAT).float(F.floatData, 4).float(F.floatData, -1).finish();
    expect(decodeTensor(bytes).tensor.toNumbers()).toEqual([4, -1]);
  });

  it('reads double_data', () => {
    const bytes = header([2], DataType.DOUBLE).packedFixed(F.doubleData, 8, [0.1, -3], f64).finish();
    expect(decodeTensor(bytes).tensor.toNumbers()).toEqual([0.1, -3]);
  });

  it('reads int32_data for int32, int16, int8, uint16, uint8 and bool', () => {
    const cases: readonly [DataType, readonly number[]][] = [
      [DataType.INT32, [-5, 2147483647]],
      [DataType.INT16, [-300, 300]],
      [DataType.INT8, [-128, 127]],
      [DataType.UINT16, [65535, 1]],
      [DataType.UINT8, [255, 0]],
      [DataType.BOOL, [1, 0]],
    ];
    for (const [dtype, values] of cases) {
      const bytes = header([2], dtype).packedVarints(F.int32Data, values).finish();
      expect(decodeTensor(bytes).tensor.toNumbers(), dtypeName(dtype)).toEqual(values);
    }
  });

  it('reads float16 and bfloat16 bit patterns from int32_data', () => {
    const half = decodeTensor(
      header([2], DataType.FLOAT16).packedVarints(F.int32Data, [0x3c00, 0xc000]).finish(),
    ).tensor;
    expect(half.toNumbers()).toEqual([1, -2]);
    const brain = decodeTensor(
      header([2], DataType.BFLOAT16).packedVarints(F.int32Data, [0x3f80, 0x4040]).finish(),
    ).tensor;
    expect(brain.toNumbers()).toEqual([1, 3]);
  });

  it('reads int64_data (including INT64 min and max) and uint64_data for uint32/uint64', () => {
    const int64 = decodeTensor(
      header([3], DataType.INT64)
        .packedVarints(F.int64Data, [-(2n ** 63n), 2n ** 63n - 1n, -1n])
        .finish(),
    ).tensor;
    expect([...(int64.data as BigInt64Array)]).toEqual([-(2n ** 63n), 2n ** 63n - 1n, -1n]);
    const uint64 = decodeTensor(
      header([2], DataType.UINT64)
        .packedVarints(F.uint64Data, [2n ** 64n - 1n, 7n])
        .finish(),
    ).tensor;
    expect([...(uint64.data as BigUint64Array)]).toEqual([2n ** 64n - 1n, 7n]);
    const uint32 = decodeTensor(
      header([2], DataType.UINT32).packedVarints(F.uint64Data, [4294967295, 3]).finish(),
    ).tensor;
    expect(uint32.toNumbers()).toEqual([4294967295, 3]);
  });

  it('reads string_data', () => {
    const bytes = header([2], DataType.STRING).string(F.stringData, 'hi').string(F.stringData, 'ß').finish();
    expect(decodeTensor(bytes).tensor.data).toEqual(['hi', 'ß']);
  });

  it('reads raw_data at an odd offset (copied out, so typed views are aligned)', () => {
    const raw = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
    const bytes = header([3], DataType.FLOAT, 'odd').bytes(F.rawData, raw).finish();
    const { tensor } = decodeTensor(bytes.subarray(0), 'odd.pb');
    expect(tensor.toNumbers()).toEqual([1, 2, 3]);
  });
});

describe('bad TensorProtos', () => {
  const expectDecodeError = (bytes: Uint8Array, pattern: RegExp): void => {
    expect(() => decodeTensor(bytes, 'bad.pb')).toThrow(DecodeError);
    expect(() => decodeTensor(bytes, 'bad.pb')).toThrow(pattern);
  };

  it('refuses raw_data whose length does not match the dims', () => {
    expectDecodeError(
      header([2, 2], DataType.FLOAT).bytes(F.rawData, new Uint8Array(12)).finish(),
      /bad\.pb: tensor 't': float32\[2, 2\] needs 16 bytes of data but has 12/,
    );
  });

  it('refuses typed data whose count does not match the dims', () => {
    expectDecodeError(
      header([3], DataType.INT64).packedVarints(F.int64Data, [1, 2]).finish(),
      /needs 3 values in int64_data but has 2/,
    );
  });

  it('refuses unknown and unsupported data types', () => {
    expectDecodeError(header([1], 99).bytes(F.rawData, new Uint8Array(4)).finish(), /unknown data type 99/);
    expectDecodeError(
      header([1], 14).bytes(F.rawData, new Uint8Array(8)).finish(),
      /unsupported data type COMPLEX64 \(14\)/,
    );
    expectDecodeError(header([1], 0).finish(), /data_type is missing/);
  });

  it('refuses data in a field that does not hold the dtype', () => {
    expectDecodeError(header([1], DataType.FLOAT).packedVarints(F.int64Data, [1]).finish(), /values in int64_data/);
  });

  it('refuses a negative dim', () => {
    expectDecodeError(header([-1], DataType.FLOAT).finish(), /dims contain -1/);
  });
});
