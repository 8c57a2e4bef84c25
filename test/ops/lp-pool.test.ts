import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/ir/tensor.js';
import { GlobalLpPool } from '../../src/ops/global-lp-pool.js';
import { LpPool } from '../../src/ops/lp-pool.js';
import { rounded, runOp1 } from './op-harness.js';

describe('LpPool and GlobalLpPool', () => {
  it('takes the p-norm of each window (3-4-5 triangle)', () => {
    expect(rounded(runOp1(LpPool, [Tensor.float32([1, 1, 2], [3, -4])], { kernelShape: [2] }))).toEqual([5]);
  });

  it('supports p=1 and padding that adds nothing', () => {
    const y = runOp1(LpPool, [Tensor.float32([1, 1, 2], [-1, 2])], { kernelShape: [2], pads: [1, 1], p: 1 });
    expect(rounded(y)).toEqual([1, 3, 2]);
  });

  it('reduces every spatial position globally', () => {
    const y = runOp1(GlobalLpPool, [Tensor.float32([1, 2, 1, 2], [3, 4, 6, 8])], {});
    expect(y.dims).toEqual([1, 2, 1, 1]);
    expect(rounded(y)).toEqual([5, 10]);
  });
});
