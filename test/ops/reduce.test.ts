import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { ReduceMax } from '../../src/ops/reduce-max.js';
import { ReduceMean } from '../../src/ops/reduce-mean.js';
import { ReduceSum } from '../../src/ops/reduce-sum.js';
import { iota, rounded, runOp1 } from './op-harness.js';

// iota([2, 3]) = [[0, 1, 2], [3, 4, 5]]
const x = iota([2, 3]);
const axes = (...values: number[]): Tensor => Tensor.int64([values.length], values);

describe('ReduceMax, ReduceMean, ReduceSum', () => {
  it('reduce over the axes attribute before the axes input existed', () => {
    expect(runOp1(ReduceMax, [x], { axes: [1] }, { opset: 13 }).toNumbers()).toEqual([2, 5]);
    expect(runOp1(ReduceMean, [x], { axes: [0], keepdims: 0 }, { opset: 17 }).toNumbers()).toEqual([1.5, 2.5, 3.5]);
  });

  it('reduce over the axes input from opset 18 (13 for ReduceSum), keeping dims by default', () => {
    const y = runOp1(ReduceMean, [x, axes(1)], {}, { opset: 18 });
    expect(y.dims).toEqual([2, 1]);
    expect(rounded(y)).toEqual([1, 4]);
    expect(runOp1(ReduceSum, [x, axes(-1)], { keepdims: 0 }, { opset: 13 }).toNumbers()).toEqual([3, 12]);
  });

  it('reduce every axis when no axes are given', () => {
    const y = runOp1(ReduceSum, [x], {}, { opset: 13 });
    expect(y.dims).toEqual([1, 1]);
    expect(y.toNumbers()).toEqual([15]);
  });

  it('are an identity with noop_with_empty_axes=1 and no axes', () => {
    const y = runOp1(ReduceMax, [x, axes()], { noopWithEmptyAxes: 1 }, { opset: 18 });
    expect(y.dims).toEqual([2, 3]);
    expect(y.toNumbers()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('give the reduction identity over an empty set (-inf for max, 0 for sum)', () => {
    const empty = Tensor.zeros(DataType.FLOAT, [2, 0]);
    expect(runOp1(ReduceMax, [empty, axes(1)], {}, { opset: 18 }).toNumbers()).toEqual([-Infinity, -Infinity]);
    expect(runOp1(ReduceSum, [empty, axes(1)], {}, { opset: 13 }).toNumbers()).toEqual([0, 0]);
  });

  it('reduce bool with ReduceMax from opset 20', () => {
    const flags = new Tensor(DataType.BOOL, [2, 2], Uint8Array.from([0, 1, 0, 0]));
    expect(runOp1(ReduceMax, [flags, axes(1)], {}, { opset: 20 }).toNumbers()).toEqual([1, 0]);
  });

  it('refuse an axis out of range and a repeated axis, naming the shape', () => {
    const b = new GraphBuilder({ opset: 13 });
    const input = b.input('x', DataType.FLOAT, [2, 3]);
    expect(() => b.op1(ReduceMax, [input], { axes: [2] })).toThrow(/axis 2 is out of range for rank 2.*\[2, 3\]/);
    expect(() => b.op1(ReduceMax, [input], { axes: [1, -1] })).toThrow(/axis 1 twice/);
  });

  it('keep symbolic dims that are not reduced', () => {
    const b = new GraphBuilder({ opset: 18 });
    const input = b.input('x', DataType.FLOAT, ['N', 8, 'H', 'W']);
    const y = b.op1(ReduceMean, [input, b.constant('axes', axes(2, 3))], { keepdims: 0 });
    expect(y.type?.shape?.map(String)).toEqual(['N', '8']);
  });
});
