import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { AveragePool } from '../../src/ops/average-pool.js';
import { iota, rounded, runOp1 } from './op-harness.js';

describe('AveragePool', () => {
  it('averages only real cells with count_include_pad=0', () => {
    // Row [1, 2, 3], k3 p1: windows {1,2}, {1,2,3}, {2,3}.
    const y = runOp1(AveragePool, [Tensor.float32([1, 1, 1, 3], [1, 2, 3])], {
      kernelShape: [1, 3],
      pads: [0, 1, 0, 1],
    });
    expect(rounded(y)).toEqual([1.5, 2, 2.5]);
  });

  it('counts padding cells with count_include_pad=1', () => {
    const y = runOp1(AveragePool, [Tensor.float32([1, 1, 1, 3], [1, 2, 3])], {
      kernelShape: [1, 3],
      pads: [0, 1, 0, 1],
      countIncludePad: 1,
    });
    expect(rounded(y)).toEqual([1, 2, rounded(Tensor.float32([1], [5 / 3]))[0]]);
  });

  it('does not count the ceil-mode overhang past the end padding', () => {
    // a=4, k3 s2 p0 ceil: windows [0,3) and [2,5); the second covers real cells 2,3 and one overhang cell.
    const x = Tensor.float32([1, 1, 1, 4], [1, 2, 3, 4]);
    expect(
      rounded(runOp1(AveragePool, [x], { kernelShape: [1, 3], strides: [1, 2], ceilMode: 1, countIncludePad: 1 })),
    ).toEqual([2, 3.5]);
    expect(rounded(runOp1(AveragePool, [x], { kernelShape: [1, 3], strides: [1, 2], ceilMode: 1 }))).toEqual([2, 3.5]);
  });

  const overhangTitle =
    'divides by the padded-extent taps, not the kernel size, when the last window reaches past the end padding';
  it(overhangTitle, () => {
    // a=6, k3 s2 p1 ceil: out = ceil((6+2-3)/2)+1 = 4 (the last start, 5, is inside a + pad_begin = 7).
    // Padded extent [-1, 7). Windows: [-1,2) -> (pad+0+1)/3, [1,4) -> 6/3, [3,6) -> 12/3,
    // [5,8) -> cell 5, pad 6, overhang 7 -> 5/2.
    const y = runOp1(AveragePool, [iota([1, 1, 1, 6])], {
      kernelShape: [1, 3],
      strides: [1, 2],
      pads: [0, 1, 0, 1],
      ceilMode: 1,
      countIncludePad: 1,
    });
    expect(rounded(y)).toEqual([rounded(Tensor.float32([1], [1 / 3]))[0], 2, 4, 2.5]);
  });

  it('averages dilated taps (opset 19)', () => {
    const y = runOp1(AveragePool, [Tensor.float32([1, 1, 4], [1, 10, 3, 20])], { kernelShape: [2], dilations: [2] });
    expect(rounded(y)).toEqual([2, 15]);
  });

  it('pads SAME_UPPER with the odd cell at the end', () => {
    // a=4, k2 s1: total pad 1, at the end: windows {1,2}, {2,3}, {3,4}, {4}.
    const y = runOp1(AveragePool, [Tensor.float32([1, 1, 4], [1, 2, 3, 4])], {
      kernelShape: [2],
      autoPad: 'SAME_UPPER',
    });
    expect(rounded(y)).toEqual([1.5, 2.5, 3.5, 4]);
  });

  it('keeps float16 in float16, rounding once', () => {
    const x = new Tensor(DataType.FLOAT16, [1, 1, 2], Uint16Array.from([0x3c00, 0x4000])); // 1, 2
    const y = runOp1(AveragePool, [x], { kernelShape: [2] });
    expect(y.dtype).toBe(DataType.FLOAT16);
    expect(y.toNumbers()).toEqual([1.5]);
  });

  it('refuses dilations before opset 19', () => {
    const b = new GraphBuilder({ opset: 18 });
    const x = b.input('x', DataType.FLOAT, [1, 1, 4]);
    expect(() => b.op1(AveragePool, [x], { kernelShape: [2], dilations: [2] })).toThrow(/dilations/);
  });

  it('refuses a rank-2 input, naming the shape', () => {
    const b = new GraphBuilder();
    const x = b.input('x', DataType.FLOAT, [4, 4]);
    expect(() => b.op1(AveragePool, [x], { kernelShape: [2] })).toThrow(/\[4, 4\]/);
  });
});
