import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { ConfigError, OpError } from '../../src/ir/errors.js';
import { Tensor } from '../../src/ir/tensor.js';
import { assertValidModel, checkModel } from '../../src/transform/passes/check.js';

function nchw(shape: (number | string)[] = [1, 4, 8, 8]): { b: GraphBuilder; x: ReturnType<GraphBuilder['input']> } {
  const b = new GraphBuilder();
  return { b, x: b.input('x', DataType.FLOAT, shape) };
}

describe('GraphBuilder refuses misuse at build time', () => {
  it('refuses a rank-3 input to a 2-D pool, naming the rank', () => {
    const { b, x } = nchw([4, 8, 8]);
    expect(() => b.maxPool(x, { kernelShape: [2, 2] })).toThrow(
      /kernel_shape \[2,2\] has 2 dims but the input has 1 spatial dims/,
    );
  });

  it('refuses a Conv whose weight channels do not match the input, naming both shapes', () => {
    const { b, x } = nchw();
    const w = b.constant('w', Tensor.zeros(DataType.FLOAT, [8, 3, 1, 1]));
    expect(() => b.conv(x, w, null, {}, { name: 'c1' })).toThrow(OpError);
    expect(() => b.conv(x, w, null, {}, { name: 'c1' })).toThrow(
      /\[1, 4, 8, 8\][\s\S]*\[8, 3, 1, 1\]|\[8, 3, 1, 1\][\s\S]*\[1, 4, 8, 8\]/,
    );
  });

  it('refuses pads >= kernel, naming pads and kernel', () => {
    const { b, x } = nchw();
    expect(() => b.maxPool(x, { kernelShape: [3, 3], pads: [3, 0, 0, 0] }, { name: 'p' })).toThrow(
      /MaxPool node 'p': pads \[3,0,0,0\] must be smaller than kernel_shape \[3,3\]/,
    );
  });

  it('refuses a kernel larger than the padded input', () => {
    const { b, x } = nchw([1, 1, 3, 3]);
    // 3 + 1 (one pad row) - 5 < 0: no window fits.
    expect(() => b.maxPool(x, { kernelShape: [5, 5], pads: [0, 1, 0, 0] })).toThrow(/does not fit input size 3/);
  });

  it('refuses an unknown attribute', () => {
    const { b, x } = nchw();
    expect(() => b.averagePool(x, { kernelShape: [2, 2], beta: 1 } as never)).toThrow(
      /attribute 'beta' is not an attribute of this op/,
    );
  });

  it('refuses an opset outside 13..23', () => {
    expect(() => new GraphBuilder({ opset: 12 })).toThrow(ConfigError);
    expect(() => new GraphBuilder({ opset: 24 })).toThrow(ConfigError);
  });

  it('leaves no trace of a refused node', () => {
    const { b, x } = nchw();
    expect(() => b.maxPool(x, { kernelShape: [9, 9] })).toThrow();
    expect(b.graph.nodes).toHaveLength(0);
  });
});

describe('GraphBuilder emits the opset-specific form', () => {
  it('puts ReduceMax axes in an attribute before opset 18 and in an input from 18', () => {
    for (const opset of [17, 18]) {
      const b = new GraphBuilder({ opset });
      const x = b.input('x', DataType.FLOAT, [1, 2, 'H', 5]);
      const y = b.reduceMax(x, { axes: [3], keepdims: 1 });
      const node = y.producer()!;
      expect(node.attributes.has('axes')).toBe(opset < 18);
      expect(node.inputs.length).toBe(opset < 18 ? 1 : 2);
      expect(y.type?.shape?.map(String)).toEqual(['1', '2', 'H', '1']);
      b.output(y, 'y');
      expect(checkModel(b.build())).toEqual([]);
    }
  });

  it('uses Split sizes as an input from 13 and num_outputs from 18', () => {
    for (const opset of [13, 18]) {
      const b = new GraphBuilder({ opset });
      const x = b.input('x', DataType.FLOAT, [4]);
      const parts = b.split(x, 2);
      expect(parts).toHaveLength(2);
      const node = parts[0]!.producer()!;
      expect(node.attributes.has('num_outputs')).toBe(opset >= 18);
      expect(node.inputs.length).toBe(opset >= 18 ? 1 : 2);
    }
  });

  it('keeps a symbolic size through Shape-derived bounds and sets the IR version for the opset', () => {
    const b = new GraphBuilder({ opset: 21 });
    const x = b.input('x', DataType.FLOAT, [1, 3, 'H', 'W']);
    b.output(b.maxPool(x, { kernelShape: [3, 3], pads: [1, 1, 1, 1] }), 'y');
    const model = b.build();
    expect(model.irVersion).toBe(10);
    assertValidModel(model);
  });
});
