/**
 * InstanceNormalization, LayerNormalization, GroupNormalization (per-group at 18, per-channel at 21) and LRN:
 * hand-derived statistics, broadcasting of the affine inputs, the optional statistics outputs and their stash
 * type, symbolic shape inference and the errors.
 */
import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { GroupNormalization } from '../../src/ops/group-normalization.js';
import { InstanceNormalization } from '../../src/ops/instance-normalization.js';
import { LayerNormalization } from '../../src/ops/layer-normalization.js';
import { LRN } from '../../src/ops/lrn.js';
import { constant, feed, inferOp, inferShape, runOp, runOp1, runRaw, values } from './run-op.js';

const close = (got: readonly number[], want: readonly number[]): void => {
  expect(got).toHaveLength(want.length);
  // float32 results: within a few ulps of the exact value.
  got.forEach((v, i) => expect(Math.abs(v - (want[i] ?? NaN))).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(v))));
};

describe('InstanceNormalization', () => {
  it('standardises each (n, c) plane, then scales and shifts per channel', () => {
    // Channel 0: [0, 2] -> mean 1, var 1 -> [-1, 1] -> * 2 + 0.5.
    const x = Tensor.float32([1, 2, 1, 2], [0, 2, 1, 5]);
    const y = runOp1(
      InstanceNormalization,
      [feed(x), constant(Tensor.float32([2], [2, 1])), constant(Tensor.float32([2], [0.5, 0]))],
      { epsilon: 0 },
    );
    // Channel 1: [1, 5] -> mean 3, var 4 -> [-1, 1].
    expect(values(y)).toEqual([-1.5, 2.5, -1, 1]);
  });

  it('adds epsilon (a float32 attribute) to the variance', () => {
    const x = Tensor.float32([1, 1, 2], [0, 2]);
    const y = runOp1(
      InstanceNormalization,
      [feed(x), constant(Tensor.float32([1], [1])), constant(Tensor.float32([1], [0]))],
      {
        epsilon: 3,
      },
    );
    // (x - 1) / sqrt(1 + 3) = -0.5, 0.5
    expect(values(y)).toEqual([-0.5, 0.5]);
  });

  it('keeps symbolic dims and refuses a scale that is not [C]', () => {
    const c = (n: number): Tensor => Tensor.float32([n], new Array<number>(n).fill(1));
    const x = { dtype: DataType.FLOAT, shape: ['N', 3, 'H', 'W'] };
    expect(inferShape(InstanceNormalization, [x, constant(c(3)), constant(c(3))], {})).toEqual(['N', '3', 'H', 'W']);
    expect(() => inferShape(InstanceNormalization, [x, constant(c(2)), constant(c(3))], {})).toThrow(
      /InstanceNormalization node .*scale must have shape \[C\] = \[3\] for input \[N, 3, H, W\], got \[2\]/,
    );
  });
});

describe('LayerNormalization', () => {
  const x = Tensor.float32([2, 2], [1, 3, 2, 6]);

  it('normalises the trailing axes and returns Mean and InvStdDev of shape X.shape[:axis] + 1s', () => {
    // Row 0: mean 2, var 1; row 1: mean 4, var 4.
    const [y, mean, inv] = runOp(
      LayerNormalization,
      [feed(x), constant(Tensor.float32([1], [1]))],
      { epsilon: 0 },
      {
        outputCount: 3,
      },
    );
    expect(values(y ?? x)).toEqual([-1, 1, -1, 1]);
    expect(mean?.dims).toEqual([2, 1]);
    expect(values(mean ?? x)).toEqual([2, 4]);
    expect(values(inv ?? x)).toEqual([1, 0.5]);
  });

  it('takes a negative axis, and Scale and B broadcast to X', () => {
    // axis -2 = 0: all four values, mean 3, var (4 + 0 + 1 + 9) / 4 = 3.5.
    const scale = Tensor.float32([2], [1, 10]);
    const bias = Tensor.float32([1, 2], [0, 100]);
    const y = runOp1(LayerNormalization, [feed(x), constant(scale), constant(bias)], { axis: -2, epsilon: 0 });
    const s = Math.sqrt(3.5);
    close(values(y), [-2 / s, 100, (-1 / s) * 1, (3 / s) * 10 + 100]);
  });

  it('gives the statistics the stash type (bfloat16) and refuses other stash types', () => {
    const types = inferOp(
      LayerNormalization,
      [
        { dtype: DataType.FLOAT16, shape: ['N', 'T', 8] },
        { dtype: DataType.FLOAT16, shape: [8] },
      ],
      { stashType: DataType.BFLOAT16 },
      { outputCount: 3 },
    );
    expect(types.map((t) => t?.dtype)).toEqual([DataType.FLOAT16, DataType.BFLOAT16, DataType.BFLOAT16]);
    expect(types[1]?.shape?.map(String)).toEqual(['N', 'T', '1']);
    expect(() =>
      runOp1(LayerNormalization, [feed(x), constant(Tensor.float32([2], [1, 1]))], { stashType: 11 }),
    ).toThrow(/stash_type 11 is not allowed; it must be one of 1 \(float32\), 16 \(bfloat16\)/);
  });

  it('refuses an axis out of range and a Scale that does not broadcast', () => {
    expect(() => runOp1(LayerNormalization, [feed(x), constant(Tensor.float32([1], [1]))], { axis: 2 })).toThrow(
      /axis 2 is out of range for rank 2/,
    );
    expect(() => runOp1(LayerNormalization, [feed(x), constant(Tensor.float32([3], [1, 1, 1]))], {})).toThrow(
      /Scale \[3\] does not broadcast to X \[2, 2\]/,
    );
  });
});

describe('GroupNormalization', () => {
  // Two groups of two channels, one element each: group 0 = [0, 2], group 1 = [3, 5]; both standardise to [-1, 1].
  const x = Tensor.float32([1, 4, 1, 1], [0, 2, 3, 5]);

  it('opset 18 scales and shifts per group', () => {
    const y = runOp1(
      GroupNormalization,
      [feed(x), constant(Tensor.float32([2], [2, 3])), constant(Tensor.float32([2], [10, 20]))],
      { numGroups: 2, epsilon: 0 },
      { opset: 18 },
    );
    expect(values(y)).toEqual([8, 12, 17, 23]);
  });

  it('opset 21 scales and shifts per channel', () => {
    const y = runOp1(
      GroupNormalization,
      [feed(x), constant(Tensor.float32([4], [1, 2, 3, 4])), constant(Tensor.float32([4], [0, 0, 0, 1]))],
      { numGroups: 2, epsilon: 0 },
      { opset: 21 },
    );
    expect(values(y)).toEqual([-1, 2, -3, 5]);
  });

  it('refuses per-channel affine inputs at 18, channels not divisible by num_groups, and stash_type before 21', () => {
    const four = constant(Tensor.float32([4], [1, 1, 1, 1]));
    expect(() => runOp1(GroupNormalization, [feed(x), four, four], { numGroups: 2 }, { opset: 18 })).toThrow(
      /scale must have shape \[num_groups\] = \[2\] at opset 18 for X \[1, 4, 1, 1\], got \[4\]/,
    );
    expect(() => runOp1(GroupNormalization, [feed(x), four, four], { numGroups: 3 }, { opset: 21 })).toThrow(
      /the channels of X \[1, 4, 1, 1\] \(C=4\) must be divisible by num_groups=3/,
    );
    const attributes = { num_groups: Attr.int(2), stash_type: Attr.int(1) };
    const scale = Tensor.float32([2], [1, 1]);
    expect(() => runRaw('GroupNormalization', 18, [x, scale, scale], attributes)).toThrow(
      /attribute 'stash_type' does not exist at opset 18/,
    );
  });

  it('keeps symbolic dims', () => {
    const c = constant(Tensor.float32([6], new Array<number>(6).fill(1)));
    expect(
      inferShape(
        GroupNormalization,
        [{ dtype: DataType.FLOAT, shape: ['N', 6, 'H', 'W'] }, c, c],
        { numGroups: 3 },
        {
          opset: 21,
        },
      ),
    ).toEqual(['N', '6', 'H', 'W']);
  });
});

describe('LRN', () => {
  const x = Tensor.float32([1, 3, 1, 1], [1, 2, 3]);

  it('sums squares over floor((size-1)/2) channels before and ceil((size-1)/2) after', () => {
    // size 3, alpha/size = 1, beta 1, bias 1: c0 1/(1+1+4), c1 2/(1+1+4+9), c2 3/(1+4+9).
    close(values(runOp1(LRN, [feed(x)], { size: 3, alpha: 3, beta: 1, bias: 1 })), [1 / 6, 2 / 15, 3 / 14]);
    // size 2 (even): no channel before, one after: c0 1/(1+1+4), c1 2/(1+4+9), c2 3/(1+9).
    close(values(runOp1(LRN, [feed(x)], { size: 2, alpha: 2, beta: 1, bias: 1 })), [1 / 6, 2 / 14, 3 / 10]);
  });

  it('applies the default alpha, beta and bias (1e-4, 0.75, 1)', () => {
    const [only] = values(runOp1(LRN, [feed(Tensor.float32([1, 1, 1, 1], [10]))], { size: 1 }));
    expect(only).toBeCloseTo(10 / Math.pow(1 + Math.fround(1e-4) * 100, Math.fround(0.75)), 5);
  });

  it('refuses bfloat16 before opset 13 and a size below 1', () => {
    const bf = new Tensor(DataType.BFLOAT16, [1, 1, 1, 1], Uint16Array.from([0x3f80]));
    expect(() => runRaw('LRN', 12, [bf], { size: Attr.int(1) })).toThrow(/LRN accepts bfloat16 from opset 13/);
    expect(() => runOp1(LRN, [feed(x)], { size: 0 })).toThrow(/attribute 'size' must be a positive integer, got 0/);
  });
});
