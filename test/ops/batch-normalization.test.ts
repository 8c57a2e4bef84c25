import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { UnsupportedError } from '../../src/ir/errors.js';
import { Tensor } from '../../src/ir/tensor.js';
import { BatchNormalization } from '../../src/ops/batch-normalization.js';
import { rounded, runOp1 } from './op-harness.js';

describe('BatchNormalization', () => {
  const stats = [
    Tensor.float32([2], [2, 1]),
    Tensor.float32([2], [1, 0]),
    Tensor.float32([2], [1, -1]),
    Tensor.float32([2], [4, 1]),
  ];

  it('normalises each channel with the running statistics', () => {
    // Channel 0: (x - 1)/sqrt(4) * 2 + 1 = x; channel 1: (x + 1)/1 * 1 + 0 = x + 1 (epsilon 0).
    const x = Tensor.float32([1, 2, 2], [5, 7, 2, 3]);
    const y = runOp1(BatchNormalization, [x, ...stats], { epsilon: 0 }, { opset: 15 });
    expect(rounded(y)).toEqual([5, 7, 3, 4]);
  });

  it('adds epsilon to the variance', () => {
    const x = Tensor.float32([1, 1], [3]);
    const y = runOp1(
      BatchNormalization,
      [x, Tensor.float32([1], [1]), Tensor.float32([1], [0]), Tensor.float32([1], [0]), Tensor.float32([1], [3])],
      { epsilon: 1 },
      { opset: 15 },
    );
    expect(rounded(y)).toEqual([1.5]);
  });

  it('refuses training mode with an UnsupportedError', () => {
    const b = new GraphBuilder({ opset: 15 });
    const x = b.input('x', DataType.FLOAT, [1, 2, 2]);
    const inputs = stats.map((t, i) => b.constant(`s${i}`, t));
    expect(() => b.op1(BatchNormalization, [x, ...inputs], { trainingMode: 1 })).toThrow(UnsupportedError);
  });

  it('refuses statistics of the wrong length, naming both shapes', () => {
    const b = new GraphBuilder({ opset: 15 });
    const x = b.input('x', DataType.FLOAT, [1, 3, 2]);
    const inputs = stats.map((t, i) => b.constant(`s${i}`, t));
    expect(() => b.op1(BatchNormalization, [x, ...inputs], {})).toThrow(/\[C\] = \[3\].*\[1, 3, 2\].*got \[2\]/);
  });
});
