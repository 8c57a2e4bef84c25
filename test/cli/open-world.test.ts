/**
 * The CLI on models with an op sppkit does not implement (test/golden/open-world, com.microsoft.Gelu), and the
 * golden command's exit codes and failure table.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../shared.js';
import { cli, tempDir, writeOffByQuarterCase } from './run-cli.js';

const CASE = join(REPO_ROOT, 'test', 'golden', 'open-world', 'conv-bn-hardswish-gelu-spp');
const MODEL = join(CASE, 'model.onnx');
const INPUT = `images=${join(CASE, 'test_data_set_0', 'input_0.pb')}`;
const dir = tempDir('cli-open');

describe('sppkit check / run / transform with an op sppkit does not implement', () => {
  it('check: exit 0, one warning for the op and one summary, no follow-on errors', async () => {
    const result = await cli('check', MODEL);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toBe(`${MODEL}: ok (2 warning(s))`);
    const lines = result.err.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/warning: op 'com\.microsoft\.Gelu' is not implemented by sppkit/);
  });

  it('run --backend ort-cpu: runs onnxruntime alone and says why the reference was skipped', async () => {
    const result = await cli('run', MODEL, '--backend', 'ort-cpu', '--input', INPUT);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain(
      'reference skipped: the reference cannot run this model: ops not implemented: com.microsoft.Gelu ×1; ' +
        'ort-cpu runs alone, unchecked',
    );
    expect(result.out).toMatch(/^ort-cpu\s+ok/m);
    expect(result.out).not.toMatch(/^ref\s/m);
  });

  it('run on the reference: exit 1, naming the missing op', async () => {
    const result = await cli('run', MODEL, '--input', INPUT);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/ops not implemented: com\.microsoft\.Gelu ×1/);
  });

  it('run summarizes an output of half a million elements (as a YOLO detection output has)', async () => {
    const model = join(dir, 'big.onnx');
    const built = await cli(
      'build',
      'max-pool',
      '--in-channels',
      '8',
      '--height',
      '256',
      '--width',
      '256',
      '-o',
      model,
    );
    expect(built.code, built.err).toBe(0);
    const result = await cli('run', model);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/^y: float32\[1, 8, \d+, \d+\] min -?[\d.e+-]+ max [\d.e+-]+ mean /m);
  });

  it('transform --passes default: folds both BatchNorms instead of aborting', async () => {
    const result = await cli('transform', MODEL, '-o', join(dir, 'out.onnx'), '--passes', 'default');
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/fold-bn: changed — 2 rewrite\(s\)/);
  });
});

describe('sppkit golden: exit codes and the failure table', () => {
  it('exit 2 with one line for a folder without cases, and for a symlink loop', async () => {
    const empty = tempDir('cli-empty');
    const none = await cli('golden', empty, '--backends', 'ref');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/^sppkit golden: golden: no golden case under '.*'/);
    expect(none.err.split('\n')).toHaveLength(1);
    const loop = tempDir('cli-loop');
    symlinkSync(loop, join(loop, 'again'));
    const looped = await cli('golden', loop, '--backends', 'ref');
    expect(looped.code).toBe(2);
    expect(looped.err).toMatch(/^sppkit golden: golden: symlink loop: '.*again' leads back to/);
    expect(looped.err).not.toMatch(/\n\s+at /);
  });

  it('exit 1, and the table shows the max abs error against the tolerance', async () => {
    const root = tempDir('cli-fail');
    // The mean of 1..4 is 2.5; 2.75 is off by 0.25.
    writeOffByQuarterCase(root, 'gap_off');
    const result = await cli('golden', root, '--backends', 'ref', '--quiet');
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^gap_off\s+fail 2\.5e-1 > 1\.0e-6\+0\*\|want\|$/m);
  });
});
