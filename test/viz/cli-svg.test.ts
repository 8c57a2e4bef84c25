/**
 * `sppkit inspect --svg` and `sppkit build --svg`: files written, usage errors (exit 2) for what cannot be drawn,
 * options in `--help`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../cli/run-cli.js';
import { byClass, parseXml, texts } from './xml.js';

const dir = tempDir('viz-cli');

describe('sppkit --svg', () => {
  it('lists --svg in the help of inspect and build', async () => {
    expect((await cli('inspect', '--help')).out).toContain('--svg');
    expect((await cli('build', '--help')).out).toMatch(/--svg FILE[\s\S]*static --height/);
  });

  it('build --svg draws the windows (alone, or beside the model)', async () => {
    const bins = join(dir, 'pictures', 'paper.svg');
    const only = await cli('build', 'spp-paper', '--height', '10', '--width', '10', '--svg', bins);
    expect(only.code).toBe(0);
    expect(only.out).toContain(`wrote ${bins}`);
    const root = parseXml(readFileSync(bins, 'utf8'));
    expect(byClass(root, 'panel')).toHaveLength(3);
    expect(texts(root)).toContain('read by no window: row 9; col 9');

    const model = join(dir, 'sppf.onnx');
    const both = await cli(
      'build',
      'sppf',
      '--in-channels',
      '8',
      '--height',
      '13',
      '--width',
      '13',
      '--svg',
      join(dir, 'sppf.svg'),
      '-o',
      model,
    );
    expect(both.code).toBe(0);
    expect(existsSync(model)).toBe(true);
    expect(byClass(parseXml(readFileSync(join(dir, 'sppf.svg'), 'utf8')), 'panel')).toHaveLength(3);
  });

  it('build --svg draws a refused size, and the model build then reports the refusal', async () => {
    const path = join(dir, 'refused.svg');
    const result = await cli(
      'build',
      'spp-paper',
      '--height',
      '7',
      '--width',
      '7',
      '--svg',
      path,
      '-o',
      join(dir, 'p.onnx'),
    );
    expect(result.code).toBe(2);
    expect(result.err).toContain('gives 6 bins, not 4');
    expect(byClass(parseXml(readFileSync(path, 'utf8')), 'refusal')).toHaveLength(1);
  });

  it('build --svg refuses dynamic sizes and blocks without a picture (exit 2)', async () => {
    const dynamic = await cli('build', 'spp-adaptive', '--height', 'H', '--width', '13', '--svg', join(dir, 'x.svg'));
    expect(dynamic.code).toBe(2);
    expect(dynamic.err).toContain('--svg needs a static size, got --height H --width 13');
    const pool = await cli('build', 'max-pool', '--svg', join(dir, 'y.svg'));
    expect(pool.code).toBe(2);
    expect(pool.err).toContain("no window picture for block 'max-pool'");
    expect(existsSync(join(dir, 'x.svg')) || existsSync(join(dir, 'y.svg'))).toBe(false);
    const neither = await cli('build', 'sppf');
    expect(neither.code).toBe(2);
    expect(neither.err).toContain('-o model.onnx is required');
  });

  it('inspect --svg draws the graph of a model file', async () => {
    const model = join(dir, 'adaptive.onnx');
    expect((await cli('build', 'spp-adaptive', '--height', 'H', '--width', 'W', '-o', model)).code).toBe(0);
    const svg = join(dir, 'graph.svg');
    const result = await cli('inspect', model, '--svg', svg);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`wrote ${svg}`);
    const root = parseXml(readFileSync(svg, 'utf8'));
    expect(byClass(root, 'input')).toHaveLength(1);
    expect(texts(root)).toContain('float32[1, 16, H, W]');
    const json = await cli('inspect', model, '--json', '--svg', svg);
    expect(JSON.parse(json.out)).toMatchObject({ svg });
  });
});
