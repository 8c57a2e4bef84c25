import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { decodeModel, encodeModel } from '../../src/export/model.js';
import { Attr } from '../../src/ir/attribute.js';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { foldBnPass } from '../../src/transform/passes/fold-bn.js';
import { foldConstants } from '../../src/transform/passes/fold-constants.js';
import { convertOpset } from '../../src/transform/passes/opset.js';
import { parsePassList } from '../../src/transform/passes/registry.js';
import { runPasses } from '../../src/transform/passes/pass.js';
import { sppToSppfPass } from '../../src/transform/passes/spp-to-sppf.js';
import { Tensor, tensorsIdentical } from '../../src/ir/tensor.js';
import { compareTensors } from '../../src/runtime/compare.js';
import { evaluate } from '../../src/runtime/reference.js';
import { randomInput } from './helpers.js';

/** Conv(3->4, 3x3, pad 1) + BatchNormalization with hand-picked parameters. */
function convBn(eps = 1e-3) {
  const b = new GraphBuilder({ opset: 17 });
  const x = b.input('x', DataType.FLOAT, [1, 3, 6, 6]);
  const w = b.constant('w', randomInput([4, 3, 3, 3], 11));
  const bias = b.constant('cb', Tensor.float32([4], [0.5, -0.25, 0, 1]));
  const y = b.conv(x, w, bias, { kernelShape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'conv' });
  const bn = b.batchNormalization(
    y,
    b.constant('s', Tensor.float32([4], [1, 2, 0.5, -1])),
    b.constant('b', Tensor.float32([4], [0, 0.1, -0.2, 0.3])),
    b.constant('m', Tensor.float32([4], [0.2, -0.1, 0, 0.5])),
    b.constant('v', Tensor.float32([4], [1, 0.25, 4, 0.01])),
    { epsilon: eps },
    { name: 'bn' },
  );
  b.output(b.relu(bn), 'out');
  return b.build();
}

describe('fold-bn', () => {
  it('folds Conv + BatchNormalization into one Conv within 1e-5 relative of the unfused graph', () => {
    const original = convBn();
    const model = convBn();
    const result = foldBnPass.run(model);
    expect(result.modified).toBe(true);
    expect(model.graph.nodes.map((n) => n.opType)).toEqual(['Conv', 'Relu']);
    expect([...model.graph.initializers.keys()].some((k) => ['s', 'b', 'm', 'v', 'w', 'cb'].includes(k))).toBe(false);
    const feeds = new Map([['x', randomInput([1, 3, 6, 6], 12)]]);
    const [want, got] = [evaluate(original, feeds).get('out'), evaluate(model, feeds).get('out')];
    expect(want !== undefined && got !== undefined && compareTensors(got, want, { atol: 1e-6, rtol: 1e-5 }).ok).toBe(
      true,
    );
  });

  it('refuses a BatchNormalization whose statistics are graph inputs, naming the value', () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, [1, 2, 4, 4]);
    const mean = b.input('mean', DataType.FLOAT, [2]);
    const y = b.conv(x, b.constant('w', randomInput([2, 2, 1, 1], 1)), null, {}, { name: 'conv' });
    const one = Tensor.float32([2], [1, 1]);
    b.output(
      b.batchNormalization(
        y,
        b.constant('s', one),
        b.constant('b', one),
        mean,
        b.constant('v', one),
        {},
        { name: 'bn' },
      ),
      'out',
    );
    const result = foldBnPass.run(b.build());
    expect(result.modified).toBe(false);
    expect(result.events?.[0]?.detail).toMatch(/mean 'mean' of BatchNormalization node 'bn' is not a constant/);
  });
});

describe('fold-constants', () => {
  it('evaluates constant subgraphs with the reference kernels, keeping value names, and respects the size cap', () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, [2, 3]);
    const sum = b.add(
      b.constant('a', Tensor.float32([2, 3], [1, 2, 3, 4, 5, 6])),
      b.constant('c', Tensor.float32([3], [10, 20, 30])),
      { name: 'sum', outputs: ['sum_value'] },
    );
    b.output(b.mul(x, sum), 'y');
    const model = b.build();
    expect(foldConstants(model, 5).modified).toBe(false);
    const { modified, notes } = foldConstants(model, 6);
    expect(modified).toBe(true);
    expect(notes[0]).toBe('folded 1 node(s) into initializers (Add×1)');
    expect(model.graph.initializers.get('sum_value')?.constValue?.toNumbers()).toEqual([11, 22, 33, 14, 25, 36]);
    expect(model.graph.initializers.has('a')).toBe(false);
  });
});

describe('opset conversion', () => {
  function reduceModel(opset: number) {
    const b = new GraphBuilder({ opset });
    const x = b.input('x', DataType.FLOAT, [2, 3, 4]);
    b.output(b.reduceMax(x, { axes: [1], keepdims: 0 }, { name: 'rmax' }), 'y');
    return b.build();
  }

  it('moves ReduceMax axes from attribute (13) to input (23) and back, with identical outputs', () => {
    const model = reduceModel(13);
    const feeds = new Map([['x', randomInput([2, 3, 4], 2)]]);
    const want = evaluate(model, feeds).get('y');
    expect(convertOpset(model, 23)).toMatchObject({ ok: true, changed: true });
    expect(model.opset).toBe(23);
    expect(model.irVersion).toBe(11);
    const node = model.graph.nodes[0];
    expect(node?.attributes.has('axes')).toBe(false);
    expect(node?.inputs[1]?.constValue?.toNumbers()).toEqual([1]);
    const up = evaluate(model, feeds).get('y');
    expect(convertOpset(model, 13)).toMatchObject({ ok: true });
    expect(model.graph.nodes[0]?.attributes.get('axes')).toEqual(Attr.ints([1]));
    const down = evaluate(model, feeds).get('y');
    for (const got of [up, down])
      expect(want !== undefined && got !== undefined && tensorsIdentical(got, want)).toBe(true);
  });

  it('refuses (model unchanged) an attribute the target opset lacks, naming the node', () => {
    const b = new GraphBuilder({ opset: 19 });
    const x = b.input('x', DataType.FLOAT, [1, 1, 5, 5]);
    b.output(b.averagePool(x, { kernelShape: [2, 2], dilations: [2, 2] }, { name: 'dilated' }), 'y');
    const model = b.build();
    const result = convertOpset(model, 13);
    expect(result).toEqual({
      ok: false,
      blocker:
        "AveragePool node 'dilated': attribute 'dilations' is not available at opset 13 " +
        'and is not at its default value',
    });
    expect(model.opset).toBe(19);
  });
});

describe('round trip of an untouched part', () => {
  it('keeps metadata, doc strings, value names, initializer bytes and other domains after a rewrite', () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, [1, 2, 8, 8]);
    const w = b.constant('keep_w', randomInput([2, 2, 1, 1], 5));
    const y = b.conv(x, w, null, {}, { name: 'conv', outputs: ['conv_out'] });
    const pools = [5, 9, 13].map((k) =>
      b.maxPool(y, { kernelShape: [k, k], pads: Array(4).fill(k >> 1) }, { name: `mp${k}` }),
    );
    b.output(b.concat([y, ...pools], { axis: 1 }), 'y');
    const model = b.build();
    model.docString = 'model doc';
    model.metadataProps.set('author', 'someone');
    model.opsetImports.set('com.example', 3);
    model.graph.docString = 'graph doc';
    const conv = model.graph.nodes.find((n) => n.name === 'conv');
    if (conv !== undefined) conv.docString = 'conv doc';
    const decoded = decodeModel(encodeModel(model));
    const { results } = runPasses(decoded, [sppToSppfPass]);
    expect(results[0]?.modified).toBe(true);
    const again = decodeModel(encodeModel(decoded));
    expect(again.docString).toBe('model doc');
    expect(again.metadataProps.get('author')).toBe('someone');
    expect(again.opsetImports.get('com.example')).toBe(3);
    expect(again.graph.docString).toBe('graph doc');
    expect(again.graph.nodes.find((n) => n.name === 'conv')?.docString).toBe('conv doc');
    expect(again.graph.nodes.find((n) => n.opType === 'Concat')?.inputs.map((v) => v?.name)).toEqual([
      'conv_out',
      'mp5_out',
      'mp9_out',
      'mp13_out',
    ]);
    const [before, after] = [
      model.graph.initializers.get('keep_w')?.constValue,
      again.graph.initializers.get('keep_w')?.constValue,
    ];
    expect(
      before !== undefined &&
        before !== null &&
        after !== undefined &&
        after !== null &&
        tensorsIdentical(before, after),
    ).toBe(true);
  });
});

describe('pass list and sppkit transform', () => {
  it('expands default and refuses unknown passes and missing arguments', () => {
    expect(parsePassList('default').map((p) => p.name)).toEqual(['fold-constants', 'fold-bn', 'spp-to-sppf', 'dce']);
    expect(() => parsePassList('nope')).toThrow(/unknown pass 'nope'/);
    expect(() => parsePassList('opset')).toThrow(/needs a target/);
    expect(parsePassList('opset=13,fold-constants=10').map((p) => p.name)).toEqual(['opset=13', 'fold-constants']);
  });

  it('writes the transformed model and, with --explain, says where a rule fired and where it was refused', async () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, [1, 2, 10, 10]);
    const good = [5, 9, 13].map((k) =>
      b.maxPool(x, { kernelShape: [k, k], pads: Array(4).fill(k >> 1) }, { name: `a${k}` }),
    );
    const z = b.relu(x, { name: 'other' });
    const bad = [5, 9, 13].map((k) =>
      b.maxPool(z, { kernelShape: [k, k], pads: Array(4).fill(k === 9 ? 3 : k >> 1) }, { name: `b${k}` }),
    );
    b.output(b.concat(good, { axis: 1 }), 'y');
    bad.forEach((value, i) => b.output(value, `bad${i}`));
    const dir = mkdtempSync(join(tmpdir(), 'sppkit-transform-'));
    const input = join(dir, 'in.onnx');
    writeFileSync(input, encodeModel(b.build()));
    const lines: string[] = [];
    const code = await main(
      ['transform', input, '-o', join(dir, 'out.onnx'), '--passes', 'spp-to-sppf', '--explain'],
      (l) => lines.push(l),
      (l) => lines.push(l),
    );
    expect(code).toBe(0);
    const text = lines.join('\n');
    expect(text).toMatch(/spp-to-sppf: changed/);
    expect(text).toMatch(/fired\s+MaxPool node 'a5', MaxPool node 'a9', MaxPool node 'a13'/);
    expect(text).toMatch(
      /refused MaxPool node 'b5', MaxPool node 'b9', MaxPool node 'b13'\n\s+MaxPool node 'b9' has pads \[3, 3, 3, 3\]/,
    );
    const out = decodeModel(readFileSync(join(dir, 'out.onnx')));
    expect(out.graph.nodes.filter((n) => n.opType === 'MaxPool')).toHaveLength(6);
    expect(
      await main(
        ['transform', input, '-o', join(dir, 'x.onnx'), '--passes', 'bogus'],
        () => undefined,
        () => undefined,
      ),
    ).toBe(2);
  });
});
