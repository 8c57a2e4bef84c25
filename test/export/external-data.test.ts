import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/ir/dtype.js';
import { DecodeError } from '../../src/ir/errors.js';
import { Graph, Model } from '../../src/ir/graph.js';
import { Tensor } from '../../src/ir/tensor.js';
import type { Value } from '../../src/ir/value.js';
import { decodeModel, encodeModel } from '../../src/export/model.js';
import { loadModel, saveModel } from '../../src/export/io-node.js';
import { diffModels } from './ir-compare.js';

function weightsModel(): Model {
  const graph = new Graph('weights');
  const x = graph.addInput('x', { dtype: DataType.FLOAT, shape: [1, 300] });
  const big = graph.addInitializer(
    'big',
    new Tensor(
      DataType.FLOAT,
      [300],
      Float32Array.from({ length: 300 }, (_, i) => i / 7),
    ),
  );
  const small = graph.addInitializer('small', Tensor.float32([1], [3]));
  const ids = graph.addInitializer(
    'ids',
    new Tensor(
      DataType.INT64,
      [129],
      BigInt64Array.from({ length: 129 }, (_, i) => BigInt(i) - 64n),
    ),
  );
  const add = graph.addNode({ opType: 'Add', inputs: [x, big], outputs: ['sum'] });
  const mul = graph.addNode({ opType: 'Mul', inputs: [add.outputs[0] as Value, small], outputs: ['y'] });
  graph.addNode({ opType: 'Identity', inputs: [ids], outputs: ['ids_out'] });
  graph.addOutput(mul.outputs[0] as Value);
  return new Model(graph, 17);
}

describe('external data', () => {
  it('saves large initializers to a side file and loads them back unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sppkit-external-'));
    const path = join(dir, 'model.onnx');
    const model = weightsModel();
    saveModel(path, model, { externalDataThreshold: 1000 });
    // big (1200 bytes) and ids (1032 bytes) go out; small (4 bytes) stays inline, in initializer order.
    expect(statSync(join(dir, 'model.onnx.data')).size).toBe(1200 + 1032);
    expect(statSync(path).size).toBeLessThan(encodeModel(model).length - 2000);
    expect(diffModels(model, loadModel(path))).toEqual([]);
  });

  it('writes correct offsets with alignment and a custom file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sppkit-external-'));
    const path = join(dir, 'aligned.onnx');
    saveModel(path, weightsModel(), {
      externalDataThreshold: 1000,
      externalDataFile: 'weights.bin',
      externalDataAlignment: 4096,
    });
    const data = readFileSync(join(dir, 'weights.bin'));
    // ids starts at the next multiple of 4096 after big's 1200 bytes.
    expect(data.length).toBe(4096 + 1032);
    expect(new BigInt64Array(data.buffer.slice(data.byteOffset + 4096, data.byteOffset + 4096 + 16))).toEqual(
      BigInt64Array.of(-64n, -63n),
    );
    expect(diffModels(weightsModel(), loadModel(path))).toEqual([]);
  });

  it('refuses external data without a reader, and locations outside the model folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sppkit-external-'));
    const path = join(dir, 'model.onnx');
    saveModel(path, weightsModel(), { externalDataThreshold: 1000 });
    const bytes = new Uint8Array(readFileSync(path));
    expect(() => decodeModel(bytes, 'model.onnx')).toThrow(
      /initializer 'big': data is in external file 'model\.onnx\.data', but no external data reader/,
    );
    expect(() =>
      saveModel(path, weightsModel(), { externalDataThreshold: 1, externalDataFile: '../escape.bin' }),
    ).toThrow(/leaves the model's folder/);
  });

  it('reports a missing side file as a DecodeError naming the tensor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sppkit-external-'));
    const path = join(dir, 'model.onnx');
    saveModel(path, weightsModel(), { externalDataThreshold: 1000, externalDataFile: 'gone.bin' });
    const bytes = new Uint8Array(readFileSync(path));
    const failing = {
      read(): Uint8Array {
        throw new Error('no such file');
      },
    };
    expect(() => decodeModel(bytes, path, { externalData: failing })).toThrow(DecodeError);
    expect(() => decodeModel(bytes, path, { externalData: failing })).toThrow(
      /initializer 'big': cannot read external data 'gone\.bin'/,
    );
  });
});
