/**
 * The small utilities of batch A — Sum, Mean, CastLike, Dropout, Size, ConstantOfShape — on hand-derived cases the
 * conformance data does not cover: broadcasting, float16 accumulation, empty and scalar shapes, symbolic shapes
 * computed from `Shape`, version-dependent types and outputs, and the errors (Dropout's training mode, bad fill
 * values, negative dims).
 */
import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { GraphBuilder } from '../../src/graph/builder.js';
import { SymDim } from '../../src/ir/dim.js';
import { DataType } from '../../src/ir/dtype.js';
import { UnsupportedError } from '../../src/ir/errors.js';
import { LimitError } from '../../src/ir/limits.js';
import { Tensor, tensorFromNumbers } from '../../src/ir/tensor.js';
import { CastLike } from '../../src/ops/cast-like.js';
import { ConstantOfShape } from '../../src/ops/constant-of-shape.js';
import { Dropout } from '../../src/ops/dropout.js';
import { Mean } from '../../src/ops/mean.js';
import { Size } from '../../src/ops/size.js';
import { Sum } from '../../src/ops/sum.js';
import { inferGraphShapes } from '../../src/transform/passes/infer-shapes.js';
import { constant, feed, inferRaw, inferShape, runOp, runOp1, runRaw, values } from './run-op.js';

const f32 = (dims: readonly number[], v: readonly number[]): Tensor => Tensor.float32(dims, v);
const half = (v: readonly number[]): Tensor => tensorFromNumbers(DataType.FLOAT16, [v.length], v);

describe('Sum / Mean', () => {
  it('broadcast all inputs: [2, 1] + [3] + [] gives [2, 3]', () => {
    const inputs = [feed(f32([2, 1], [1, 2])), feed(f32([3], [10, 20, 30])), feed(f32([], [100]))];
    const sum = runOp1(Sum, inputs, {});
    expect(sum.dims).toEqual([2, 3]);
    expect(values(sum)).toEqual([111, 121, 131, 112, 122, 132]);
    expect(values(runOp1(Mean, inputs, {}))).toEqual([37, 121 / 3, 131 / 3, 112 / 3, 122 / 3, 44].map(Math.fround));
  });

  it('accumulate float16 in float64 and round once: 65504 + 65504 - 65504 is 65504, not inf', () => {
    const inputs = [feed(half([65504])), feed(half([65504])), feed(half([-65504]))];
    expect(values(runOp1(Sum, inputs, {}))).toEqual([65504]);
    expect(values(runOp1(Mean, inputs.slice(0, 2), {}))).toEqual([65504]);
  });

  it('need equal shapes before opset 8, naming every shape', () => {
    expect(() => runRaw('Sum', 6, [f32([2], [1, 2]), f32([1], [1])])).toThrow(
      /Sum node .*before opset 8 all inputs must have the same shape, got \[2\], \[1\]/,
    );
    expect(values(runRaw('Mean', 6, [f32([2], [1, 2]), f32([2], [3, 6])])[0] ?? f32([], [0]))).toEqual([2, 4]);
  });

  it('keep symbolic dims and refuse integers', () => {
    const shape = inferShape(
      Sum,
      [
        { dtype: DataType.FLOAT, shape: ['N', 3] },
        { dtype: DataType.FLOAT, shape: [1, 3] },
      ],
      {},
    );
    expect(shape).toEqual(['N', '3']);
    expect(() => runOp1(Sum, [feed(Tensor.int64([1], [1]))], {})).toThrow(/Sum node .*int64/);
  });
});

describe('CastLike', () => {
  it("casts to the second input's type (its values unread), with Cast's rules", () => {
    const like = new Tensor(DataType.INT32, [0], new Int32Array(0));
    const y = runOp1(CastLike, [feed(f32([3], [1.7, -1.7, 300])), constant(like)], {});
    expect(y.dtype).toBe(DataType.INT32);
    expect(values(y)).toEqual([1, -1, 300]);
    const toBool = runOp1(
      CastLike,
      [feed(f32([3], [0, -2, NaN])), constant(new Tensor(DataType.BOOL, [], Uint8Array.from([1])))],
      {},
    );
    expect(Array.from(toBool.data as Uint8Array)).toEqual([0, 1, 1]);
  });

  it("infers the target's type with the input's (symbolic) shape, and refuses strings", () => {
    const [type] = inferRaw('CastLike', 19, [
      { dtype: DataType.FLOAT, shape: [SymDim.named('N'), 2] },
      { dtype: DataType.FLOAT16, shape: [7] },
    ]);
    expect(type?.dtype).toBe(DataType.FLOAT16);
    expect(type?.shape?.map(String)).toEqual(['N', '2']);
    const strings = new Tensor(DataType.STRING, [1], ['x']);
    expect(() => runRaw('CastLike', 19, [f32([1], [1]), strings])).toThrow(/string casts are not implemented/);
  });
});

describe('Dropout', () => {
  const x = f32([2, 2], [1, -2, 3, -4]);

  it('is the identity in inference mode, with an all-true bool mask', () => {
    const [y, mask] = runOp(Dropout, [feed(x)], {}, { outputCount: 2 });
    expect(values(y ?? x)).toEqual([1, -2, 3, -4]);
    expect(mask?.dtype).toBe(DataType.BOOL);
    expect(Array.from(mask?.data as Uint8Array)).toEqual([1, 1, 1, 1]);
  });

  it('ignores ratio when not training, and is still the identity when training with ratio 0', () => {
    const no = new Tensor(DataType.BOOL, [], Uint8Array.from([0]));
    const yes = new Tensor(DataType.BOOL, [], Uint8Array.from([1]));
    expect(values(runOp1(Dropout, [feed(x), constant(f32([], [0.9])), constant(no)], {}))).toEqual([1, -2, 3, -4]);
    expect(values(runOp1(Dropout, [feed(x), constant(f32([], [0])), constant(yes)], {}))).toEqual([1, -2, 3, -4]);
  });

  it('refuses training mode with a non-zero ratio as unsupported, naming the node and the ratio', () => {
    const yes = new Tensor(DataType.BOOL, [], Uint8Array.from([1]));
    const run = (): Tensor => runOp1(Dropout, [feed(x), null, constant(yes)], {});
    expect(run).toThrow(UnsupportedError);
    expect(run).toThrow(/Dropout node 'Dropout': training_mode = true .* ratio 0.5/);
  });

  it('reads is_test before opset 7 (default 0: training) and gives a mask of ones of data type before 10', () => {
    expect(() => runRaw('Dropout', 6, [x])).toThrow(/is_test = 0 asks for training-mode dropout/);
    expect(values(runRaw('Dropout', 6, [x], { is_test: Attr.int(1) })[0] ?? x)).toEqual([1, -2, 3, -4]);
    const [, mask] = runRaw('Dropout', 9, [x], { ratio: Attr.float(0.3) }, 2);
    expect(mask?.dtype).toBe(DataType.FLOAT);
    expect(values(mask ?? x)).toEqual([1, 1, 1, 1]);
    expect(inferRaw('Dropout', 9, [{ dtype: DataType.FLOAT, shape: [2, 2] }], {}, [], 2)[1]?.dtype).toBe(
      DataType.FLOAT,
    );
  });
});

describe('Size', () => {
  it('counts elements into an int64 scalar, for any element type and for empty and scalar inputs', () => {
    const count = (t: Tensor): bigint[] => Array.from(runOp1(Size, [feed(t)], {}).data as BigInt64Array);
    expect(count(Tensor.zeros(DataType.FLOAT, [2, 3, 4]))).toEqual([24n]);
    expect(count(Tensor.zeros(DataType.INT8, [0, 5]))).toEqual([0n]);
    expect(count(f32([], [1]))).toEqual([1n]);
    expect(count(new Tensor(DataType.STRING, [2], ['a', 'b']))).toEqual([2n]);
    const y = runOp1(Size, [feed(Tensor.zeros(DataType.BOOL, [3]))], {});
    expect(y.dtype).toBe(DataType.INT64);
    expect(y.dims).toEqual([]);
  });
});

describe('ConstantOfShape', () => {
  it('fills a float32 zero by default, or the single element of value, raw bits included', () => {
    const y = runOp1(ConstantOfShape, [feed(Tensor.int64([2], [2, 3]))], {});
    expect(y.dtype).toBe(DataType.FLOAT);
    expect(values(y)).toEqual([0, 0, 0, 0, 0, 0]);
    const ones = runOp1(ConstantOfShape, [feed(Tensor.int64([1], [3]))], { value: Tensor.int64([1], [-7]) });
    expect(Array.from(ones.data as BigInt64Array)).toEqual([-7n, -7n, -7n]);
    const h = runOp1(ConstantOfShape, [feed(Tensor.int64([0], []))], { value: half([0.1]) });
    expect(h.dims).toEqual([]);
    expect(h.data).toEqual(half([0.1]).data);
  });

  it('keeps the symbolic shape computed by Shape: [N, 3, H, W] (graph shape inference)', () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, ['N', 3, 'H', 'W']);
    const y = b.constantOfShape(b.shape(x), { value: Tensor.int64([1], [1]) });
    expect(y.type?.dtype).toBe(DataType.INT64);
    expect(y.type?.shape?.length).toBe(4); // the builder alone knows the rank
    inferGraphShapes(b.build().graph, 17);
    expect(y.type?.shape?.map(String)).toEqual(['N', '3', 'H', 'W']);
    const [unknown] = inferRaw('ConstantOfShape', 17, [{ dtype: DataType.INT64, shape: [2] }]);
    expect(unknown?.shape?.length).toBe(2);
  });

  it('refuses negative dims, a value of more than one element, and bfloat16 before opset 20', () => {
    expect(() => runOp1(ConstantOfShape, [feed(Tensor.int64([2], [2, -1]))], {})).toThrow(
      /ConstantOfShape node .*shape \[2, -1\] has a negative dim/,
    );
    expect(() => runOp1(ConstantOfShape, [feed(Tensor.int64([1], [2]))], { value: f32([2], [1, 2]) })).toThrow(
      /attribute 'value' must hold exactly one element, got float32\[2\]/,
    );
    const bf = { value: Attr.tensor(tensorFromNumbers(DataType.BFLOAT16, [1], [1])) };
    const shape = Tensor.int64([1], [2]);
    expect(() => runRaw('ConstantOfShape', 19, [shape], bf)).toThrow(/value' has type bfloat16/);
    expect(values(runRaw('ConstantOfShape', 20, [shape], bf)[0] ?? shape)).toEqual([1, 1]);
  });

  it('refuses, past the resource limits, an output too large for the reference kernel (a valid 1e6 × 1e6 fill)', () => {
    const run = (): Tensor => runOp1(ConstantOfShape, [feed(Tensor.int64([2], [1e6, 1e6]))], {});
    expect(run).toThrow(LimitError);
    expect(run).toThrow(
      /ConstantOfShape node .*\[1000000, 1000000\].*1000000000000 elements.*maxTensorElements=268435456/,
    );
    // An empty fill is valid ONNX; the limits count a zero dim as one (src/ir/limits.ts `shapeExtent`: per-axis
    // tables are not free), so [0, 1e6] runs and [0, 1e12] is refused.
    expect(runOp1(ConstantOfShape, [feed(Tensor.int64([2], [0, 1e6]))], {}).dims).toEqual([0, 1e6]);
    expect(() => runOp1(ConstantOfShape, [feed(Tensor.int64([2], [0, 1e12]))], {})).toThrow(/maxTensorElements/);
  });
});
