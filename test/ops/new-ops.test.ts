import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Abs } from '../../src/ops/abs.js';
import { Expand } from '../../src/ops/expand.js';
import { GatherND } from '../../src/ops/gather-nd.js';
import { Sign } from '../../src/ops/sign.js';
import { constant, feed, inferRaw, inferShape, runOp1, runRaw, values } from './run-op.js';

describe('Constant', () => {
  it('outputs the value tensor and types it', () => {
    const [y] = runRaw('Constant', 13, [], { value: Attr.tensor(Tensor.float32([2], [1.5, -2])) });
    expect(y?.dims).toEqual([2]);
    expect(y === undefined ? [] : values(y)).toEqual([1.5, -2]);
    expect(inferRaw('Constant', 13, [], { value: Attr.tensor(Tensor.float32([2], [1.5, -2])) })[0]?.shape).toEqual([2]);
  });

  const valueAttributesTitle =
    'makes a scalar from value_int (int64, INT64_MAX kept exactly) and 1-D from value_ints/value_floats (opset 12)';
  it(valueAttributesTitle, () => {
    const [big] = runRaw('Constant', 12, [], { value_int: Attr.int(2n ** 63n - 1n) });
    expect(big?.dims).toEqual([]);
    expect(big?.dtype).toBe(DataType.INT64);
    const bits = big?.data;
    expect(bits instanceof BigInt64Array ? Array.from(bits) : bits).toEqual([2n ** 63n - 1n]);
    const [ints] = runRaw('Constant', 12, [], { value_ints: Attr.ints([3, -1]) });
    expect(ints?.dims).toEqual([2]);
    const [floats] = runRaw('Constant', 12, [], { value_floats: Attr.floats([0.5]) });
    expect(floats?.dtype).toBe(DataType.FLOAT);
    const [text] = runRaw('Constant', 12, [], { value_strings: Attr.strings(['a', 'b']) });
    expect(text?.data).toEqual(['a', 'b']);
  });

  it('refuses no value, two values, value_* before opset 12, and sparse_value', () => {
    expect(() => runRaw('Constant', 13, [])).toThrow(/exactly one of value, sparse_value/);
    expect(() => runRaw('Constant', 13, [], { value_int: Attr.int(1), value_float: Attr.float(1) })).toThrow(
      /exactly one value attribute, got value_float, value_int/,
    );
    expect(() => runRaw('Constant', 11, [], { value_int: Attr.int(1) })).toThrow(/does not exist at opset 11/);
    expect(() => runRaw('Constant', 13, [], { sparse_value: { kind: 'opaque', value: new Uint8Array(0) } })).toThrow(
      /sparse_value is not supported/,
    );
  });
});

describe('Abs and Sign', () => {
  it("Abs of floats, and of int8 where -128 wraps to itself (two's complement)", () => {
    expect(values(runOp1(Abs, [feed(Tensor.float32([3], [-1.5, 0, 2]))], {}))).toEqual([1.5, 0, 2]);
    const int8 = new Tensor(DataType.INT8, [3], Int8Array.from([-128, -3, 7]));
    expect(values(runOp1(Abs, [feed(int8)], {}))).toEqual([-128, 3, 7]);
    expect(values(runOp1(Abs, [feed(Tensor.int64([2], [-5, 4]))], {}))).toEqual([5, 4]);
  });

  it('Sign gives -1/0/1, keeps NaN, and works on int64', () => {
    const y = runOp1(Sign, [feed(Tensor.float32([5], [-2.5, -0, 0, 3, Number.NaN]))], {});
    expect(values(y).slice(0, 4)).toEqual([-1, 0, 0, 1]);
    expect(Number.isNaN(values(y)[4])).toBe(true);
    expect(values(runOp1(Sign, [feed(Tensor.int64([3], [-9, 0, 9]))], {}))).toEqual([-1, 0, 1]);
  });

  it('Sign does not exist before opset 9; Abs takes only floats before opset 6', () => {
    expect(() => runRaw('Sign', 8, [Tensor.float32([1], [1])])).toThrow(/does not exist at opset 8/);
    expect(() => runRaw('Abs', 1, [Tensor.int64([1], [1])])).toThrow(/only float16, float32, float64 are allowed|only/);
  });
});

describe('Expand', () => {
  it('broadcasts [3, 1] to [2, 1, 6] (spec example: a 1 in shape keeps the input dim)', () => {
    const x = Tensor.float32([3, 1], [1, 2, 3]);
    const y = runOp1(Expand, [feed(x), constant(Tensor.int64([3], [2, 1, 6]))], {});
    expect(y.dims).toEqual([2, 3, 6]);
    expect(values(y).slice(0, 12)).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
  });

  it('keeps a larger input dim where shape asks for 1, and infers symbolic shapes', () => {
    const y = runOp1(Expand, [feed(Tensor.float32([3, 1], [1, 2, 3])), constant(Tensor.int64([2], [1, 4]))], {});
    expect(y.dims).toEqual([3, 4]);
    expect(
      inferShape(Expand, [{ dtype: DataType.FLOAT, shape: ['N', 1] }, constant(Tensor.int64([2], [1, 5]))], {}),
    ).toEqual(['N', '5']);
  });

  it('refuses shapes that do not broadcast, naming both', () => {
    expect(() => runOp1(Expand, [feed(Tensor.float32([3], [1, 2, 3])), feed(Tensor.int64([1], [4]))], {})).toThrow(
      /cannot expand: shapes \[3\] and \[4\] cannot be broadcast/,
    );
  });
});

describe('GatherND', () => {
  // Examples from the ONNX GatherND spec.
  const data2 = Tensor.int64([2, 2], [0, 1, 2, 3]);
  const data3 = Tensor.int64([2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]);

  it('example 1: full index tuples pick elements', () => {
    const y = runOp1(GatherND, [feed(data2), feed(Tensor.int64([2, 2], [0, 0, 1, 1]))], {});
    expect(y.dims).toEqual([2]);
    expect(values(y)).toEqual([0, 3]);
  });

  it('example 2: partial tuples pick rows', () => {
    const y = runOp1(GatherND, [feed(data2), feed(Tensor.int64([2, 1], [1, 0]))], {});
    expect(y.dims).toEqual([2, 2]);
    expect(values(y)).toEqual([2, 3, 0, 1]);
  });

  it('example 4: indices [2, 1, 2] into [2, 2, 2] give [2, 1, 2]', () => {
    const y = runOp1(GatherND, [feed(data3), feed(Tensor.int64([2, 1, 2], [0, 1, 1, 0]))], {});
    expect(y.dims).toEqual([2, 1, 2]);
    expect(values(y)).toEqual([2, 3, 4, 5]);
  });

  it('example 5: batch_dims = 1', () => {
    const y = runOp1(GatherND, [feed(data3), feed(Tensor.int64([2, 1], [1, 0]))], { batchDims: 1 });
    expect(y.dims).toEqual([2, 2]);
    expect(values(y)).toEqual([2, 3, 4, 5]);
  });

  it('accepts negative indices, refuses out-of-range ones and a tuple longer than rank − batch_dims', () => {
    expect(values(runOp1(GatherND, [feed(data2), feed(Tensor.int64([1, 2], [-1, -2]))], {}))).toEqual([2]);
    expect(() => runOp1(GatherND, [feed(data2), feed(Tensor.int64([1, 2], [2, 0]))], {})).toThrow(
      /index 2 .* out of range for axis 0/,
    );
    expect(() =>
      inferShape(GatherND, [feed(data3), feed(Tensor.int64([2, 3], [0, 0, 0, 0, 0, 0]))], { batchDims: 1 }),
    ).toThrow(/last dim of indices must be in 1..rank\(data\) - batch_dims = 2/);
  });

  it('infers the output shape from symbolic data and static indices: [H, W, 3] by [5, 2] gives [5, 3]', () => {
    expect(
      inferShape(
        GatherND,
        [
          { dtype: DataType.FLOAT, shape: ['H', 'W', 3] },
          { dtype: DataType.INT64, shape: [5, 2] },
        ],
        {},
      ),
    ).toEqual(['5', '3']);
  });
});
