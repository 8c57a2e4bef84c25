/**
 * Issue 12: initializer payloads stay views into the input bytes (or in their files) until a kernel or pass reads
 * them; encoding hands them over without copying; saving over the model that was loaded keeps its tensors
 * readable; models over a size limit get external data without being asked.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../../src/export/io-node.js';
import { LEAVE_IN_FILE_BYTES } from '../../src/export/model-file-node.js';
import { decodeModel, encodeModel, encodeModelParts } from '../../src/export/model.js';
import { DataType } from '../../src/ir/dtype.js';
import { Graph, Model } from '../../src/ir/graph.js';
import { Tensor, tensorsIdentical } from '../../src/ir/tensor.js';
import type { Value } from '../../src/ir/value.js';
import { prng } from '../../src/blocks/weights.js';
import { DecodeError } from '../../src/ir/errors.js';
import { diffModels } from './ir-compare.js';
import { findFiles, GOLDEN_DIR, haveGolden } from './helpers.js';

/** Two float32 initializers (one big enough to stay in the file when loaded) and an int64 one. */
function model(): Model {
  const graph = new Graph('lazy');
  const x = graph.addInput('x', { dtype: DataType.FLOAT, shape: [1] });
  const count = LEAVE_IN_FILE_BYTES / 4 + 10;
  const big = graph.addInitializer(
    'big',
    Tensor.float32(
      [count],
      Array.from({ length: count }, (_, i) => i / 3),
    ),
  );
  const small = graph.addInitializer('small', Tensor.float32([3], [0.5, -1, 2]));
  const ids = graph.addInitializer('ids', Tensor.int64([3], [-1, 0, 2 ** 40]));
  const add = graph.addNode({ opType: 'Add', inputs: [x, small], outputs: ['s'] });
  const gather = graph.addNode({ opType: 'Gather', inputs: [big, ids], outputs: ['g'] });
  const mul = graph.addNode({
    opType: 'Mul',
    inputs: [add.outputs[0] as Value, gather.outputs[0] as Value],
    outputs: ['y'],
  });
  graph.addOutput(mul.outputs[0] as Value);
  return new Model(graph, 17);
}

function initializer(m: Model, name: string): Tensor {
  const tensor = m.graph.initializers.get(name)?.constValue;
  if (tensor === null || tensor === undefined) throw new Error(`no initializer ${name}`);
  return tensor;
}

describe('zero-copy decode', () => {
  it('keeps initializer bytes as views into the input until data is read', () => {
    const bytes = encodeModel(model());
    const decoded = decodeModel(bytes);
    for (const name of ['big', 'small', 'ids']) {
      const tensor = initializer(decoded, name);
      expect(tensor.materialized, name).toBe(false);
      expect(tensor.littleEndianBytes().buffer, name).toBe(bytes.buffer);
    }
    // Reading data materializes: an aligned view of the same memory, or an aligned copy.
    const big = initializer(decoded, 'big');
    const offset = big.littleEndianBytes().byteOffset;
    const data = big.data as Float32Array;
    expect(big.materialized).toBe(true);
    expect(data.buffer === bytes.buffer).toBe(offset % 4 === 0);
    expect(data[3]).toBeCloseTo(1, 6);
    expect(tensorsIdentical(big, initializer(model(), 'big'))).toBe(true);
  });

  it('materializes unaligned payloads of a Node Buffer as copies of exactly their bytes', () => {
    const encoded = Buffer.from(encodeModel(model()));
    const offsets = new Set<number>();
    for (let shift = 0; shift < 4; shift += 1) {
      // A Buffer view at byte `shift` of a larger buffer: the payloads' offsets in it take every value mod 4.
      const bytes = Buffer.concat([Buffer.alloc(shift), encoded]).subarray(shift);
      const small = initializer(decodeModel(bytes), 'small');
      offsets.add(small.littleEndianBytes().byteOffset % 4);
      expect(small.toNumbers()).toEqual([0.5, -1, 2]);
      expect(initializer(decodeModel(bytes), 'ids').data).toEqual(BigInt64Array.of(-1n, 0n, 2n ** 40n));
    }
    expect(offsets.size).toBe(4);
  });

  it('encodes without materializing, handing the payload view over as a piece', () => {
    const bytes = encodeModel(model());
    const decoded = decodeModel(bytes);
    const parts = encodeModelParts(decoded).model;
    const big = initializer(decoded, 'big');
    const view = big.littleEndianBytes();
    expect(parts.pieces).toContain(view);
    expect(big.materialized).toBe(false);
    expect(Buffer.from(parts.toBytes()).equals(Buffer.from(bytes))).toBe(true);
  });

  it('makes tensors from bytes and sources that check their size and stay lazy through reshape', () => {
    const bytes = new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
    expect(() => Tensor.fromBytes(DataType.FLOAT, [5], bytes)).toThrow(/needs 20 bytes but 24 were given/);
    let reads = 0;
    const source = {
      byteLength: 24,
      readInto(target: Uint8Array, offset: number): void {
        reads += 1;
        target.set(bytes.subarray(offset, offset + target.length));
      },
      describe: () => 'test source',
    };
    const tensor = Tensor.fromSource(DataType.FLOAT, [2, 3], source);
    const reshaped = tensor.reshape([6]);
    expect(reshaped.pendingSource()).toBe(source);
    expect(reads).toBe(0);
    expect(reshaped.toNumbers()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(reads).toBe(1);
    expect(tensor.materialized).toBe(false);
  });
});

describe('loadModel and saveModel', () => {
  it('leaves large inline payloads in the model file and writes them back unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sppkit-lazy-'));
    const path = join(dir, 'm.onnx');
    writeFileSync(path, encodeModel(model()));
    const loaded = loadModel(path);
    expect(initializer(loaded, 'big').pendingSource()).toBeDefined();
    expect(initializer(loaded, 'small').pendingSource()).toBeUndefined();
    saveModel(join(dir, 'copy.onnx'), loaded);
    expect(initializer(loaded, 'big').materialized).toBe(false);
    expect(readFileSync(join(dir, 'copy.onnx')).equals(readFileSync(path))).toBe(true);
    expect(diffModels(loaded, decodeModel(readFileSync(path)))).toEqual([]);
  });

  it('saves over the loaded model, inline and with external data, keeping its tensors readable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sppkit-lazy-'));
    const path = join(dir, 'm.onnx');
    const original = model();
    saveModel(path, original, { externalDataThreshold: 16 });
    const loaded = loadModel(path);
    expect(initializer(loaded, 'big').pendingSource()).toBeDefined();
    // Same files again (the side file is replaced while its tensors still read it), then everything inline.
    saveModel(path, loaded, { externalDataThreshold: 16 });
    expect(initializer(loaded, 'big').materialized).toBe(false);
    expect(diffModels(loadModel(path), original)).toEqual([]);
    saveModel(path, loaded);
    expect(diffModels(loaded, original)).toEqual([]);
    expect(diffModels(loadModel(path), original)).toEqual([]);
  });

  it('moves initializers to external data by itself when the model would exceed the inline limit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sppkit-lazy-'));
    const path = join(dir, 'm.onnx');
    const inline = encodeModel(model()).length;
    const saved = saveModel(path, model(), { maxInlineBytes: inline - 1 });
    expect(saved.automaticExternalData).toBe(true);
    expect(saved.externalData?.tensors).toBe(1);
    expect(statSync(path).size).toBe(saved.length);
    expect(saved.length).toBeLessThan(2000);
    expect(statSync(join(dir, 'm.onnx.data')).size).toBe(LEAVE_IN_FILE_BYTES + 40);
    expect(diffModels(loadModel(path), model())).toEqual([]);
    expect(saveModel(path, model()).automaticExternalData).toBe(false);
  });
});

const present = haveGolden('export/lazy-io');

describe.skipIf(!present)('loadModel on the larger golden models', () => {
  const files = findFiles(GOLDEN_DIR, '.onnx').filter((file) => statSync(file).size > 100_000);

  it('gives the same IR as decoding the whole file, with the large payloads left in the file', () => {
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const loaded = loadModel(file);
      const pending = [...loaded.graph.initializers.values()].filter(
        (v) => v.constValue?.pendingSource() !== undefined,
      );
      expect(pending.length, file).toBeGreaterThan(0);
      expect(diffModels(loaded, decodeModel(readFileSync(file), file)), file).toEqual([]);
    }
  });

  /** 'ok', 'decode-error', or the unexpected error's text. */
  const outcome = (action: () => Model): { kind: string; model?: Model } => {
    try {
      return { kind: 'ok', model: action() };
    } catch (error) {
      if (error instanceof DecodeError && !error.detail.startsWith('unexpected ')) return { kind: 'decode-error' };
      return { kind: `${error instanceof Error ? error.name : typeof error}: ${String(error)}` };
    }
  };

  it('agrees with decodeModel on truncated and corrupted files', () => {
    const random = prng(7);
    const dir = mkdtempSync(join(tmpdir(), 'sppkit-lazy-fuzz-'));
    const path = join(dir, 'fuzz.onnx');
    for (const file of files.filter((name) => name.includes('512c_20x20')).slice(0, 4)) {
      const original = readFileSync(file);
      for (let i = 0; i < 12; i += 1) {
        const bytes = new Uint8Array(original);
        // Half truncations, half corruption of the first kilobytes (where the structure of the graph is).
        const mutated = i % 2 === 0 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes;
        if (i % 2 === 1)
          for (let f = 0; f < 3; f += 1) mutated[Math.floor(random() * 4096)] = Math.floor(random() * 256);
        writeFileSync(path, mutated);
        const lazy = outcome(() => loadModel(path));
        const whole = outcome(() => decodeModel(mutated, path));
        expect(lazy.kind, `${file} case ${i}`).toBe(whole.kind);
        if (lazy.model !== undefined && whole.model !== undefined)
          expect(diffModels(lazy.model, whole.model), `${file} case ${i}`).toEqual([]);
      }
    }
  });
});
