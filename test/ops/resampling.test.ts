/**
 * GridSample and Upsample: hand-derived samples for every mode and padding rule (half-to-even nearest, the
 * reflection and border rules, cubic taps padded one by one), integer and bool inputs cast back at the end, the
 * opset-16/20 mode names, Upsample's two opset forms and its deprecation, symbolic inference and the errors.
 */
import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { formatDim, SymDim } from '../../src/ir/dim.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { GridSample } from '../../src/ops/grid-sample.js';
import { constant, feed, inferRaw, inferShape, runOp1, runRaw, values } from './run-op.js';

/** A 1-row grid `[1, 1, n, 2]` sampling x = vs[i] on row y = 0 (the middle of a one-row input). */
const row = (...vs: number[]): Tensor =>
  Tensor.float32(
    [1, 1, vs.length, 2],
    vs.flatMap((v) => [v, 0]),
  );

describe('GridSample', () => {
  const x4 = Tensor.float32([1, 1, 1, 4], [10, 20, 30, 40]);
  const x3 = Tensor.float32([1, 1, 1, 3], [1, 2, 3]);

  it('nearest rounds half to even (align_corners 0: x = ((v + 1) * 4 - 1) / 2 = 0.5, 1.5, 2.5)', () => {
    const y = runOp1(GridSample, [feed(x4), constant(row(-0.5, 0, 0.5))], { mode: 'nearest' });
    expect(values(y)).toEqual([10, 30, 30]);
  });

  it('linear at x = -0.5 (align_corners 1: x = v + 1) under each padding mode', () => {
    const at = (paddingMode: 'zeros' | 'border' | 'reflection'): number[] =>
      values(runOp1(GridSample, [feed(x3), constant(row(-1.5))], { alignCorners: 1, paddingMode }));
    // zeros: taps -1 (reads 0) and 0 with weights 1/2; border: clamped to 0; reflection: reflected to 0.5.
    expect(at('zeros')).toEqual([0.5]);
    expect(at('border')).toEqual([1]);
    expect(at('reflection')).toEqual([1.5]);
  });

  it('reflects far coordinates back and forth (align_corners 0: borders -0.5 and 2.5)', () => {
    // v = 3 -> x = 5.5: beyond 2.5 by 3 = one whole flip -> -0.5 + 0 = -0.5 -> reflected taps -1 -> 0, 0: value 1.
    const y = runOp1(GridSample, [feed(x3), constant(row(3))], { paddingMode: 'reflection' });
    expect(values(y)).toEqual([1]);
  });

  it('cubic pads each tap and leaves the coordinate (border, x = -0.5: taps -2..1 read 1, 1, 1, 2)', () => {
    // Keys weights at t = 0.5: -0.09375, 0.59375, 0.59375, -0.09375.
    const attrs = { alignCorners: 1, mode: 'cubic', paddingMode: 'border' } as const;
    const y = runOp1(GridSample, [feed(x3), constant(row(-1.5))], attrs, { opset: 20 });
    expect(values(y)).toEqual([-0.09375 + 0.59375 + 0.59375 - 0.09375 * 2]);
  });

  it('casts integer results back by truncation and bool by non-zero', () => {
    const ints = new Tensor(DataType.INT32, [1, 1, 1, 2], Int32Array.from([1, 2]));
    // align_corners 1 on width 2: x = (v + 1) / 2; v = 0 -> 0.5 -> 1.5 -> 1.
    expect(values(runOp1(GridSample, [feed(ints), constant(row(0))], { alignCorners: 1 }))).toEqual([1]);
    const bools = new Tensor(DataType.BOOL, [1, 1, 1, 2], Uint8Array.from([0, 1]));
    const y = runOp1(GridSample, [feed(bools), constant(row(-0.8))], { alignCorners: 1 });
    // 0.1 of the way to the true pixel: 0.1 is non-zero -> true.
    expect(y.dtype).toBe(DataType.BOOL);
    expect(values(y)).toEqual([1]);
  });

  it('wraps an integer result that overshoots its type, as a cast does (int8 cubic: 140.39 -> 140 -> -116)', () => {
    // align_corners 1, width 4: v = 0.5 -> x = 2.25; taps 1..4 (4 clamped to 3) read 0, 127, 127, 127 with Keys
    // weights -0.10546875, 0.87890625, 0.26171875, -0.03515625: 127 * 1.10546875 = 140.39453125.
    const int8 = new Tensor(DataType.INT8, [1, 1, 1, 4], Int8Array.from([0, 0, 127, 127]));
    const attrs = { alignCorners: 1, mode: 'cubic', paddingMode: 'border' } as const;
    expect(values(runOp1(GridSample, [feed(int8), constant(row(0.5))], attrs, { opset: 20 }))).toEqual([-116]);
    const floats = Tensor.float32([1, 1, 1, 4], [0, 0, 127, 127]);
    expect(values(runOp1(GridSample, [feed(floats), constant(row(0.5))], attrs, { opset: 20 }))).toEqual([
      140.39453125,
    ]);
  });

  it('samples NaN at a NaN coordinate in every mode', () => {
    for (const mode of ['linear', 'nearest', 'cubic'] as const) {
      const y = runOp1(GridSample, [feed(x3), constant(row(Number.NaN))], { mode }, { opset: 20 });
      expect(Number.isNaN(values(y)[0])).toBe(true);
    }
  });

  it('samples 3-D input from opset 20 and refuses it at 16', () => {
    const volume = Tensor.float32([1, 1, 2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]);
    // (x, y, z) = (1, -1, 1) with align_corners 1: the voxel (z=1, y=0, x=1) = 5.
    const grid = Tensor.float32([1, 1, 1, 1, 3], [1, -1, 1]);
    expect(values(runOp1(GridSample, [feed(volume), constant(grid)], { alignCorners: 1 }, { opset: 20 }))).toEqual([5]);
    expect(() => runOp1(GridSample, [feed(volume), constant(grid)], {}, { opset: 16 })).toThrow(
      /X must be 4-D \[N, C, H, W\] before opset 20/,
    );
  });

  it('takes the opset-16 mode names at 16 only, and the opset-20 names from 20 only', () => {
    const y = runRaw('GridSample', 16, [x4, row(-0.5)], { mode: Attr.string('bicubic') });
    expect(y[0]?.dims).toEqual([1, 1, 1, 1]);
    expect(() => runRaw('GridSample', 16, [x4, row(0)], { mode: Attr.string('linear') })).toThrow(
      /attribute 'mode' "linear" is not valid at opset 16/,
    );
    expect(() => runRaw('GridSample', 20, [x4, row(0)], { mode: Attr.string('bilinear') })).toThrow(
      /attribute 'mode' "bilinear" is not valid at opset 20: GridSample-16 names the modes bilinear, nearest, bicubic/,
    );
  });

  it('infers [N, C, *grid spatial] with symbolic dims, and refuses a grid of the wrong last dim', () => {
    const shape = inferShape(
      GridSample,
      [
        { dtype: DataType.FLOAT, shape: ['N', 3, 'H', 'W'] },
        { dtype: DataType.FLOAT, shape: ['N', 'Ho', 'Wo', 2] },
      ],
      {},
    );
    expect(shape).toEqual(['N', '3', 'Ho', 'Wo']);
    expect(() => runOp1(GridSample, [feed(x4), constant(Tensor.float32([1, 1, 1, 3], [0, 0, 0]))], {})).toThrow(
      /the last dim of grid must be 2, the spatial rank of X; X \[1, 1, 1, 4\], grid \[1, 1, 1, 3\]/,
    );
  });
});

describe('Upsample', () => {
  const x = Tensor.float32([1, 1, 1, 2], [0, 10]);
  const scales = (...s: number[]): Tensor => Tensor.float32([s.length], s);

  it('nearest reads floor(o / scale) for every element type (opset 9, scales as an input)', () => {
    const y = runRaw('Upsample', 9, [x, scales(1, 1, 1, 2.5)]);
    expect(y[0]?.dims).toEqual([1, 1, 1, 5]);
    // o / 2.5 = 0, 0.4, 0.8, 1.2, 1.6
    expect(y[0] === undefined ? [] : values(y[0])).toEqual([0, 0, 0, 10, 10]);
    const text = new Tensor(DataType.STRING, [2], ['a', 'b']);
    expect(runRaw('Upsample', 9, [text, scales(2)])[0]?.data).toEqual(['a', 'a', 'b', 'b']);
    const big = Tensor.int64([1], [2n ** 62n]);
    expect(runRaw('Upsample', 9, [big, scales(2)])[0]?.data).toEqual(BigInt64Array.from([2n ** 62n, 2n ** 62n]));
  });

  it('linear clamps o / scale to the last index (opset 7, scales as an attribute)', () => {
    const y = runRaw('Upsample', 7, [x], { mode: Attr.string('linear'), scales: Attr.floats([1, 1, 1, 2]) });
    expect(y[0] === undefined ? [] : values(y[0])).toEqual([0, 5, 10, 10]);
  });

  it('sizes the output floor(size * scale) in float32, keeping symbolic dims for whole scales', () => {
    expect(runRaw('Upsample', 9, [x, scales(1, 1, 3, 1.5)])[0]?.dims).toEqual([1, 1, 3, 3]);
    const h = SymDim.named('H');
    const [type] = inferRaw(
      'Upsample',
      9,
      [
        { dtype: DataType.FLOAT, shape: [h, 3, h, 5] },
        { dtype: DataType.FLOAT, shape: [4] },
      ],
      {},
      [undefined, scales(1, 1, 2, 1.5)],
    );
    expect(type?.shape?.map(formatDim)).toEqual(['H', '3', '2*H', '7']);
  });

  it('refuses scales below 1 or of the wrong length, and the op from opset 10', () => {
    expect(() => runRaw('Upsample', 9, [x, scales(1, 1, 1, 0.5)])).toThrow(
      /scales \[1,1,1,0.5\] must be finite and >= 1 \(Upsample only enlarges\)/,
    );
    expect(() => runRaw('Upsample', 9, [x, scales(2, 2)])).toThrow(/scales \[2,2\] must have one value per axis of X/);
    expect(() => runRaw('Upsample', 10, [x, scales(1, 1, 1, 2)])).toThrow(
      /Upsample is deprecated since opset 10 and not defined at opset 10; use Resize/,
    );
    expect(() => runRaw('Upsample', 7, [x])).toThrow(/attribute 'scales' is required at opset 7/);
  });
});
