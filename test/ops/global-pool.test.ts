import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { GlobalAveragePool } from '../../src/ops/global-average-pool.js';
import { GlobalMaxPool } from '../../src/ops/global-max-pool.js';
import { rounded, runOp1 } from './op-harness.js';

describe('GlobalMaxPool and GlobalAveragePool', () => {
  const x = Tensor.float32([1, 2, 2, 2], [1, 2, 3, 4, -5, -6, -7, -8]);

  it('takes the max of each plane, keeping the spatial axes as 1', () => {
    const y = runOp1(GlobalMaxPool, [x], {});
    expect(y.dims).toEqual([1, 2, 1, 1]);
    expect(y.toNumbers()).toEqual([4, -5]);
  });

  it('takes the mean of each plane', () => {
    expect(rounded(runOp1(GlobalAveragePool, [x], {}))).toEqual([2.5, -6.5]);
  });

  it('infers [N, C, 1, 1] for symbolic spatial dims', () => {
    const b = new GraphBuilder();
    const input = b.input('x', DataType.FLOAT, ['N', 3, 'H', 'W']);
    expect(b.op1(GlobalAveragePool, [input], {}).type?.shape?.map(String)).toEqual(['N', '3', '1', '1']);
  });

  it('refuses a rank-2 input', () => {
    const b = new GraphBuilder();
    const input = b.input('x', DataType.FLOAT, [2, 3]);
    expect(() => b.op1(GlobalMaxPool, [input], {})).toThrow(/rank >= 3/);
  });
});
