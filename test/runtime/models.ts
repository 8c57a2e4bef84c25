/**
 * Small MaxPool models shared by the runtime tests, built with GraphBuilder, and deterministic inputs for them.
 */
import { GraphBuilder, type DimSpec } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/graph.js';
import { Tensor, tensorFromNumbers, tensorsIdentical } from '../../src/ir/tensor.js';
import { MaxPool } from '../../src/ops/max-pool.js';
import { expect } from 'vitest';

/**
 * An SPPF-like pyramid on x[1, 2, H, W]: three chained same-padded k5 s1 pools (y5, y9, y13 as in SPPF), plus a
 * k2 s2 pool (half) and a k3 s2 ceil_mode pool with asymmetric pads (ceil).
 */
export function pyramidModel(height: DimSpec = 7, width: DimSpec = 6, dtype: DataType = DataType.FLOAT): Model {
  const b = new GraphBuilder({ name: 'pyramid', opset: 17 });
  const x = b.input('x', dtype, [1, 2, height, width]);
  const same = { kernelShape: [5, 5], pads: [2, 2, 2, 2] };
  const y5 = b.op1(MaxPool, [x], same, { name: 'pool5' });
  const y9 = b.op1(MaxPool, [y5], same, { name: 'pool9' });
  const y13 = b.op1(MaxPool, [y9], same, { name: 'pool13' });
  b.output(y5, 'y5');
  b.output(y9, 'y9');
  b.output(y13, 'y13');
  b.output(b.op1(MaxPool, [x], { kernelShape: [2, 2], strides: [2, 2] }, { name: 'half' }), 'half');
  b.output(
    b.op1(MaxPool, [x], { kernelShape: [3, 3], strides: [2, 2], pads: [0, 1, 1, 0], ceilMode: 1 }, { name: 'ceil' }),
    'ceil',
  );
  return b.build();
}

/** x[1, 2, h, w] with repeating values, ties and negatives (exact in float16 too); `offset` shifts all of them. */
export function pyramidInput(height = 7, width = 6, dtype: DataType = DataType.FLOAT, offset = 0): Tensor {
  const size = 2 * height * width;
  const values = Array.from({ length: size }, (_, i) => ((i * 37) % 23) - 11.5 + offset);
  return dtype === DataType.FLOAT
    ? Tensor.float32([1, 2, height, width], values)
    : tensorFromNumbers(dtype, [1, 2, height, width], values);
}

/** Asserts both maps hold the same names, and tensors of the same type and shape with identical bits. */
export function expectIdentical(got: Map<string, Tensor>, want: Map<string, Tensor>): void {
  expect([...got.keys()]).toEqual([...want.keys()]);
  for (const [name, tensor] of want) {
    const actual = got.get(name);
    expect(actual?.describe(), name).toBe(tensor.describe());
    expect(
      actual !== undefined && tensorsIdentical(actual, tensor),
      `${name}: ${actual?.toNumbers().join(',')} vs ${tensor.toNumbers().join(',')}`,
    ).toBe(true);
  }
}
