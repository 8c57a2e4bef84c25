import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { UnsupportedError } from '../../src/ir/errors.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Resize } from '../../src/ops/resize.js';
import { rounded, runOp1 } from './op-harness.js';

const row = Tensor.float32([1, 1, 1, 2], [0, 4]);
const scales = (...values: number[]): Tensor => Tensor.float32([values.length], values);
const sizes = (...values: number[]): Tensor => Tensor.int64([values.length], values);

describe('Resize', () => {
  it('upsamples nearest with asymmetric coordinates', () => {
    const y = runOp1(Resize, [row, null, scales(1, 1, 1, 2)], {
      coordinateTransformationMode: 'asymmetric',
      nearestMode: 'floor',
    });
    expect(y.toNumbers()).toEqual([0, 0, 4, 4]);
  });

  it('interpolates linearly with half_pixel, clamping at the edges', () => {
    // x_in = (x + 0.5)/2 - 0.5: -0.25 -> 0, 0.25, 0.75, 1.25 -> 1.
    const y = runOp1(Resize, [row, null, scales(1, 1, 1, 2)], { mode: 'linear' });
    expect(rounded(y)).toEqual([0, 1, 3, 4]);
  });

  it('interpolates linearly with align_corners from sizes', () => {
    // x_in = x * (2 - 1)/(3 - 1): 0, 0.5, 1.
    const y = runOp1(Resize, [row, null, null, sizes(1, 1, 1, 3)], {
      mode: 'linear',
      coordinateTransformationMode: 'align_corners',
    });
    expect(rounded(y)).toEqual([0, 2, 4]);
  });

  it('rounds half coordinates by nearest_mode', () => {
    // Downsample 4 -> 2 with asymmetric: x_in = 2x -> 0, 2; half_pixel: x_in = 2x + 0.5 -> 0.5, 2.5.
    const x = Tensor.float32([1, 1, 1, 4], [10, 20, 30, 40]);
    expect(runOp1(Resize, [x, null, scales(1, 1, 1, 0.5)], {}).toNumbers()).toEqual([10, 30]);
    expect(runOp1(Resize, [x, null, scales(1, 1, 1, 0.5)], { nearestMode: 'round_prefer_ceil' }).toNumbers()).toEqual([
      20, 40,
    ]);
  });

  it('uses extrapolation_value outside the crop box of tf_crop_and_resize', () => {
    // roi [0, 2] on the last axis (a = 2, b = 3): x_in = 0 + x * (2 - 0) * (2 - 1)/(3 - 1) = x -> 0, 1, 2 (outside).
    const roi = Tensor.float32([8], [0, 0, 0, 0, 1, 1, 1, 2]);
    const y = runOp1(Resize, [row, roi, null, sizes(1, 1, 1, 3)], {
      mode: 'linear',
      coordinateTransformationMode: 'tf_crop_and_resize',
      extrapolationValue: -1,
    });
    expect(rounded(y)).toEqual([0, 4, -1]);
  });

  it('infers the output shape from constant scales, including symbolic dims', () => {
    const b = new GraphBuilder({ opset: 13 });
    const x = b.input('x', DataType.FLOAT, ['N', 3, 'H', 5]);
    const y = b.op1(Resize, [x, null, b.constant('scales', scales(1, 1, 2, 2))], {});
    expect(y.type?.shape?.map(String)).toEqual(['N', '3', '2*H', '10']);
  });

  it('refuses both scales and sizes, and cubic mode', () => {
    const b = new GraphBuilder({ opset: 13 });
    const x = b.input('x', DataType.FLOAT, [1, 1, 2, 2]);
    expect(() =>
      b.op1(Resize, [x, null, b.constant('s', scales(1, 1, 2, 2)), b.constant('z', sizes(1, 1, 4, 4))], {}),
    ).toThrow(/only one of scales and sizes/);
    expect(() => b.op1(Resize, [x, null, b.constant('s2', scales(1, 1, 2, 2))], { mode: 'cubic' })).toThrow(
      UnsupportedError,
    );
  });
});
