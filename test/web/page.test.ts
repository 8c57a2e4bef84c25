/**
 * The Build tab in a real browser (headless Chromium): a block built in the page runs on onnxruntime-web's
 * WebGPU and wasm EPs and agrees with the reference; its pictures have the boxes and bins the model and the
 * adaptive-bin rule say; its download is byte for byte the file `sppkit build` writes for the same options; and
 * bad settings are shown in the CLI's words. WebGPU (slow on SwiftShader) runs in the first test only.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommand, buildModel } from '../../src/cli/commands/build.js';
import { decodeModel } from '../../src/export/model.js';
import { SppkitError } from '../../src/ir/errors.js';
import { chromiumPath, downloadFrom, OUT_DIR, pageErrors, screenshot, startHarness, type Harness } from './browser.js';

const screenshotFile = path.join(OUT_DIR, 'web-screenshot.png');
/** A run with WebGPU on SwiftShader takes tens of seconds on a loaded machine. */
const RUN_TIMEOUT = 110_000;

/** One row of the page's results JSON, read without trusting its shape. */
interface Row {
  readonly runtime: string;
  readonly status: string;
  readonly maxAbsDiff: number | undefined;
  readonly detail: string;
}

function rows(json: unknown): Row[] {
  const results: unknown = typeof json === 'object' && json !== null ? Reflect.get(json, 'results') : undefined;
  if (!Array.isArray(results)) return [];
  return results.map((item: unknown) => {
    const get = (key: string): unknown =>
      typeof item === 'object' && item !== null ? Reflect.get(item, key) : undefined;
    const diff = get('maxAbsDiff');
    return {
      runtime: String(get('runtime')),
      status: String(get('status')),
      maxAbsDiff: typeof diff === 'number' ? diff : undefined,
      detail: String(get('detail')),
    };
  });
}

describe.skipIf(chromiumPath === undefined)('the browser page', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness.close();
  });

  it(
    'builds SPP in the browser and agrees with the reference on WebGPU and wasm',
    async () => {
      const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
      const errors = pageErrors(page);
      await page.goto(harness.app.url);
      await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: RUN_TIMEOUT });
      const text = (await page.locator('#results').textContent()) ?? '';
      await page.screenshot({ path: screenshotFile, fullPage: true });
      await screenshot(page, 'web-build-spp-adaptive');
      expect(errors).toEqual([]);
      expect(await page.getAttribute('body', 'data-state'), text).toBe('done');
      const found = rows(JSON.parse(text));
      const webgpu = found.find((row) => row.runtime.includes('WebGPU'));
      const wasm = found.find((row) => row.runtime.includes('wasm'));
      // The default model is sppAdaptive max: pooling is exact, so both must match the reference exactly.
      expect(webgpu, text).toMatchObject({ status: 'pass', maxAbsDiff: 0 });
      expect(wasm, text).toMatchObject({ status: 'pass', maxAbsDiff: 0 });
      await page.close();
    },
    RUN_TIMEOUT + 10_000,
  );

  it(
    'reruns with another block (SPPF, convolutions) within 1e-4 of the reference',
    async () => {
      const page = await harness.browser.newPage();
      // WebGPU ran in the test above; here the reference and wasm (?webgpu=0 unticks it), to keep the test short.
      await page.goto(`${harness.app.url}?webgpu=0`);
      await page.waitForSelector('body[data-state="done"]', { timeout: 45_000 });
      await page.selectOption('select[name="block"]', 'sppf');
      await page.fill('input[name="channels"]', '8');
      await page.click('#run');
      await page.waitForSelector('body[data-state="done"]', { timeout: 45_000 });
      const text = (await page.locator('#results').textContent()) ?? '';
      expect(text).toContain('"block": "sppf"');
      for (const row of rows(JSON.parse(text))) {
        expect(row.status, `${row.runtime}: ${row.detail}`).toBe('pass');
        expect(row.maxAbsDiff ?? Infinity).toBeLessThanOrEqual(1e-4);
      }
      await screenshot(page, 'web-build-sppf');
      await page.close();
    },
    RUN_TIMEOUT,
  );

  it('draws one box per node and every adaptive bin, and downloads the file `sppkit build` writes', async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = pageErrors(page);
    const settings = 'block=spp-adaptive&channels=8&height=13&width=11&dynamic=on&levels=6,3,2,1&pool=avg';
    await page.goto(`${harness.app.url}?${settings}&webgpu=0&wasm=0`);
    await page.waitForSelector('body[data-state="done"]', { timeout: 45_000 });
    await screenshot(page, 'web-build-dynamic-avg');
    const dir = mkdtempSync(path.join(tmpdir(), 'sppkit-web-build-'));
    const cliFile = path.join(dir, 'cli.onnx');
    const argv = ['spp-adaptive', '--in-channels', '8', '--levels', '6,3,2,1', '--pool', 'avg'];
    await buildCommand([...argv, '--height', 'H', '--width', 'W', '-o', cliFile], () => undefined);
    const cli = new Uint8Array(readFileSync(cliFile));
    const model = decodeModel(cli, cliFile);
    // Every node is a box of its own (no Constant node is folded into another's box here).
    expect(model.graph.nodes.some((node) => node.opType === 'Constant')).toBe(false);
    expect(await page.locator('#graph-view svg g.node.op').count()).toBe(model.graph.nodes.length);
    // Levels 6, 3, 2, 1: 36 + 9 + 4 + 1 bins, drawn on the 13×11 input fed to the dynamic model.
    expect(await page.locator('#pyramid-view svg rect.bin').count()).toBe(36 + 9 + 4 + 1);
    // Level 6 on 13 rows: bin i covers [floor(13i/6), ceil(13(i+1)/6)), so neighbours overlap by a row.
    const level6 = page.locator('#pyramid-view svg g.panel').first().locator('rect.bin[data-bin$=",0"]');
    expect(await level6.evaluateAll((rects) => rects.map((r) => r.getAttribute('data-rows')))).toEqual([
      '0,3',
      '2,5',
      '4,7',
      '6,9',
      '8,11',
      '10,13',
    ]);
    const downloaded = await downloadFrom(page, '#download-model');
    expect(downloaded.name).toBe('spp-adaptive.onnx');
    expect(Buffer.from(downloaded.bytes).equals(Buffer.from(cli))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a refused setting in the CLI words, and says which blocks have window pictures', async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = pageErrors(page);
    await page.goto(`${harness.app.url}?block=spp-paper&dynamic=on&webgpu=0&wasm=0`);
    // What `sppkit build spp-paper --pool max --height H --width W` says (after `sppkit build: `).
    let cliMessage = '';
    try {
      buildModel({
        block: 'spp-paper',
        inChannels: 16,
        batch: 1,
        height: 'H',
        width: 'W',
        opset: 17,
        options: { pool: 'max' },
        weightsPath: undefined,
        seed: 0,
      });
    } catch (error) {
      if (error instanceof SppkitError) cliMessage = error.message;
    }
    expect(cliMessage).not.toBe('');
    await expect.poll(() => page.locator('#build-error').textContent()).toBe(cliMessage);
    expect(await page.locator('#run').isDisabled()).toBe(true);
    await screenshot(page, 'web-build-refused');
    await page.selectOption('select[name="block"]', 'global-avg-pool');
    await expect
      .poll(() => page.locator('#pyramid-view').textContent())
      .toContain('globalAvgPool has no window picture');
    expect(await page.locator('#build-error').isHidden()).toBe(true);
    expect(await page.locator('#graph-view svg g.node.op').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
