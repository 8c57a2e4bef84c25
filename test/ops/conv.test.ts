import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Conv } from '../../src/ops/conv.js';
import { iota, rounded, runOp1 } from './op-harness.js';

const ones = (dims: readonly number[]): Tensor =>
  Tensor.float32(dims, new Array<number>(dims.reduce((a, b) => a * b, 1)).fill(1));

describe('Conv', () => {
  it('sums 3x3 neighbourhoods with zero padding', () => {
    const y = runOp1(Conv, [iota([1, 1, 3, 3]), ones([1, 1, 3, 3])], { pads: [1, 1, 1, 1] });
    expect(y.dims).toEqual([1, 1, 3, 3]);
    expect(y.toNumbers()).toEqual([8, 15, 12, 21, 36, 27, 20, 33, 24]);
  });

  it('mixes channels in a 1x1 convolution and adds the bias', () => {
    const x = Tensor.float32([1, 2, 1, 2], [1, 2, 3, 4]);
    const w = Tensor.float32([2, 2, 1, 1], [1, 1, 2, -1]);
    const y = runOp1(Conv, [x, w, Tensor.float32([2], [10, 0])], {});
    expect(y.toNumbers()).toEqual([14, 16, -1, 0]);
  });

  it('convolves each group with its own filters (depthwise)', () => {
    const x = Tensor.float32([1, 2, 1, 3], [1, 2, 3, 4, 5, 6]);
    const w = Tensor.float32([2, 1, 1, 2], [1, 1, 1, -1]);
    expect(runOp1(Conv, [x, w], { group: 2 }).toNumbers()).toEqual([3, 5, -1, -1]);
  });

  it('handles 1-D input with stride and dilation', () => {
    // Span 3, stride 2: windows at 0 and 2 read x0 + x2 and x2 + x4.
    const y = runOp1(Conv, [Tensor.float32([1, 1, 5], [1, 2, 3, 4, 5]), ones([1, 1, 2])], {
      strides: [2],
      dilations: [2],
    });
    expect(y.toNumbers()).toEqual([4, 8]);
  });

  it('handles 3-D input', () => {
    const y = runOp1(Conv, [ones([1, 1, 2, 2, 2]), ones([1, 1, 2, 2, 2])], {});
    expect(y.dims).toEqual([1, 1, 1, 1, 1]);
    expect(y.toNumbers()).toEqual([8]);
  });

  it('pads SAME_LOWER with the odd cell at the beginning', () => {
    // a=4, k2 s1: one pad cell, before: outputs x0, x0+x1, x1+x2, x2+x3.
    const y = runOp1(Conv, [Tensor.float32([1, 1, 4], [1, 2, 3, 4]), ones([1, 1, 2])], { autoPad: 'SAME_LOWER' });
    expect(y.toNumbers()).toEqual([1, 3, 5, 7]);
  });

  it('computes float64 without rounding to float32', () => {
    const x = new Tensor(DataType.DOUBLE, [1, 1, 1, 1], Float64Array.from([0.1]));
    const w = new Tensor(DataType.DOUBLE, [1, 1, 1, 1], Float64Array.from([3]));
    const y = runOp1(Conv, [x, w], {});
    expect(y.dtype).toBe(DataType.DOUBLE);
    expect(rounded(y)).toEqual([0.3]);
  });

  it('names both shapes and the group when the channels do not match', () => {
    const b = new GraphBuilder();
    const x = b.input('x', DataType.FLOAT, [1, 3, 4, 4]);
    const w = b.constant('w', ones([2, 2, 1, 1]));
    expect(() => b.op1(Conv, [x, w], {})).toThrow(/X\.shape=\[1, 3, 4, 4\], W\.shape=\[2, 2, 1, 1\], group=1/);
  });

  it('refuses a kernel_shape that disagrees with W', () => {
    const b = new GraphBuilder();
    const x = b.input('x', DataType.FLOAT, [1, 1, 4, 4]);
    const w = b.constant('w', ones([1, 1, 3, 3]));
    expect(() => b.op1(Conv, [x, w], { kernelShape: [2, 2] })).toThrow(/kernel_shape \[2,2\]/);
  });

  it('keeps symbolic H and W through a same-padded 3x3 convolution', () => {
    const b = new GraphBuilder();
    const x = b.input('x', DataType.FLOAT, ['N', 3, 'H', 'W']);
    const w = b.constant('w', ones([8, 3, 3, 3]));
    expect(b.op1(Conv, [x, w], { pads: [1, 1, 1, 1] }).type?.shape?.map(String)).toEqual(['N', '8', 'H', 'W']);
  });
});
