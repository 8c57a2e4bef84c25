/**
 * The generic type check: each input's element type must be admitted by its type variable at the model's opset
 * (type lists and cut-overs from the ONNX operator docs), and inputs naming one variable must agree.
 */
import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/ir/dtype.js';
import { OpError, UnsupportedError } from '../../src/ir/errors.js';
import { Tensor } from '../../src/ir/tensor.js';
import type { TensorType } from '../../src/ir/value.js';
import { ops } from '../../src/ops/core/registry.js';
import { typesAt } from '../../src/ops/core/types.js';
import { inferRaw, runRaw } from './run-op.js';

const t = (dtype: DataType, shape: number[] = [1, 1, 4, 4]): TensorType => ({ dtype, shape });

describe('generic input type check', () => {
  it('admits MaxPool int8 from opset 12 only, naming node, input, type, variable and the allowed types', () => {
    const kernel = { kernel_shape: { kind: 'ints', value: [2n, 2n] } } as const;
    let error: unknown;
    try {
      inferRaw('MaxPool', 11, [t(DataType.INT8)], kernel);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OpError);
    expect(error instanceof OpError && error.code).toBe('E_TYPE');
    const message = String(error);
    expect(message).toMatch(
      /MaxPool node 'n': X \(input 0\) has type int8, but only float32, float64, float16 are allowed/,
    );
    expect(message).toMatch(/for type variable T at opset 11; MaxPool accepts int8 from opset 12/);
    expect(inferRaw('MaxPool', 12, [t(DataType.INT8)], kernel)[0]?.dtype).toBe(DataType.INT8);
  });

  it('takes the Add integer cut-overs from the spec: int32 from 7, int8 from 14', () => {
    const pair = (dtype: DataType): TensorType[] => [t(dtype, [2]), t(dtype, [2])];
    expect(() => inferRaw('Add', 6, pair(DataType.INT32))).toThrow(/A \(input 0\) has type int32.*opset 6/);
    expect(inferRaw('Add', 7, pair(DataType.INT32))[0]?.dtype).toBe(DataType.INT32);
    expect(() => inferRaw('Add', 13, pair(DataType.INT8))).toThrow(/Add accepts int8 from opset 14/);
    expect(inferRaw('Add', 14, pair(DataType.INT8))[0]?.dtype).toBe(DataType.INT8);
  });

  it('requires the inputs of one variable to share a type, naming both inputs', () => {
    const w = { dtype: DataType.DOUBLE, shape: [1, 1, 1, 1] };
    const conv = (): unknown => inferRaw('Conv', 17, [t(DataType.FLOAT), w]);
    expect(conv).toThrow(/X and W must have the same type \(type variable T takes one type\), got float32 and float64/);
    expect(conv).toThrow(/input 0 is float32 and input 1 is float64/);
  });

  it('checks fixed-type inputs through their own variable (int64 axes)', () => {
    const data = { dtype: DataType.FLOAT, shape: [2, 3] };
    expect(() => inferRaw('ReduceSum', 13, [data, { dtype: DataType.INT32, shape: [1] }])).toThrow(
      /axes must be int64, got int32 \(input 1, type variable I at opset 13\)/,
    );
  });

  it('binds BatchNormalization scale to X before opset 15 and lets it differ from 15 on', () => {
    const x = t(DataType.FLOAT, [1, 2, 2]);
    const channel = { dtype: DataType.FLOAT, shape: [2] };
    const scale = { dtype: DataType.DOUBLE, shape: [2] };
    const inputs = [x, scale, scale, channel, channel];
    expect(() => inferRaw('BatchNormalization', 14, inputs)).toThrow(/type variable T takes one type/);
    expect(inferRaw('BatchNormalization', 15, inputs)[0]?.dtype).toBe(DataType.FLOAT);
  });

  it('refuses a type ONNX allows but the kernel does not compute as unsupported (a golden skip)', () => {
    const a = Tensor.int64([1, 1], [2]);
    expect(() => runRaw('MatMul', 13, [a, a])).toThrow(UnsupportedError);
    expect(() => runRaw('MatMul', 13, [a, a])).toThrow(/A \(input 0\) has type int64, which ONNX allows/);
  });

  it('lists the types admitted at an opset in declaration order', () => {
    expect(typesAt(ops.Relu.types.T ?? { types: [] }, 13)).toEqual([
      DataType.FLOAT,
      DataType.DOUBLE,
      DataType.FLOAT16,
      DataType.BFLOAT16,
    ]);
  });
});
