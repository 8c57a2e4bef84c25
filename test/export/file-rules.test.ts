/**
 * Issue 11: external data and weights files are read only from regular files inside the model's (or weights')
 * folder, only over the declared range, after checking it against the file size. Hostile layouts are built in a
 * temporary folder and must be refused with a typed error, quickly.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, readTensorFile, readWeightsFolder, writeTensorFile } from '../../src/export/io-node.js';
import { DataType } from '../../src/ir/dtype.js';
import { DecodeError, SppkitError } from '../../src/ir/errors.js';
import { Tensor } from '../../src/ir/tensor.js';
import { ProtoBytes } from './helpers.js';

/** onnx.proto field numbers used here. */
const T = { dims: 1, dataType: 2, name: 8, externalData: 13, dataLocation: 14 } as const;

/** A model whose one initializer `w` (float32[4], 16 bytes) is external data with the given entries. */
function modelWithExternal(entries: Readonly<Record<string, string>>): Uint8Array {
  const tensor = new ProtoBytes().int(T.dims, 4).int(T.dataType, DataType.FLOAT).string(T.name, 'w');
  for (const [key, value] of Object.entries(entries))
    tensor.message(T.externalData, new ProtoBytes().string(1, key).string(2, value));
  tensor.int(T.dataLocation, 1);
  const valueInfo = (name: string): ProtoBytes =>
    new ProtoBytes()
      .string(1, name)
      .message(
        2,
        new ProtoBytes().message(
          1,
          new ProtoBytes().int(1, DataType.FLOAT).message(2, new ProtoBytes().message(1, new ProtoBytes().int(1, 4))),
        ),
      );
  const node = new ProtoBytes().string(1, 'w').string(2, 'y').string(4, 'Identity');
  const graph = new ProtoBytes().message(1, node).string(2, 'g').message(5, tensor).message(12, valueInfo('y'));
  return new ProtoBytes().int(1, 8).message(7, graph).message(8, new ProtoBytes().string(1, '').int(2, 17)).finish();
}

const SIXTEEN_BYTES = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);

/** A fresh folder with `model.onnx` pointing at `location`, and a valid 16-byte `ok.bin`. */
function layout(entries: Readonly<Record<string, string>>): { dir: string; model: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sppkit-rules-'));
  writeFileSync(join(dir, 'ok.bin'), SIXTEEN_BYTES);
  const model = join(dir, 'model.onnx');
  writeFileSync(model, modelWithExternal(entries));
  return { dir, model };
}

/** Runs `action`, expecting a DecodeError matching `pattern` within a second. */
function expectRefused(action: () => unknown, pattern: RegExp): void {
  const started = performance.now();
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(performance.now() - started).toBeLessThan(1000);
  expect(caught).toBeInstanceOf(DecodeError);
  expect(caught).toBeInstanceOf(SppkitError);
  expect((caught as Error).message).toMatch(pattern);
}

describe('external data file rules', () => {
  it('reads a regular file inside the folder (and through a symlink that stays inside)', () => {
    const { dir, model } = layout({ location: 'inner.bin' });
    symlinkSync('ok.bin', join(dir, 'inner.bin'));
    expect(loadModel(model).graph.initializers.get('w')?.constValue?.toNumbers()).toEqual([1, 2, 3, 4]);
    expect(loadModel(model, { lazy: false }).graph.initializers.get('w')?.constValue?.toNumbers()).toEqual([
      1, 2, 3, 4,
    ]);
  });

  it('refuses a symlink to /etc/passwd, naming the tensor, the location and the reason', () => {
    const { dir, model } = layout({ location: 'passwd.bin', length: '16' });
    symlinkSync('/etc/passwd', join(dir, 'passwd.bin'));
    expectRefused(() => loadModel(model), /initializer 'w'.*'passwd\.bin'.*resolves to '\/etc\/passwd', outside/);
    expectRefused(() => loadModel(model, { lazy: false }), /outside the folder/);
  });

  it('refuses a symlink to /dev/zero', () => {
    const { dir, model } = layout({ location: 'zero.bin' });
    symlinkSync('/dev/zero', join(dir, 'zero.bin'));
    expectRefused(() => loadModel(model), /initializer 'w'.*'zero\.bin'.*resolves to '\/dev\/zero', outside/);
  });

  it('refuses a FIFO inside the folder without blocking on it', () => {
    const { dir, model } = layout({ location: 'pipe.bin', length: '16' });
    execFileSync('mkfifo', [join(dir, 'pipe.bin')]);
    expectRefused(() => loadModel(model), /initializer 'w'.*'pipe\.bin'.*is a FIFO, not a regular file/);
    expectRefused(() => loadModel(model, { lazy: false }), /is a FIFO/);
  });

  it('refuses a folder as the location', () => {
    const { dir, model } = layout({ location: 'sub' });
    mkdirSync(join(dir, 'sub'));
    expectRefused(() => loadModel(model), /'sub'.*is a folder, not a regular file/);
  });

  it("refuses a '..' location and an absolute location", () => {
    expectRefused(
      () => loadModel(layout({ location: '../ok.bin' }).model),
      /initializer 'w'.*leaves the model's folder/,
    );
    expectRefused(
      () => loadModel(layout({ location: '/etc/passwd' }).model),
      /initializer 'w'.*'\/etc\/passwd' must be relative/,
    );
  });

  it('refuses a declared length of 4e9 on a 16-byte file before allocating', () => {
    const { model } = layout({ location: 'ok.bin', length: '4000000000' });
    expectRefused(() => loadModel(model), /initializer 'w'.*needs 16 bytes of data but has 4000000000/);
  });

  it('refuses a range past the end of the file, and an offset past it', () => {
    expectRefused(
      () => loadModel(layout({ location: 'ok.bin', offset: '8', length: '16' }).model),
      /'ok\.bin'.*offset 8 \+ length 16 runs past the end of the 16-byte file/,
    );
    expectRefused(
      () => loadModel(layout({ location: 'ok.bin', offset: '4000000000' }).model),
      /offset 4000000000 is past the end of the 16-byte file/,
    );
  });

  it('refuses a missing file', () => {
    expectRefused(() => loadModel(layout({ location: 'gone.bin' }).model), /'gone\.bin'.*it does not exist/);
  });

  it('refuses, when the data is used, a file that changed after the model was loaded', () => {
    const { dir, model } = layout({ location: 'ok.bin' });
    const loaded = loadModel(model);
    const tensor = loaded.graph.initializers.get('w')?.constValue;
    expect(tensor?.materialized).toBe(false);
    writeFileSync(join(dir, 'ok.bin'), new Uint8Array(32));
    expectRefused(
      () => tensor?.data,
      /initializer 'w': external data 'ok\.bin': the file changed since it was checked/,
    );
  });

  it('refuses a model file that is a FIFO or a device', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sppkit-rules-'));
    execFileSync('mkfifo', [join(dir, 'fifo.onnx')]);
    expectRefused(() => loadModel(join(dir, 'fifo.onnx')), /fifo\.onnx: cannot read model: it is a FIFO/);
    expectRefused(
      () => loadModel('/dev/zero', { lazy: false }),
      /\/dev\/zero: cannot read model: it is a character device/,
    );
    expectRefused(() => readTensorFile(join(dir, 'fifo.onnx')), /cannot read tensor file: it is a FIFO/);
  });
});

describe('weights folder file rules', () => {
  function weightsFolder(): string {
    const dir = mkdtempSync(join(tmpdir(), 'sppkit-weights-'));
    writeTensorFile(join(dir, 'cv1.conv.weight.pb'), Tensor.float32([2], [1, 2]), 'cv1.conv.weight');
    return dir;
  }

  it('reads a folder of regular .pb files', () => {
    expect(readWeightsFolder(weightsFolder()).get('cv1.conv.weight')?.toNumbers()).toEqual([1, 2]);
  });

  it('refuses a .pb symlink to /etc/passwd or /dev/zero, and a .pb FIFO', () => {
    const passwd = weightsFolder();
    symlinkSync('/etc/passwd', join(passwd, 'x.pb'));
    expectRefused(() => readWeightsFolder(passwd), /x\.pb: weights file refused: it resolves to '\/etc\/passwd'/);
    const zero = weightsFolder();
    symlinkSync('/dev/zero', join(zero, 'z.pb'));
    expectRefused(() => readWeightsFolder(zero), /z\.pb: weights file refused: it resolves to '\/dev\/zero'/);
    const fifo = weightsFolder();
    execFileSync('mkfifo', [join(fifo, 'f.pb')]);
    expectRefused(() => readWeightsFolder(fifo), /f\.pb: weights file refused: it is a FIFO/);
  });

  it('applies the external data rules to the tensors of a weights folder', () => {
    const dir = weightsFolder();
    const tensor = new ProtoBytes().int(T.dims, 4).int(T.dataType, DataType.FLOAT).string(T.name, 'w');
    tensor.message(T.externalData, new ProtoBytes().string(1, 'location').string(2, 'p.bin')).int(T.dataLocation, 1);
    writeFileSync(join(dir, 'w.pb'), tensor.finish());
    symlinkSync('/etc/passwd', join(dir, 'p.bin'));
    expectRefused(() => readWeightsFolder(dir), /tensor 'w'.*'p\.bin'.*outside the folder/);
  });
});
