/**
 * The resource limits (src/ir/limits.ts): every excess is a LimitError naming the node, the value and the limit,
 * raised before the allocation or the loop it stands for, and every limit can be raised or lowered by the caller.
 * Expected values are hand-derived from the ONNX operator definitions.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomFeeds } from '../../src/cli/validate.js';
import { loadModel, saveModel } from '../../src/export/io-node.js';
import { decodeModel, encodeModel } from '../../src/export/model.js';
import { SymDim } from '../../src/ir/dim.js';
import { DataType } from '../../src/ir/dtype.js';
import { DEFAULT_LIMITS, LimitError, resolveLimits } from '../../src/ir/limits.js';
import { Tensor } from '../../src/ir/tensor.js';
import { evaluate } from '../../src/runtime/reference.js';
import { checkModel } from '../../src/transform/passes/check.js';
import { foldConstants } from '../../src/transform/passes/fold-constants.js';
import { inferGraphShapes } from '../../src/transform/passes/infer-shapes.js';
import { elapsed, model, poolAttrs, thrown } from './helpers.js';

const iota = (dims: readonly number[]): Tensor =>
  Tensor.float32(
    dims,
    Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => i),
  );

/** Expand of a 1-element tensor to [1e6, 1e6] (a 60-byte file asking for 4 TB). */
function expandModel(): ReturnType<typeof model> {
  return model({
    inputs: [{ name: 'x', shape: [1] }],
    inits: { shape: Tensor.int64([2], [1e6, 1e6]) },
    nodes: [{ op: 'Expand', inputs: ['x', 'shape'], outputs: ['y'] }],
    outputs: [{ name: 'y' }],
  });
}

describe('the limits policy', () => {
  it('has documented defaults and refuses unknown names and values that are not positive integers', () => {
    expect(DEFAULT_LIMITS.maxTensorElements).toBe(2 ** 28);
    expect(resolveLimits({ maxRank: 8 }).maxRank).toBe(8);
    expect(resolveLimits({ maxRank: 8 }).maxNodes).toBe(DEFAULT_LIMITS.maxNodes);
    expect(() => resolveLimits({ maxRank: 0 })).toThrow(/maxRank must be an integer in 1\.\./);
    expect(() => resolveLimits({ maxTensorElements: 2 ** 40 })).toThrow(/maxTensorElements must be an integer/);
    const bogus: Record<string, number> = { maxBogus: 3 };
    expect(() => resolveLimits(bogus)).toThrow(/unknown limit 'maxBogus'/);
  });
});

describe('the reference evaluator within the limits', () => {
  it('refuses an Expand to [1e6, 1e6] before allocating, naming the node, the output and the limit', () => {
    let error: unknown;
    const ms = elapsed(() => {
      error = thrown(() => evaluate(expandModel(), new Map([['x', Tensor.float32([1], [1])]])));
    });
    expect(error).toBeInstanceOf(LimitError);
    expect(error).toMatchObject({ code: 'E_LIMIT', limit: 'maxTensorElements', requested: 1e12 });
    expect(String(error)).toMatch(/Expand node 'Expand_0': output 0 float32\[1000000, 1000000\] needs 1000000000000/);
    expect(ms).toBeLessThan(1000);
  });

  it('takes the caller’s limits: an output past a lowered element limit is refused, a raised one runs', () => {
    const relu = model({
      inputs: [{ name: 'x', shape: [64] }],
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      outputs: [{ name: 'y', shape: [64] }],
    });
    const feeds = new Map([['x', iota([64])]]);
    expect(thrown(() => evaluate(relu, feeds, { limits: { maxTensorElements: 63 } }))).toMatchObject({
      limit: 'maxTensorElements',
    });
    expect(evaluate(relu, feeds, { limits: { maxTensorElements: 64 } }).get('y')?.size).toBe(64);
  });

  it('releases a value after its last reader: a chain holds two values at once, a fan-in holds three', () => {
    // Each value is float32[1024] = 4096 bytes; the limit admits two at once.
    const limits = { maxEvaluationBytes: 2 * 4096 };
    const feeds = new Map([['x', iota([1024])]]);
    const chain = model({
      inputs: [{ name: 'x', shape: [1024] }],
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['a'] },
        { op: 'Relu', inputs: ['a'], outputs: ['b'] },
        { op: 'Relu', inputs: ['b'], outputs: ['c'] },
      ],
      outputs: [{ name: 'c', shape: [1024] }],
    });
    expect(evaluate(chain, feeds, { limits }).get('c')?.toNumbers()[1023]).toBe(1023);
    const fanIn = model({
      inputs: [{ name: 'x', shape: [1024] }],
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['a'] },
        { op: 'Relu', inputs: ['a'], outputs: ['b'] },
        { op: 'Add', inputs: ['a', 'b'], outputs: ['c'] },
      ],
      outputs: [{ name: 'c', shape: [1024] }],
    });
    const error = thrown(() => evaluate(fanIn, feeds, { limits }));
    expect(error).toMatchObject({ limit: 'maxEvaluationBytes', requested: 3 * 4096 });
    expect(String(error)).toMatch(/Add node 'Add_2'/);
  });

  it('charges a MatMul its multiply-adds (m·n·k) before the loop runs', () => {
    const matmul = model({
      inputs: [
        { name: 'a', shape: [64, 64] },
        { name: 'b', shape: [64, 64] },
      ],
      nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['y'] }],
      outputs: [{ name: 'y', shape: [64, 64] }],
    });
    const feeds = new Map([
      ['a', iota([64, 64])],
      ['b', iota([64, 64])],
    ]);
    // Reading a and b and writing y is 3 · 4096 operations, the products 64³ = 262144 more.
    const error = thrown(() => evaluate(matmul, feeds, { limits: { maxWork: 200_000 } }));
    expect(error).toMatchObject({ limit: 'maxWork', requested: 3 * 4096 + 262_144 });
    expect(String(error)).toMatch(/MatMul node 'MatMul_0': multiply-adds needs 274432 operations/);
    expect(evaluate(matmul, feeds, { limits: { maxWork: 3 * 4096 + 262_144 } }).get('y')?.size).toBe(4096);
  });

  it('pools with a 1e12 SAME_UPPER kernel without walking it: every window is the whole 4×4 input', () => {
    const average = model({
      inputs: [{ name: 'x', shape: [1, 1, 4, 4] }],
      nodes: [
        {
          op: 'AveragePool',
          inputs: ['x'],
          outputs: ['y'],
          attrs: poolAttrs({ kernel: [1e12, 1e12], autoPad: 'SAME_UPPER' }),
        },
      ],
      outputs: [{ name: 'y', shape: [1, 1, 4, 4] }],
    });
    let values: number[] = [];
    const ms = elapsed(() => {
      values =
        evaluate(average, new Map([['x', iota([1, 1, 4, 4])]]))
          .get('y')
          ?.toNumbers() ?? [];
    });
    // SAME_UPPER keeps ceil(4/1) = 4 outputs per axis; each window clipped to the input holds all 16 values
    // 0..15, and count_include_pad = 0 divides by the 16 real taps: (0 + ... + 15) / 16 = 7.5.
    expect(values).toEqual(new Array(16).fill(7.5));
    expect(ms).toBeLessThan(1000);
  });

  it('pools an LpPool with a 2^31 SAME_LOWER kernel over whole columns', () => {
    const lp = model({
      inputs: [{ name: 'x', shape: [1, 1, 4, 4] }],
      nodes: [
        {
          op: 'LpPool',
          inputs: ['x'],
          outputs: ['y'],
          attrs: poolAttrs({ kernel: [2 ** 31, 1], autoPad: 'SAME_LOWER' }),
        },
      ],
      outputs: [{ name: 'y', shape: [1, 1, 4, 4] }],
    });
    const y =
      evaluate(lp, new Map([['x', iota([1, 1, 4, 4])]]))
        .get('y')
        ?.toNumbers() ?? [];
    // x[r][c] = 4r + c; the window of every output covers all 4 rows of its column: sqrt(Σ_r (4r + c)^2).
    const column = (c: number): number =>
      Math.fround(Math.sqrt([0, 1, 2, 3].reduce((s, r) => s + (4 * r + c) ** 2, 0)));
    expect(y.slice(0, 4)).toEqual([0, 1, 2, 3].map(column));
    expect(y.slice(12, 16)).toEqual([0, 1, 2, 3].map(column));
  });
});

describe('shape inference within the limits', () => {
  it('refuses a Reshape whose shape input is declared with 2^31 - 1 elements before making the shape', () => {
    const reshape = model({
      inputs: [
        { name: 'x', shape: [1] },
        { name: 's', dtype: DataType.INT64, shape: [2 ** 31 - 1] },
      ],
      nodes: [{ op: 'Reshape', inputs: ['x', 's'], outputs: ['y'] }],
      outputs: [{ name: 'y' }],
    });
    let error: unknown;
    const ms = elapsed(() => {
      error = thrown(() => inferGraphShapes(reshape.graph, reshape.opset));
    });
    expect(error).toMatchObject({ code: 'E_LIMIT', limit: 'maxRank', requested: 2 ** 31 - 1 });
    expect(String(error)).toMatch(/Reshape node 'Reshape_0'/);
    expect(ms).toBeLessThan(1000);
  });

  it('refuses a Range whose length is not a safe integer (delta 1e-30 over [0, 1))', () => {
    const range = model({
      inits: {
        start: Tensor.float32([], [0]),
        limit: Tensor.float32([], [1]),
        delta: Tensor.float32([], [1e-30]),
      },
      nodes: [{ op: 'Range', inputs: ['start', 'limit', 'delta'], outputs: ['y'] }],
      outputs: [{ name: 'y' }],
    });
    expect(thrown(() => inferGraphShapes(range.graph, range.opset))).toMatchObject({ limit: 'maxTensorElements' });
    expect(thrown(() => evaluate(range, new Map()))).toBeInstanceOf(LimitError);
  });

  it('refuses an Unsqueeze of 100,000 axes by the rank limit, quickly', () => {
    const unsqueeze = model({
      inputs: [{ name: 'x', shape: [1] }],
      inits: {
        axes: Tensor.int64(
          [100_000],
          Array.from({ length: 100_000 }, (_, i) => i + 1),
        ),
      },
      nodes: [{ op: 'Unsqueeze', inputs: ['x', 'axes'], outputs: ['y'] }],
      outputs: [{ name: 'y' }],
    });
    const ms = elapsed(() => {
      expect(thrown(() => inferGraphShapes(unsqueeze.graph, unsqueeze.opset))).toMatchObject({ limit: 'maxRank' });
    });
    expect(ms).toBeLessThan(1000);
  });
});

describe('the checker on hostile models', () => {
  it('reports pads >= kernel of a MaxPool, naming pads and kernel, as onnxruntime refuses them', () => {
    const pool = model({
      inputs: [{ name: 'x', shape: [1, 1, 4, 4] }],
      nodes: [
        { op: 'MaxPool', inputs: ['x'], outputs: ['y'], attrs: poolAttrs({ kernel: [2, 2], pads: [2, 0, 2, 0] }) },
      ],
      outputs: [{ name: 'y', shape: [1, 1, 7, 3] }],
    });
    expect(checkModel(pool)).toEqual([
      "MaxPool node 'MaxPool_0': pads [2,0,2,0] must be smaller than kernel_shape [2,2] " +
        '(spatial axis 0: pads 2, 2 vs kernel 2); onnxruntime refuses them',
    ]);
  });

  it('reports a declared [1, 1, H, W] that the graph makes [1, 1, H + 7, W + 7]', () => {
    const padded = model({
      inputs: [{ name: 'x', shape: [1, 1, SymDim.named('H'), SymDim.named('W')] }],
      inits: { pads: Tensor.int64([8], [0, 0, 4, 4, 0, 0, 3, 3]) },
      nodes: [{ op: 'Pad', inputs: ['x', 'pads'], outputs: ['y'] }],
      outputs: [{ name: 'y', shape: [1, 1, SymDim.named('H'), SymDim.named('W')] }],
    });
    const problems = checkModel(padded);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^Pad node 'Pad_0': output 'y'/);
    expect(problems[0]).toMatch(/declared float32\[1, 1, H, W\] but its inputs give float32\[1, 1, H \+ 7, W \+ 7\]/);
  });

  it('reports declared shapes whose element count overflows or passes the limit, and a too-new opset', () => {
    const big = model({
      opset: 999,
      inputs: [{ name: 'x', shape: [2 ** 40, 2 ** 40] }],
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      outputs: [{ name: 'y', shape: [2 ** 40, 2 ** 40] }],
    });
    const problems = checkModel(big).join('\n');
    expect(problems).toMatch(/opset 999 is newer than sppkit knows/);
    expect(problems).toMatch(/graph input 'x' \[1099511627776, 1099511627776\] would hold 1\.209e\+24 elements/);
    const large = model({
      inputs: [{ name: 'x', shape: [2 ** 14, 2 ** 14] }],
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      outputs: [{ name: 'y', shape: [2 ** 14, 2 ** 14] }],
    });
    expect(checkModel(large, { maxTensorElements: 2 ** 28 })).toEqual([]);
    // Reported once per value: the input and the declared output, not again as the Relu's inferred output.
    expect(checkModel(large, { maxTensorElements: 2 ** 20 })).toEqual([
      "graph input 'x' [16384, 16384] would hold 268435456 elements, over the limit maxTensorElements=1048576",
      "graph output 'y' [16384, 16384] would hold 268435456 elements, over the limit maxTensorElements=1048576",
    ]);
  });
});

describe('other allocations from a model', () => {
  it('fold-constants keeps an Expand of constants to [1e6, 1e6] as computation instead of allocating it', () => {
    const constants = model({
      inits: { one: Tensor.float32([1], [1]), shape: Tensor.int64([2], [1e6, 1e6]) },
      inputs: [{ name: 'x', shape: [1] }],
      nodes: [
        { op: 'Expand', inputs: ['one', 'shape'], outputs: ['e'] },
        { op: 'Add', inputs: ['e', 'x'], outputs: ['y'] },
      ],
      outputs: [{ name: 'y' }],
    });
    const { modified, notes } = foldConstants(constants);
    expect(modified).toBe(false);
    expect(notes.join('\n')).toMatch(/kept Expand node 'Expand_0'.*maxTensorElements=65536/);
  });

  it('refuses random inputs past the element limit before making them', () => {
    const declared = model({
      inputs: [{ name: 'x', shape: [1, 1, 2 ** 31, 1] }],
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      outputs: [{ name: 'y' }],
    });
    expect(() => randomFeeds(declared, 0, new Map())).toThrow(
      /random input 'x' float32\[1, 1, 2147483648, 1\] needs 2147483648 elements/,
    );
  });

  it('refuses external data past maxExternalDataBytes when the model is loaded, before reading it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sppkit-limits-'));
    const weights = model({
      inputs: [{ name: 'x', shape: [1024] }],
      inits: { w: iota([1024]) },
      nodes: [{ op: 'Add', inputs: ['x', 'w'], outputs: ['y'] }],
      outputs: [{ name: 'y', shape: [1024] }],
    });
    const path = join(dir, 'w.onnx');
    saveModel(path, weights, { externalDataThreshold: 16 });
    expect(loadModel(path).graph.initializers.get('w')?.constValue?.size).toBe(1024);
    const error = thrown(() => loadModel(path, { limits: { maxExternalDataBytes: 4095 } }));
    expect(error).toMatchObject({ code: 'E_LIMIT', limit: 'maxExternalDataBytes', requested: 4096 });
    expect(String(error)).toMatch(/initializer 'w'/);
  });

  it('refuses a decoded graph past maxNodes before making its nodes', () => {
    const chain = model({
      inputs: [{ name: 'x', shape: [1] }],
      nodes: Array.from({ length: 10 }, (_, i) => ({
        op: 'Relu',
        inputs: [i === 0 ? 'x' : `v${i - 1}`],
        outputs: [`v${i}`],
      })),
      outputs: [{ name: 'v9' }],
    });
    const bytes = encodeModel(chain);
    expect(decodeModel(bytes, 'chain.onnx', { limits: { maxNodes: 10 } }).graph.nodes).toHaveLength(10);
    expect(thrown(() => decodeModel(bytes, 'chain.onnx', { limits: { maxNodes: 9 } }))).toMatchObject({
      limit: 'maxNodes',
      requested: 10,
    });
  });
});
