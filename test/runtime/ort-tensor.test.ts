import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType, dtypeName } from '../../src/ir/dtype.js';
import { Tensor, tensorsIdentical } from '../../src/ir/tensor.js';
import { createOrtCpuBackend, loadOrt } from '../../src/runtime/node/ort-node.js';
import { fromOrtTensor, ortTypeOf, toOrtTensor } from '../../src/runtime/ort-tensor.js';

/** One tensor per dtype onnxruntime-node can carry, with values that show sign, width and bit patterns. */
const SAMPLES: readonly Tensor[] = [
  Tensor.float32([2, 2], [1.5, -0, Infinity, NaN]),
  new Tensor(DataType.DOUBLE, [3], Float64Array.from([Math.PI, -1e300, 5e-324])),
  new Tensor(DataType.FLOAT16, [3], Uint16Array.from([0x3c00, 0xfbff, 0x7e00])),
  new Tensor(DataType.INT8, [2], Int8Array.from([-128, 127])),
  new Tensor(DataType.UINT8, [2], Uint8Array.from([0, 255])),
  new Tensor(DataType.INT16, [2], Int16Array.from([-32768, 32767])),
  new Tensor(DataType.UINT16, [2], Uint16Array.from([0, 65535])),
  new Tensor(DataType.INT32, [2], Int32Array.from([-(2 ** 31), 2 ** 31 - 1])),
  new Tensor(DataType.UINT32, [2], Uint32Array.from([0, 2 ** 32 - 1])),
  Tensor.int64([3], [-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n]),
  new Tensor(DataType.UINT64, [2], BigUint64Array.from([0n, 2n ** 64n - 1n])),
  new Tensor(DataType.BOOL, [3], Uint8Array.from([1, 0, 1])),
  new Tensor(DataType.STRING, [2], ['sppkit', 'ü']),
  new Tensor(DataType.FLOAT, [0, 3], new Float32Array(0)),
  Tensor.float32([], [42]),
];

describe('sppkit <-> onnxruntime tensors', () => {
  it('maps dtypes to the onnxruntime names (float16 as float16, bool as bool)', () => {
    expect(ortTypeOf(DataType.FLOAT16)).toBe('float16');
    expect(ortTypeOf(DataType.BOOL)).toBe('bool');
    expect(ortTypeOf(DataType.INT64)).toBe('int64');
    expect(() => ortTypeOf(DataType.BFLOAT16)).toThrow(/no tensor type for bfloat16/);
  });

  it('wraps float16 bits in the Uint16Array onnxruntime-node 1.30 expects on Node 20', async () => {
    const ort = await loadOrt();
    const wrapped = toOrtTensor(ort.Tensor, new Tensor(DataType.FLOAT16, [1], Uint16Array.from([0x3c00])));
    expect(wrapped.type).toBe('float16');
    expect(wrapped.data).toBeInstanceOf(Uint16Array);
  });

  it('copies outputs, so the ORT tensor may be released', async () => {
    const ort = await loadOrt();
    const source = new ort.Tensor('int64', BigInt64Array.from([1n, 2n]), [2]);
    const copy = fromOrtTensor(source, 'y');
    source.data[0] = 9n;
    expect(copy.data).toEqual(BigInt64Array.from([1n, 2n]));
  });

  for (const sample of SAMPLES) {
    it(`round-trips ${sample.describe()} through an ORT CPU Identity bit for bit`, async () => {
      const b = new GraphBuilder({ name: `identity_${dtypeName(sample.dtype)}`, opset: 17 });
      b.output(b.input('x', sample.dtype, sample.dims), 'y');
      const session = await createOrtCpuBackend().load(b.build());
      const y = (await session.run(new Map([['x', sample]]))).get('y');
      expect(y?.describe()).toBe(sample.describe());
      expect(y !== undefined && tensorsIdentical(y, sample)).toBe(true);
      await session.dispose();
    });
  }
});
