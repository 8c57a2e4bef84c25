import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { DataType, halfToNumber } from '../../src/ir/dtype.js';
import { Tensor, tensorFromNumbers } from '../../src/ir/tensor.js';
import { Ceil } from '../../src/ops/ceil.js';
import { Exp } from '../../src/ops/exp.js';
import { Floor } from '../../src/ops/floor.js';
import { LeakyRelu } from '../../src/ops/leaky-relu.js';
import { Relu } from '../../src/ops/relu.js';
import { Sigmoid } from '../../src/ops/sigmoid.js';
import { feed, inferShape, runOp1, runRaw, values } from './run-op.js';

const x = Tensor.float32([4], [-1.5, -0.5, 0.5, 2]);

describe('Relu', () => {
  it('zeroes negatives of float32', () => {
    expect(values(runOp1(Relu, [feed(x)], {}))).toEqual([0, 0, 0.5, 2]);
  });

  it('handles int64 from opset 14 and refuses it at 13', () => {
    const t = Tensor.int64([3], [-5, 0, 7]);
    expect(Array.from(runOp1(Relu, [feed(t)], {}).data as BigInt64Array)).toEqual([0n, 0n, 7n]);
    expect(() => runOp1(Relu, [feed(t)], {}, { opset: 13 })).toThrow(/int64/);
  });

  it('keeps a symbolic shape', () => {
    expect(inferShape(Relu, [{ dtype: DataType.FLOAT, shape: ['N', 3] }], {})).toEqual(['N', '3']);
  });
});

describe('LeakyRelu', () => {
  it('scales negatives by alpha (default 0.01, a float32 value)', () => {
    const y = runOp1(LeakyRelu, [feed(Tensor.float32([2], [-2, 3]))], {});
    expect(values(y)).toEqual([Math.fround(Math.fround(0.01) * -2), 3]);
    expect(values(runOp1(LeakyRelu, [feed(Tensor.float32([2], [-2, 3]))], { alpha: 0.5 }))).toEqual([-1, 3]);
  });
});

describe('Sigmoid / Exp / Ceil / Floor', () => {
  it('match their definitions on hand-picked values', () => {
    expect(values(runOp1(Sigmoid, [feed(Tensor.float32([3], [0, 1000, -1000]))], {}))).toEqual([0.5, 1, 0]);
    expect(values(runOp1(Exp, [feed(Tensor.float32([2], [0, 1]))], {}))).toEqual([1, Math.fround(Math.E)]);
    expect(values(runOp1(Ceil, [feed(x)], {}))).toEqual([-1, -0, 1, 2]);
    expect(values(runOp1(Floor, [feed(x)], {}))).toEqual([-2, -1, 0, 2]);
  });

  it('compute float16 in float16 (exp(1) rounds to 2.71875)', () => {
    const y = runOp1(Exp, [feed(tensorFromNumbers(DataType.FLOAT16, [1], [1]))], {});
    expect(y.dtype).toBe(DataType.FLOAT16);
    expect(halfToNumber((y.data as Uint16Array)[0] ?? 0)).toBe(2.71875);
  });

  it('refuse integer input, naming the type', () => {
    expect(() => runOp1(Floor, [feed(Tensor.int64([1], [1]))], {})).toThrow(/Floor node .*int64/);
  });

  it('refuse bfloat16 before opset 13', () => {
    const t = tensorFromNumbers(DataType.BFLOAT16, [1], [1]);
    expect(() => runRaw('Exp', 6, [t])).toThrow(/bfloat16/);
    expect(values(runRaw('Exp', 13, [t])[0] ?? t)).toEqual([2.71875]);
  });

  it('accept the legacy consumed_inputs attribute at opset 1 only', () => {
    expect(values(runRaw('Relu', 1, [x], { consumed_inputs: Attr.ints([0]) })[0] ?? x)).toEqual([0, 0, 0.5, 2]);
    expect(() => runRaw('Relu', 6, [x], { consumed_inputs: Attr.ints([0]) })).toThrow(/consumed_inputs/);
  });
});
