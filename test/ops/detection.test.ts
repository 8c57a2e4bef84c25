/**
 * NonMaxSuppression and RoiAlign: hand-derived selections (threshold equality, ties, classes, box formats, the
 * data-dependent output shape) and hand-computed bilinear samples (both coordinate modes, avg and max), with the
 * errors.
 */
import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { NonMaxSuppression } from '../../src/ops/non-max-suppression.js';
import { RoiAlign } from '../../src/ops/roi-align.js';
import { constant, feed, inferShape, runOp1, runRaw, values } from './run-op.js';

/** The selected triples of a NonMaxSuppression run, as `b:k:box` strings. */
function triples(y: Tensor): string[] {
  const flat = values(y);
  return Array.from({ length: flat.length / 3 }, (_, i) => flat.slice(3 * i, 3 * i + 3).join(':'));
}

describe('NonMaxSuppression', () => {
  // [y1, x1, y2, x2]: boxes 0 and 1 overlap with IoU 3/5 (intersection 3, union 5); box 2 is far away.
  const boxes = Tensor.float32([1, 3, 4], [0, 0, 4, 1, 1, 0, 5, 1, 10, 10, 11, 11]);
  const scores = Tensor.float32([1, 1, 3], [0.9, 0.8, 0.7]);
  const limit = (n: number): Tensor => Tensor.int64([1], [n]);
  const scalar = (v: number): Tensor => Tensor.float32([1], [v]);

  it('keeps a box whose IoU equals the threshold and suppresses it just above', () => {
    const at = runOp1(NonMaxSuppression, [feed(boxes), feed(scores), constant(limit(3)), constant(scalar(0.6))], {});
    expect(triples(at)).toEqual(['0:0:0', '0:0:1', '0:0:2']);
    const below = runOp1(
      NonMaxSuppression,
      [feed(boxes), feed(scores), constant(limit(3)), constant(scalar(0.59))],
      {},
    );
    expect(triples(below)).toEqual(['0:0:0', '0:0:2']);
  });

  it('drops scores equal to score_threshold, and selects nothing without max_output_boxes_per_class', () => {
    const y = runOp1(
      NonMaxSuppression,
      [feed(boxes), feed(scores), constant(limit(3)), constant(scalar(0.5)), constant(scalar(0.8))],
      {},
    );
    expect(triples(y)).toEqual(['0:0:0']);
    const none = runOp1(NonMaxSuppression, [feed(boxes), feed(scores)], {});
    expect(none.dims).toEqual([0, 3]);
    expect(none.dtype).toBe(DataType.INT64);
  });

  it('orders by score, ties by lower box index, caps each class, and handles classes in order', () => {
    const tied = Tensor.float32([1, 2, 3], [0.5, 0.9, 0.5, 0.1, 0.2, 0.3]);
    const y = runOp1(NonMaxSuppression, [feed(boxes), feed(tied), constant(limit(2)), constant(scalar(1))], {});
    expect(triples(y)).toEqual(['0:0:1', '0:0:0', '0:1:2', '0:1:1']);
  });

  it('ranks a NaN score below every number', () => {
    const withNaN = Tensor.float32([1, 1, 3], [Number.NaN, 0.1, 0.2]);
    const y = runOp1(NonMaxSuppression, [feed(boxes), feed(withNaN), constant(limit(3)), constant(scalar(1))], {});
    expect(triples(y)).toEqual(['0:0:2', '0:0:1', '0:0:0']);
  });

  it('reads [x_center, y_center, width, height] with center_point_box 1', () => {
    // The same boxes as above in centre form: IoU 3/5 between the first two.
    const centred = Tensor.float32([1, 3, 4], [0.5, 2, 1, 4, 0.5, 3, 1, 4, 10.5, 10.5, 1, 1]);
    const y = runOp1(NonMaxSuppression, [feed(centred), feed(scores), constant(limit(3)), constant(scalar(0.59))], {
      centerPointBox: 1,
    });
    expect(triples(y)).toEqual(['0:0:0', '0:0:2']);
  });

  it('never suppresses with a zero-area box', () => {
    const flat = Tensor.float32([1, 2, 4], [0, 0, 0, 1, 0, 0, 0, 1]);
    const y = runOp1(
      NonMaxSuppression,
      [feed(flat), feed(Tensor.float32([1, 1, 2], [0.9, 0.8])), constant(limit(5)), constant(scalar(0))],
      {},
    );
    expect(triples(y)).toEqual(['0:0:0', '0:0:1']);
  });

  it('leaves the count unknown unless every input is a constant', () => {
    const typeOf = (t: Tensor): { dtype: DataType; shape: number[] } => ({ dtype: t.dtype, shape: [...t.dims] });
    expect(inferShape(NonMaxSuppression, [typeOf(boxes), typeOf(scores), constant(limit(3))], {})).toEqual(['?', '3']);
    expect(
      inferShape(
        NonMaxSuppression,
        [constant(boxes), constant(scores), constant(limit(3)), constant(scalar(0.59))],
        {},
      ),
    ).toEqual(['2', '3']);
  });

  it('refuses mismatched boxes and scores, and an iou_threshold outside [0, 1]', () => {
    const wrong = Tensor.float32([1, 1, 3], [0.1, 0.2, 0.3]);
    expect(() => runOp1(NonMaxSuppression, [feed(boxes), feed(Tensor.float32([1, 1, 2], [0, 0]))], {})).toThrow(
      /boxes.shape\[1\] must equal scores.shape\[2\] \(spatial_dimension\); boxes \[1, 3, 4\], scores \[1, 1, 2\]/,
    );
    expect(() =>
      runOp1(NonMaxSuppression, [feed(boxes), feed(wrong), constant(limit(1)), constant(scalar(2))], {}),
    ).toThrow(/iou_threshold must be in \[0, 1\], got 2/);
  });
});

describe('RoiAlign', () => {
  // X(y, x) = 2y + x on a 2x2 map: [[0, 1], [2, 3]].
  const x = Tensor.float32([1, 1, 2, 2], [0, 1, 2, 3]);
  const rois = (...coords: number[]): Tensor => Tensor.float32([coords.length / 4, 4], coords);
  const first = Tensor.int64([1], [0]);

  it('half_pixel: one sample at the bin centre (0.5, 0.5) interpolates 2*0.5 + 0.5 = 1.5', () => {
    const y = runOp1(RoiAlign, [feed(x), constant(rois(0, 0, 2, 2)), constant(first)], { samplingRatio: 1 });
    expect(y.dims).toEqual([1, 1, 1, 1]);
    expect(values(y)).toEqual([1.5]);
  });

  it('max mode takes the largest weighted corner term, not the interpolated value', () => {
    // Corner weights 1/4 each: max(0, 1, 2, 3) / 4 = 0.75.
    const y = runOp1(RoiAlign, [feed(x), constant(rois(0, 0, 2, 2)), constant(first)], {
      samplingRatio: 1,
      mode: 'max',
    });
    expect(values(y)).toEqual([0.75]);
  });

  it('output_half_pixel (and opset 10) makes a degenerate ROI 1x1; half_pixel gives it no samples', () => {
    const point = rois(1, 1, 1, 1);
    // Extent forced to 1: sample at (1.5, 1.5), clamped to the last row and column: X(1, 1) = 3.
    const forced = runOp1(RoiAlign, [feed(x), constant(point), constant(first)], {
      coordinateTransformationMode: 'output_half_pixel',
    });
    expect(values(forced)).toEqual([3]);
    const [legacy] = runRaw('RoiAlign', 10, [x, point, first]);
    expect(legacy === undefined ? [] : values(legacy)).toEqual([3]);
    // half_pixel: extent 0 -> ceil(0 / 1) = 0 samples -> 0.
    expect(values(runOp1(RoiAlign, [feed(x), constant(point), constant(first)], {}))).toEqual([0]);
  });

  it('averages a 2x2 sampling grid and applies spatial_scale', () => {
    // ROI [0, 0, 4, 4] at scale 0.5 -> [0, 0, 2, 2] in X; output_half_pixel: samples at 0.5 and 1.5 per axis,
    // clamped to row/column 1 at 1.5: values X(0.5,0.5)=1.5, X(0.5,1)=2, X(1,0.5)=2.5, X(1,1)=3 -> mean 2.25.
    const y = runOp1(RoiAlign, [feed(x), constant(rois(0, 0, 4, 4)), constant(first)], {
      coordinateTransformationMode: 'output_half_pixel',
      spatialScale: 0.5,
      samplingRatio: 2,
    });
    expect(values(y)).toEqual([2.25]);
  });

  it('infers [num_rois, C, output_height, output_width] with a symbolic ROI count', () => {
    const shape = inferShape(
      RoiAlign,
      [
        { dtype: DataType.FLOAT, shape: ['N', 256, 'H', 'W'] },
        { dtype: DataType.FLOAT, shape: ['R', 4] },
        { dtype: DataType.INT64, shape: ['R'] },
      ],
      { outputHeight: 7, outputWidth: 7 },
    );
    expect(shape).toEqual(['R', '256', '7', '7']);
  });

  it('refuses a batch index outside X and rois that are not [R, 4]', () => {
    expect(() => runOp1(RoiAlign, [feed(x), constant(rois(0, 0, 1, 1)), constant(Tensor.int64([1], [1]))], {})).toThrow(
      /RoiAlign node .*batch_indices\[0\] = 1 is out of range for X with N=1/,
    );
    expect(() =>
      runRaw('RoiAlign', 16, [x, Tensor.float32([1, 3], [0, 0, 1]), first], { mode: Attr.string('avg') }),
    ).toThrow(/rois must be \[num_rois, 4\]; X \[1, 1, 2, 2\], rois \[1, 3\], batch_indices \[1\]/);
  });
});
