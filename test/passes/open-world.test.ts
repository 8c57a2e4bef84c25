/**
 * The open world: ops sppkit will never know (`com.example.Fancy`, a made-up default-domain `Foo`) leave their
 * outputs untyped or declared, and shape inference, the checker, the passes and the reference degrade gracefully.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { Attr } from '../../src/ir/attribute.js';
import { DataType } from '../../src/ir/dtype.js';
import { OpError, UnsupportedError } from '../../src/ir/errors.js';
import type { Model } from '../../src/ir/graph.js';
import { Tensor } from '../../src/ir/tensor.js';
import type { Value } from '../../src/ir/value.js';
import { evaluate, referenceBackend, referenceGaps } from '../../src/runtime/reference.js';
import { checkModel, checkModelReport, checkPass } from '../../src/transform/passes/check.js';
import { foldBnPass } from '../../src/transform/passes/fold-bn.js';
import { inferGraphTypes, inferShapesPass } from '../../src/transform/passes/infer-shapes.js';
import { onnxOpIntroducedIn } from '../../src/transform/passes/onnx-operators.js';
import { runPasses } from '../../src/transform/passes/pass.js';
import { parsePassList } from '../../src/transform/passes/registry.js';
import { ops } from '../../src/ops/core/registry.js';

const f32 = (shape: number[]) => ({ dtype: DataType.FLOAT, shape });

/** Adds `domain.opType` on `input` with output `name` (domain imported), as an exporter would. */
function custom(model: Model, input: Value, name: string, opType = 'Fancy', domain = 'com.example'): Value {
  if (domain !== '') model.opsetImports.set(domain, 1);
  const node = model.graph.addNode({ opType, domain, inputs: [input], outputs: [name], name });
  const output = node.outputs[0];
  if (output === undefined) throw new Error('no output');
  return output;
}

/**
 * x [1, 2, 9, 9] → com.example.Fancy → Conv 1×1 → BatchNormalization → SPP (MaxPool 5/9/13, Concat) → y,
 * with no intermediate type declared (`declare` keeps Fancy's output type, as value_info would).
 */
function convBnSppAfterFancy(declare = false): Model {
  const b = new GraphBuilder({ opset: 17, name: 'open' });
  const x = b.input('x', DataType.FLOAT, [1, 2, 9, 9]);
  const f = custom(b.model, x, 'f');
  f.type = f32([1, 2, 9, 9]);
  const c = b.conv(f, b.constant('w', Tensor.float32([2, 2, 1, 1], [1, 0.5, -0.5, 1])));
  const bn = b.batchNormalization(
    c,
    b.constant('scale', Tensor.float32([2], [2, 0.5])),
    b.constant('bias', Tensor.float32([2], [0.25, -1])),
    b.constant('mean', Tensor.float32([2], [0.5, -0.5])),
    b.constant('var', Tensor.float32([2], [3, 0.25])),
    { epsilon: 1e-3 },
  );
  const pools = [5, 9, 13].map((k) => b.maxPool(bn, { kernelShape: [k, k], pads: Array(4).fill(k >> 1) }));
  b.output(b.concat([bn, ...pools], { axis: 1 }), 'y');
  const model = b.build();
  for (const node of model.graph.nodes)
    for (const output of node.outputs) if (!output.isGraphOutput() && !(declare && output === f)) output.type = null;
  return model;
}

describe('shape inference in the open world', () => {
  it('leaves an unknown op untyped and goes on; what depends on it stays untyped, and nothing throws', () => {
    const model = convBnSppAfterFancy();
    const report = inferGraphTypes(model.graph, model.opset);
    expect(report.unknownOps.map((node) => node.name)).toEqual(['f']);
    expect(report.untyped.map((node) => node.opType)).toEqual([
      'Conv',
      'BatchNormalization',
      'MaxPool',
      'MaxPool',
      'MaxPool',
      'Concat',
    ]);
    expect(model.graph.outputs[0]?.type).toEqual(f32([1, 8, 9, 9]));
    const notes = inferShapesPass.run(convBnSppAfterFancy()).notes;
    expect(notes).toContain(
      'ops sppkit does not implement (their outputs keep the declared types): com.example.Fancy ×1',
    );
  });

  it('uses a declared type of the unknown op’s output and infers everything after it', () => {
    const model = convBnSppAfterFancy(true);
    const report = inferGraphTypes(model.graph, model.opset);
    expect(report.untyped).toEqual([]);
    const conv = model.graph.nodes.find((node) => node.opType === 'Conv');
    expect(conv?.outputs[0]?.type).toEqual(f32([1, 2, 9, 9]));
  });

  it('still rejects what is wrong with a node itself, even after an unknown op', () => {
    const model = convBnSppAfterFancy();
    const pool = model.graph.nodes.find((node) => node.opType === 'MaxPool');
    pool?.attributes.set('ceil', Attr.int(1));
    expect(() => inferGraphTypes(model.graph, model.opset)).toThrow(/attribute 'ceil' is not an attribute/);
  });

  it('still reports a declared type that contradicts inference', () => {
    const b = new GraphBuilder({ opset: 17 });
    const f = custom(b.model, b.input('x', DataType.FLOAT, [1, 1, 4, 4]), 'f');
    f.type = f32([1, 1, 4, 4]);
    const y = b.output(b.relu(f), 'y');
    // Relu keeps its input's shape: a declared [1, 1, 3, 3] contradicts the declared [1, 1, 4, 4] before it.
    y.type = f32([1, 1, 3, 3]);
    expect(() => inferGraphTypes(b.model.graph, b.model.opset)).toThrow(OpError);
  });
});

describe('the checker in the open world', () => {
  it('warns once per unknown op (with its node count), adds no follow-on noise, and calls the model valid', () => {
    const model = convBnSppAfterFancy();
    const x = model.graph.lookup('x');
    if (x === undefined) throw new Error('no x');
    custom(model, x, 'g');
    const report = checkModelReport(model);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([
      "op 'com.example.Fancy' is not implemented by sppkit (2 node(s): 'f', 'g'): not checked; " +
        'its outputs keep their declared types',
      "6 node(s) not type-checked because an input has no known type (first: Conv node 'Conv')",
    ]);
    expect(checkModel(model)).toEqual([]);
    expect(checkPass.run(model).notes[0]).toBe('model is valid');
  });

  it('errs on a default-domain op ONNX does not have, and on an ONNX op used before its opset', () => {
    const b = new GraphBuilder({ opset: 13 });
    const x = b.input('x', DataType.FLOAT, [2]);
    b.output(custom(b.model, custom(b.model, x, 'foo', 'Foo', ''), 'hs', 'HardSwish', ''), 'y');
    b.model.graph.outputs[0]!.type = f32([2]);
    const report = checkModelReport(b.model);
    expect(report.errors).toEqual([
      "Foo node 'foo': op 'Foo' is unknown to ONNX (the default domain has no such operator)",
      expect.stringMatching(/^HardSwish node 'hs': HardSwish does not exist at opset 13/),
    ]);
  });

  it('knows when ONNX introduced an op, including every op sppkit implements', () => {
    expect(onnxOpIntroducedIn('HardSwish')).toBe(14);
    expect(onnxOpIntroducedIn('Gelu')).toBe(20);
    expect(onnxOpIntroducedIn('FancyPool')).toBeUndefined();
    // Versions sppkit does not implement: Upsample-1 (experimental, `height_scale`/`width_scale` attributes).
    const laterThanOnnx: Readonly<Record<string, number>> = { Upsample: 1 };
    for (const [opType, op] of Object.entries(ops)) {
      expect(onnxOpIntroducedIn(opType), opType).toBe(laterThanOnnx[opType] ?? op.versions[0]);
    }
  });
});

describe('passes in the open world', () => {
  it('fold-bn folds a Conv whose input comes untyped from an unknown op: it needs only the constants', () => {
    const model = convBnSppAfterFancy();
    const result = foldBnPass.run(model);
    expect(result.modified).toBe(true);
    expect(model.graph.nodes.map((node) => node.opType)).toEqual([
      'Fancy',
      'Conv',
      'MaxPool',
      'MaxPool',
      'MaxPool',
      'Concat',
    ]);
    const conv = model.graph.nodes[1];
    // W' = W·s per output channel, s = scale/√(var + eps); B' = (0 − mean)·s + bias.
    const s = [2 / Math.sqrt(3.001), 0.5 / Math.sqrt(0.251)];
    const w = conv?.inputs[1]?.constValue?.toNumbers() ?? [];
    const bias = conv?.inputs[2]?.constValue?.toNumbers() ?? [];
    [1 * s[0]!, 0.5 * s[0]!, -0.5 * s[1]!, 1 * s[1]!].forEach((want, i) => expect(w[i]).toBeCloseTo(want, 6));
    [-0.5 * s[0]! + 0.25, 0.5 * s[1]! - 1].forEach((want, i) => expect(bias[i]).toBeCloseTo(want, 6));
    // The folded Conv's output is float32 (X and W share a type), its shape unknown.
    expect(conv?.outputs[0]?.type).toEqual({ dtype: DataType.FLOAT, shape: null });
  });

  it('a rewrite that needs the input type refuses that site with the reason instead of aborting', () => {
    const model = convBnSppAfterFancy();
    const before = model.graph.nodes.length;
    const { results } = runPasses(model, parsePassList('spp-to-sppf,separable-pool'));
    const events = results.flatMap((result) => result.events);
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) {
      expect(event.kind).toBe('refused');
      expect(event.detail).toMatch(/^input '.*' has no known type: .*com\.example.*not implemented by sppkit/);
    }
    expect(model.graph.nodes.length).toBe(before);
  });

  it('--passes default runs to the end with an unknown op upstream', () => {
    const { results } = runPasses(convBnSppAfterFancy(), parsePassList('default'));
    expect(results.map((result) => result.pass)).toEqual(['fold-constants', 'fold-bn', 'spp-to-sppf', 'dce']);
  });
});

describe('the reference in the open world', () => {
  function withMissingOps(): Model {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, [2]);
    const f1 = custom(b.model, b.relu(x), 'f1');
    const foo = custom(b.model, f1, 'foo', 'Foo', '');
    b.output(custom(b.model, foo, 'f2'), 'y');
    b.model.graph.outputs[0]!.type = f32([2]);
    return b.model;
  }

  it('names every missing op at once, with counts, before running anything', () => {
    const model = withMissingOps();
    const message = 'the reference cannot run this model: ops not implemented: com.example.Fancy ×2, Foo ×1';
    expect(referenceGaps(model)).toBe(message);
    // Even with no feeds at all: the op check comes first.
    expect(() => evaluate(model, new Map())).toThrow(UnsupportedError);
    expect(() => evaluate(model, new Map())).toThrow(message);
  });

  it('refuses the model at load, so runners report a skip with the reason', async () => {
    await expect(referenceBackend.load(withMissingOps())).rejects.toThrow(UnsupportedError);
    expect(referenceGaps(convBnSppAfterFancy())).toMatch(/com\.example\.Fancy ×1$/);
  });
});
