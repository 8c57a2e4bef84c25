import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Gemm } from '../../src/ops/gemm.js';
import { rounded, runOp1 } from './op-harness.js';

describe('Gemm', () => {
  // A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]]: A·B = [[19, 22], [43, 50]], Aᵀ·B = [[26, 30], [38, 44]].
  const a = Tensor.float32([2, 2], [1, 2, 3, 4]);
  const b = Tensor.float32([2, 2], [5, 6, 7, 8]);

  it('multiplies and adds a broadcast row bias', () => {
    expect(runOp1(Gemm, [a, b, Tensor.float32([2], [1, -1])], {}, { opset: 13 }).toNumbers()).toEqual([20, 21, 44, 49]);
  });

  it('transposes A and scales by alpha and beta', () => {
    const y = runOp1(Gemm, [a, b, Tensor.float32([], [10])], { transA: 1, alpha: 0.5, beta: 2 }, { opset: 13 });
    expect(rounded(y)).toEqual([33, 35, 39, 42]);
  });

  it('transposes B and handles non-square shapes (2x3 · (2x3)ᵀ)', () => {
    const left = Tensor.float32([2, 3], [1, 0, 2, 0, 1, 0]);
    const right = Tensor.float32([2, 3], [1, 1, 1, 2, 3, 4]);
    const y = runOp1(Gemm, [left, right], { transB: 1 }, { opset: 13 });
    expect(y.dims).toEqual([2, 2]);
    expect(y.toNumbers()).toEqual([3, 10, 1, 3]);
  });

  it('refuses mismatched inner dimensions, naming both shapes', () => {
    const builder = new GraphBuilder({ opset: 13 });
    const x = builder.input('x', DataType.FLOAT, [2, 3]);
    expect(() => builder.op1(Gemm, [x, builder.constant('b', b)], {})).toThrow(
      /3 vs 2.*A\.shape=\[2, 3\], B\.shape=\[2, 2\]/,
    );
  });
});
