import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { MatMul } from '../../src/ops/mat-mul.js';
import { iota, runOp1 } from './op-harness.js';

describe('MatMul', () => {
  it('gives a scalar for two vectors', () => {
    const y = runOp1(MatMul, [Tensor.float32([3], [1, 2, 3]), Tensor.float32([3], [4, 5, 6])], {});
    expect(y.dims).toEqual([]);
    expect(y.toNumbers()).toEqual([32]);
  });

  it('treats a 1-D right operand as a column and drops it', () => {
    const y = runOp1(MatMul, [iota([2, 3]), Tensor.float32([3], [1, 1, 1])], {});
    expect(y.dims).toEqual([2]);
    expect(y.toNumbers()).toEqual([3, 12]);
  });

  it('broadcasts batch dims', () => {
    // [2, 1, 2] · [2, 1]: each batch row times the column [1, 2].
    const y = runOp1(MatMul, [iota([2, 1, 2]), Tensor.float32([2, 1], [1, 2])], {});
    expect(y.dims).toEqual([2, 1, 1]);
    expect(y.toNumbers()).toEqual([2, 8]);
  });

  it('infers symbolic batch dims and refuses mismatched inner dims', () => {
    const b = new GraphBuilder();
    const x = b.input('x', DataType.FLOAT, ['N', 'T', 4]);
    expect(b.op1(MatMul, [x, b.constant('w', iota([4, 5]))], {}).type?.shape?.map(String)).toEqual(['N', 'T', '5']);
    expect(() => b.op1(MatMul, [x, b.constant('v', iota([3, 5]))], {})).toThrow(/4 vs 3/);
  });
});
