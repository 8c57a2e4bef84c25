import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTensorFile } from '../../src/export/io-node.js';
import { Tensor } from '../../src/ir/tensor.js';
import { haveSharedGolden, SHARED_GOLDEN } from '../shared.js';
import { cli, tempDir } from './run-cli.js';

const dir = tempDir('cli');

describe('sppkit CLI', () => {
  it('prints help with exit 0 and refuses an unknown command with exit 2', async () => {
    expect((await cli('--help')).code).toBe(0);
    const bad = await cli('frobnicate');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown command 'frobnicate'/);
  });

  it('has --help on every command', async () => {
    for (const command of [
      'build',
      'build-model',
      'run',
      'golden',
      'inspect',
      'check',
      'backends',
      'transform',
      'bench',
    ]) {
      const result = await cli(command, '--help');
      expect(result.code, command).toBe(0);
      expect(result.out, command).toMatch(/usage: sppkit/);
    }
  });

  it('builds a dynamic spp-adaptive model, checks it, inspects it and runs it', async () => {
    const file = join(dir, 'spa.onnx');
    const built = await cli(
      'build',
      'spp-adaptive',
      '--in-channels',
      '4',
      '--levels',
      '3,1',
      '--pool',
      'avg',
      '--height',
      'H',
      '--width',
      'W',
      '--check',
      '-o',
      file,
    );
    expect(built.code, built.err).toBe(0);
    expect(built.out).toMatch(/y float32\[1, 40\]/);
    expect((await cli('check', file)).code).toBe(0);
    const inspected = JSON.parse((await cli('inspect', file, '--json')).out) as { inputs: { type: string }[] };
    expect(inspected.inputs[0]?.type).toBe('float32[1, 4, H, W]');
    const run = await cli(
      'run',
      file,
      '--backend',
      'ort-cpu',
      '--dim',
      'H=7',
      '--dim',
      'W=5',
      '--output-dir',
      join(dir, 'out'),
    );
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/y: float32\[1, 40\]/);
  });

  it('passes pooling options through to the block (k3 s2 p1 ceil on 10×10 gives 6×6)', async () => {
    // ceil((10 + 2 - 3) / 2) + 1 = 6; the last window starts at 10 < 10 + 1, so it stays.
    const result = await cli(
      'build',
      'avg-pool',
      '--kernels',
      '3',
      '--stride',
      '2',
      '--pad',
      '1',
      '--ceil-mode',
      '--count-include-pad',
      '--in-channels',
      '3',
      '--height',
      '10',
      '--width',
      '10',
      '-o',
      join(dir, 'ap.onnx'),
    );
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/y float32\[1, 3, 6, 6\]/);
  });

  it('writes byte-identical files for the same build', async () => {
    const a = join(dir, 'a.onnx');
    const b = join(dir, 'b.onnx');
    expect((await cli('build', 'sppf', '--in-channels', '8', '--out-channels', '8', '--seed', '3', '-o', a)).code).toBe(
      0,
    );
    expect((await cli('build', 'sppf', '--in-channels', '8', '--out-channels', '8', '--seed', '3', '-o', b)).code).toBe(
      0,
    );
    expect(Buffer.compare(readFileSync(a), readFileSync(b))).toBe(0);
  });

  it('exits 2 with a message naming the option on bad usage', async () => {
    const noOut = await cli('build', 'sppf');
    expect(noOut.code).toBe(2);
    expect(noOut.err).toMatch(/-o model.onnx is required/);
    const badLevels = await cli('build', 'spp-adaptive', '--levels', '4,x', '-o', join(dir, 'x.onnx'));
    expect(badLevels.code).toBe(2);
    expect(badLevels.err).toMatch(/--levels must be a comma-separated list/);
    const badBlock = await cli('build', 'nope', '-o', join(dir, 'x.onnx'));
    expect(badBlock.err).toMatch(/unknown block 'nope'/);
  });

  it('refuses an input of the wrong shape with exit 2, naming the input and both shapes', async () => {
    const model = join(dir, 'mp.onnx');
    expect(
      (await cli('build', 'max-pool', '--in-channels', '2', '--height', '4', '--width', '4', '-o', model)).code,
    ).toBe(0);
    const input = join(dir, 'x.pb');
    writeTensorFile(
      input,
      Tensor.float32(
        [1, 2, 3, 3],
        Array.from({ length: 18 }, (_, i) => i),
      ),
      'x',
    );
    const result = await cli('run', model, '--input', `x=${input}`);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/input 'x' has shape \[1, 2, 3, 3\] but \[1, 2, 4, 4\] was declared/);
  });

  it('names the file when a model is malformed, with exit 2', async () => {
    const file = join(dir, 'broken.onnx');
    writeFileSync(file, Buffer.from([0x08, 0x07, 0x3a, 0xff, 0x01, 0x00]));
    const result = await cli('check', file);
    expect(result.code).toBe(2);
    expect(result.err).toContain(file);
  });

  it('exits 1 when check finds problems', async () => {
    if (!haveSharedGolden('check on an export')) return;
    // A valid file passes...
    const ok = await cli('check', join(SHARED_GOLDEN, 'torch-export', 'sppf_opset17_static_20x20.onnx'));
    expect(ok.code, ok.err).toBe(0);
  });

  it('refuses weights with a wrong shape, naming the tensor and both shapes', async () => {
    if (!haveSharedGolden('weights from golden params')) return;
    const params = join(SHARED_GOLDEN, 'torch', 'ultralytics_sppf_c8-8_n1c8h13w13', 'params');
    const good = await cli(
      'build',
      'sppf',
      '--in-channels',
      '8',
      '--out-channels',
      '8',
      '--weights',
      params,
      '-o',
      join(dir, 'w.onnx'),
    );
    expect(good.code, good.err).toBe(0);
    const bad = await cli(
      'build',
      'sppf',
      '--in-channels',
      '8',
      '--out-channels',
      '16',
      '--weights',
      params,
      '-o',
      join(dir, 'w2.onnx'),
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/cv2.conv.weight' has shape \[8, 16, 1, 1\] but the block needs \[16, 16, 1, 1\]/);
  });

  it('runs golden cases and writes the JSON report', async () => {
    if (!haveSharedGolden('golden runner')) return;
    const report = join(dir, 'report.json');
    const result = await cli(
      'golden',
      join(SHARED_GOLDEN, 'torch', 'ultralytics_sppf_c4-6_n2c4h7w11'),
      join(SHARED_GOLDEN, 'torch-export', 'sppf_opset17_dynamic_20x20.onnx'),
      '--backends',
      'ref,ort-cpu',
      '--json',
      report,
      '--quiet',
    );
    expect(result.code, result.out + result.err).toBe(0);
    const json = JSON.parse(readFileSync(report, 'utf8')) as {
      summary: { pass: number; fail: number };
      cases: { status: string }[];
    };
    expect(json.summary.pass).toBe(4);
    expect(json.summary.fail).toBe(0);
  });
});
