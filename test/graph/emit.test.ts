/**
 * The generated builder methods and BuilderCore.emit: an input that replaced an attribute is given as that
 * attribute and emitted in the form the builder's opset has (cut-overs from the ONNX operator docs).
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { OpError } from '../../src/ir/errors.js';
import { Tensor } from '../../src/ir/tensor.js';
import type { Value } from '../../src/ir/value.js';
import { Slice } from '../../src/ops/slice.js';
import { evaluate } from '../../src/runtime/reference.js';
import { checkModel } from '../../src/transform/passes/check.js';

function run(b: GraphBuilder, y: Value, x: Tensor): Tensor {
  b.output(y, 'y');
  const model = b.build();
  expect(checkModel(model)).toEqual([]);
  const out = evaluate(model, new Map([['x', x]])).get('y');
  if (out === undefined) throw new Error('no output');
  return out;
}

describe('attribute-born inputs', () => {
  it('emits ReduceSum axes as an int64 input from opset 13 (its cut-over), given as the axes attribute', () => {
    const b = new GraphBuilder({ opset: 13 });
    const x = b.input('x', DataType.FLOAT, [2, 3]);
    const y = b.reduceSum(x, { axes: [1], keepdims: 0 });
    const node = y.producer();
    expect(node?.attributes.has('axes')).toBe(false);
    expect(node?.inputs[1]?.constValue?.dtype).toBe(DataType.INT64);
    // [[0, 1, 2], [3, 4, 5]] summed along axis 1.
    expect(run(b, y, Tensor.float32([2, 3], [0, 1, 2, 3, 4, 5])).toNumbers()).toEqual([3, 12]);
  });

  it("emits Pad's pads as int64 and its value as a scalar of the data's type", () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.DOUBLE, [2]);
    const y = b.pad(x, null, { pads: [1, 2], value: 7.5 });
    const [, pads, value] = y.producer()?.inputs ?? [];
    expect(pads?.constValue?.dtype).toBe(DataType.INT64);
    expect(value?.constValue?.dtype).toBe(DataType.DOUBLE);
    expect(value?.constValue?.dims).toEqual([]);
    // One 7.5 before, two after.
    expect(run(b, y, new Tensor(DataType.DOUBLE, [2], Float64Array.of(1, 2))).toNumbers()).toEqual([
      7.5, 1, 2, 7.5, 7.5,
    ]);
  });

  it('takes an attribute-born input as a value too, and refuses it given both ways', () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, [4]);
    const starts = b.int64s('s', [1]);
    expect(b.sliceDynamic(x, starts, b.int64s('e', [3])).type?.shape).toEqual([2]);
    expect(() => b.emit1(Slice, { data: x, starts }, { starts: [0] })).toThrow(
      /input 'starts' is given both as a value and as attribute 'starts'/,
    );
  });

  it('refuses an input the opset lacks, naming it', () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, [4]);
    // Pad's axes input exists from opset 18.
    expect(() => b.pad(x, b.int64s('axes', [0]), { pads: [1, 1] }, { name: 'p' })).toThrow(OpError);
    expect(() => b.pad(x, b.int64s('axes2', [0]), { pads: [1, 1] }, { name: 'p' })).toThrow(
      /Pad node 'p': Pad has no input 'axes' at opset 17/,
    );
  });
});

describe('sugar reads its cut-overs from the schemas', () => {
  it('uses Shape start/end from opset 15, and Shape + Gather before', () => {
    for (const opset of [13, 15]) {
      const b = new GraphBuilder({ opset });
      const x = b.input('x', DataType.FLOAT, [2, 5, 7]);
      const y = b.shapeOf(x, 1);
      expect(y.producer()?.opType).toBe(opset >= 15 ? 'Shape' : 'Gather');
      expect(run(b, y, Tensor.zeros(DataType.FLOAT, [2, 5, 7])).toNumbers()).toEqual([5]);
    }
  });

  it('squeezes and unsqueezes with axes as inputs (from opset 13)', () => {
    const b = new GraphBuilder({ opset: 13 });
    const x = b.input('x', DataType.FLOAT, [1, 3]);
    const y = b.unsqueeze(b.squeeze(x, [0]), [1]);
    expect(y.producer()?.inputs).toHaveLength(2);
    expect(run(b, y, Tensor.float32([1, 3], [1, 2, 3])).dims).toEqual([3, 1]);
  });
});
