import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../../src/runtime/node/web-browser.js';
import { startWebApp, type WebApp } from '../../scripts/serve-web.js';

const chromium = findChromium();
if (chromium === undefined)
  console.warn('web page test skipped: no Chromium (apt-get install chromium, or set SPPKIT_CHROMIUM)');
const screenshot = path.resolve(import.meta.dirname, '..', '..', 'out', 'web-screenshot.png');

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

describe.skipIf(chromium === undefined)('the browser page', () => {
  let app: WebApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startWebApp(0);
    const { chromium: launcher } = await import('playwright-core');
    browser = await launcher.launch({
      executablePath: chromium ?? 'chromium',
      headless: true,
      args: [...CHROMIUM_ARGS],
    });
  });

  afterAll(async () => {
    await browser.close();
    await app.close();
  });

  it('builds SPP in the browser and agrees with the reference on WebGPU and wasm', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(app.url);
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 45_000 });
    const text = (await page.locator('#results').textContent()) ?? '';
    mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(errors).toEqual([]);
    expect(await page.getAttribute('body', 'data-state'), text).toBe('done');
    const found = rows(JSON.parse(text));
    const webgpu = found.find((row) => row.runtime.includes('WebGPU'));
    const wasm = found.find((row) => row.runtime.includes('wasm'));
    // The default model is sppAdaptive max: pooling is exact, so both must match the reference exactly.
    expect(webgpu, text).toMatchObject({ status: 'pass', maxAbsDiff: 0 });
    expect(wasm, text).toMatchObject({ status: 'pass', maxAbsDiff: 0 });
    await page.close();
  });

  it('reruns with another block (SPPF, convolutions) within 1e-4 of the reference', async () => {
    const page = await browser.newPage();
    await page.goto(app.url);
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
    await page.close();
  });
});
