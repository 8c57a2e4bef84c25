/**
 * ConvTranspose: hand-derived 1-D cases for every padding rule (y[o] = Σ x[j]·w[t] over o = j*s + t*d - pb), groups,
 * 2-D/3-D shapes, symbolic shape inference, float16 and the errors.
 */
import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor, tensorFromNumbers } from '../../src/ir/tensor.js';
import { ConvTranspose } from '../../src/ops/conv-transpose.js';
import { constant, feed, inferShape, runOp1, runRaw, values } from './run-op.js';

/** x = [1, 2, 3] (one image, one channel), w = [1, 10] (one in, one out channel). */
const X = Tensor.float32([1, 1, 3], [1, 2, 3]);
const W = Tensor.float32([1, 1, 2], [1, 10]);

describe('ConvTranspose, 1-D by hand', () => {
  it('stride 1 is a full convolution: [1, 2+10, 3+20, 30]', () => {
    expect(values(runOp1(ConvTranspose, [feed(X), constant(W)], {}))).toEqual([1, 12, 23, 30]);
  });

  it('stride 2 interleaves the taps: [1, 10, 2, 20, 3, 30], and adds the bias', () => {
    expect(values(runOp1(ConvTranspose, [feed(X), constant(W)], { strides: [2] }))).toEqual([1, 10, 2, 20, 3, 30]);
    const bias = Tensor.float32([1], [0.5]);
    expect(values(runOp1(ConvTranspose, [feed(X), constant(W), constant(bias)], { strides: [2] }))).toEqual([
      1.5, 10.5, 2.5, 20.5, 3.5, 30.5,
    ]);
  });

  it('pads crop the full output at both ends; output_padding adds positions at the end', () => {
    expect(values(runOp1(ConvTranspose, [feed(X), constant(W)], { strides: [2], pads: [1, 2] }))).toEqual([10, 2, 20]);
    expect(values(runOp1(ConvTranspose, [feed(X), constant(W)], { strides: [2], outputPadding: [1] }))).toEqual([
      1, 10, 2, 20, 3, 30, 0,
    ]);
  });

  it('dilation 2 spreads the taps: o = j + 2t gives [1, 2, 3+10, 20, 30]', () => {
    expect(values(runOp1(ConvTranspose, [feed(X), constant(W)], { dilations: [2] }))).toEqual([1, 2, 13, 20, 30]);
  });

  it('output_shape below the full size cuts the odd position at the beginning (NOTSET)', () => {
    // full 6, requested 5: total 1 -> pads begin 1, end 0.
    expect(values(runOp1(ConvTranspose, [feed(X), constant(W)], { strides: [2], outputShape: [5] }))).toEqual([
      10, 2, 20, 3, 30,
    ]);
  });

  it('output_shape above the full size appends positions that see no input', () => {
    expect(values(runOp1(ConvTranspose, [feed(X), constant(W)], { strides: [2], outputShape: [8] }))).toEqual([
      1, 10, 2, 20, 3, 30, 0, 0,
    ]);
  });

  it('SAME_UPPER gives a*s outputs and cuts the odd position at the end, SAME_LOWER at the beginning', () => {
    // k 3 (w = [1, 10, 100]), s 2: full 7, out 6, total 1.
    const w3 = Tensor.float32([1, 1, 3], [1, 10, 100]);
    // Full output: [1, 10, 100+2, 20, 200+3, 30, 300].
    const upper = runOp1(ConvTranspose, [feed(X), constant(w3)], { strides: [2], autoPad: 'SAME_UPPER' });
    expect(values(upper)).toEqual([1, 10, 102, 20, 203, 30]);
    const lower = runOp1(ConvTranspose, [feed(X), constant(w3)], { strides: [2], autoPad: 'SAME_LOWER' });
    expect(values(lower)).toEqual([10, 102, 20, 203, 30, 300]);
    const valid = runOp1(ConvTranspose, [feed(X), constant(w3)], { strides: [2], autoPad: 'VALID' });
    expect(values(valid)).toEqual([1, 10, 102, 20, 203, 30, 300]);
  });

  it('splits a generated padding the same way at opset 1 (its inverted text was a typo, onnx/onnx#1609)', () => {
    const w3 = Tensor.float32([1, 1, 3], [1, 10, 100]);
    const attributes = { strides: Attr.ints([2]), auto_pad: Attr.string('SAME_UPPER') };
    const [y] = runRaw('ConvTranspose', 1, [X, w3], attributes);
    expect(y === undefined ? [] : values(y)).toEqual([1, 10, 102, 20, 203, 30]);
  });
});

describe('ConvTranspose, channels and ranks', () => {
  it('maps each input channel group to its own output channels (group 2)', () => {
    // Channel 0 (value 1) feeds output channels 0, 1 with weights 2, 3; channel 1 (value 10) feeds 2, 3 with 4, 5.
    const x = Tensor.float32([1, 2, 1], [1, 10]);
    const w = Tensor.float32([2, 2, 1], [2, 3, 4, 5]);
    const y = runOp1(ConvTranspose, [feed(x), constant(w)], { group: 2 });
    expect(y.dims).toEqual([1, 4, 1]);
    expect(values(y)).toEqual([2, 3, 40, 50]);
  });

  it('sums over input channels of one group', () => {
    const x = Tensor.float32([1, 2, 1], [1, 10]);
    const w = Tensor.float32([2, 1, 1], [2, 3]);
    expect(values(runOp1(ConvTranspose, [feed(x), constant(w)], {}))).toEqual([32]);
  });

  it('upsamples 2-D by stride 2 with a 2x2 kernel into disjoint 2x2 blocks', () => {
    const x = Tensor.float32([1, 1, 2, 2], [1, 2, 3, 4]);
    const w = Tensor.float32([1, 1, 2, 2], [1, 1, 1, 1]);
    const y = runOp1(ConvTranspose, [feed(x), constant(w)], { strides: [2, 2] });
    expect(y.dims).toEqual([1, 1, 4, 4]);
    expect(values(y)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });

  it('handles 3-D input and an empty batch', () => {
    const ones = Tensor.float32([1, 1, 2, 2, 2], new Array<number>(8).fill(1));
    const y = runOp1(ConvTranspose, [feed(Tensor.float32([1, 1, 1, 1, 1], [2])), constant(ones)], {});
    expect(y.dims).toEqual([1, 1, 2, 2, 2]);
    expect(values(y)).toEqual(new Array<number>(8).fill(2));
    const empty = runOp1(ConvTranspose, [feed(Tensor.float32([0, 1, 3], [])), constant(W)], {});
    expect(empty.dims).toEqual([0, 1, 4]);
  });

  it('computes float16 in float64 and rounds once', () => {
    // 1000 + 0.3 * 1 + 0.3 * 1: float16 steps are 0.5 near 1000; 1000.6 rounds to 1000.5.
    const x = tensorFromNumbers(DataType.FLOAT16, [1, 1, 3], [1000, 0.30004882, 0.30004882]);
    const w = tensorFromNumbers(DataType.FLOAT16, [1, 1, 3], [1, 1, 1]);
    const y = runOp1(ConvTranspose, [feed(x), constant(w)], { pads: [2, 2] });
    expect(y.dtype).toBe(DataType.FLOAT16);
    expect(values(y)).toEqual([1000.5]);
  });
});

describe('ConvTranspose shape inference', () => {
  const weight = (k: number): Tensor => Tensor.float32([4, 3, k, k], new Array<number>(4 * 3 * k * k).fill(0));

  it('keeps H and W symbolic: SAME gives s*H, explicit pads s*H + (op + span - s - pb - pe)', () => {
    const x = { dtype: DataType.FLOAT, shape: ['N', 4, 'H', 'W'] };
    expect(inferShape(ConvTranspose, [x, constant(weight(3))], { strides: [2, 2], autoPad: 'SAME_UPPER' })).toEqual([
      'N',
      '3',
      '2*H',
      '2*W',
    ]);
    const padded = { strides: [2, 2], pads: [1, 1, 1, 1], outputPadding: [1, 1] };
    expect(inferShape(ConvTranspose, [x, constant(weight(3))], padded)).toEqual(['N', '3', '2*H', '2*W']);
    expect(inferShape(ConvTranspose, [x, constant(weight(4))], { strides: [2, 2] })).toEqual([
      'N',
      '3',
      '2*H + 2',
      '2*W + 2',
    ]);
  });

  it('multiplies W.shape[1] by group for the output channels, and takes output_shape as given', () => {
    const x = { dtype: DataType.FLOAT, shape: ['N', 4, 'H', 7] };
    const w = Tensor.float32([4, 1, 3, 3], new Array<number>(36).fill(0));
    expect(inferShape(ConvTranspose, [x, constant(w)], { group: 2, outputShape: [9, 16], strides: [2, 2] })).toEqual([
      'N',
      '2',
      '9',
      '16',
    ]);
  });
});

describe('ConvTranspose errors', () => {
  it('names both shapes and the group when the channels do not match', () => {
    const x = Tensor.float32([1, 3, 2, 2], new Array<number>(12).fill(0));
    const w = Tensor.float32([2, 1, 3, 3], new Array<number>(18).fill(0));
    const message = new RegExp(
      String.raw`ConvTranspose node .*input channels C=3 must equal W.shape\[0\]=2; ` +
        String.raw`X.shape=\[1, 3, 2, 2\], W.shape=\[2, 1, 3, 3\], group=1`,
    );
    expect(() => runOp1(ConvTranspose, [feed(x), constant(w)], {})).toThrow(message);
  });

  it('refuses output_padding not below the stride or dilation, and pads that eat the whole output', () => {
    expect(() => runOp1(ConvTranspose, [feed(X), constant(W)], { strides: [2], outputPadding: [2] })).toThrow(
      /output_padding \[2\] must be non-negative and smaller than the stride or the dilation/,
    );
    expect(() => runOp1(ConvTranspose, [feed(X), constant(W)], { pads: [3, 2] })).toThrow(
      /pads 3\+2 exceed the full output size 4 of spatial axis 0/,
    );
  });

  it('refuses a bias of the wrong length and a kernel_shape that contradicts W', () => {
    const bias = Tensor.float32([2], [0, 0]);
    expect(() => runOp1(ConvTranspose, [feed(X), constant(W), constant(bias)], {})).toThrow(
      /B must have shape \[M\] = \[W.shape\[1\] \* group\] = \[1\], got \[2\]/,
    );
    expect(() => runOp1(ConvTranspose, [feed(X), constant(W)], { kernelShape: [3] })).toThrow(
      /kernel_shape \[3\] does not match the spatial dims of W \[2\]/,
    );
  });
});
