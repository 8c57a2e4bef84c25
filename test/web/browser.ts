/**
 * What the browser tests share: the app server and a headless Chromium (playwright-core with the system browser,
 * the flags of RUNTIME-NOTES.md), screenshots into out/, and downloads read back as bytes.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Download, Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../src/runtime/node/web-browser.js';
import { startWebApp, type WebApp } from '../../scripts/serve-web.js';

/** The Chromium executable, or undefined (the browser tests are then skipped, with a warning). */
export const chromiumPath = findChromium();
if (chromiumPath === undefined)
  console.warn('web page tests skipped: no Chromium (apt-get install chromium, or set SPPKIT_CHROMIUM)');

/** The repository's out/ folder (gitignored), where screenshots go. */
export const OUT_DIR = path.resolve(import.meta.dirname, '..', '..', 'out');

/** A served app and a browser to drive it. */
export interface Harness {
  readonly app: WebApp;
  readonly browser: Browser;
  close(): Promise<void>;
}

/** Starts the app on a free port and launches Chromium. */
export async function startHarness(): Promise<Harness> {
  const app = await startWebApp(0);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath ?? 'chromium',
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  return {
    app,
    browser,
    close: async () => {
      await browser.close();
      await app.close();
    },
  };
}

/** A full-page screenshot into out/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(OUT_DIR, `${name}.png`), fullPage: true });
}

/** Clicks `selector`, waits for the download it starts, and returns its suggested name and bytes. */
export async function downloadFrom(page: Page, selector: string): Promise<{ name: string; bytes: Uint8Array }> {
  const [download]: [Download, void] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = await download.path();
  return { name: download.suggestedFilename(), bytes: new Uint8Array(readFileSync(file)) };
}

/** Collects the page's uncaught errors (a test expects none). */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}
