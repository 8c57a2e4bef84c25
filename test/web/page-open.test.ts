/**
 * The Open tab in a real browser (headless Chromium): a local `.onnx` is opened (file input), summarized, checked
 * and drawn; passes run in the page's worker, and the file the page offers is byte for byte what `sppkit
 * transform` writes for the same passes. YOLOv5n (7.9 MB) opens with its picture while the page stays
 * responsive, and bad files are reported in the words of `sppkit check`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/export/model.js';
import { loadModel } from '../../src/export/io-node.js';
import { DataType } from '../../src/ir/dtype.js';
import { ConfigError } from '../../src/ir/errors.js';
import { Graph, Model } from '../../src/ir/graph.js';
import { parsePassList } from '../../src/transform/passes/registry.js';
import { haveSharedGolden, SHARED_GOLDEN } from '../shared.js';
import { runCliLines, tempDir } from '../cli/run-cli.js';
import { chromiumPath, downloadFrom, pageErrors, screenshot, startHarness, type Harness } from './browser.js';

const SPP_EXPORT = path.join(SHARED_GOLDEN, 'torch-export', 'torch2_spp_torchscript_opset17_static_64c_13x13.onnx');
const YOLO = path.join(SHARED_GOLDEN, 'real', 'yolov5n_dyn18_320x256', 'model.onnx');
const OPEN_TIMEOUT = 120_000;
const ready = chromiumPath !== undefined && haveSharedGolden('the Open tab browser tests');

async function openFile(page: Page, file: string): Promise<string> {
  await page.setInputFiles('#file', file);
  await page.waitForSelector('body[data-open-state="opened"], body[data-open-state="open-error"]', {
    timeout: OPEN_TIMEOUT,
  });
  return (await page.getAttribute('body', 'data-open-state')) ?? '';
}

describe.runIf(ready)('the Open tab', () => {
  let harness: Harness;
  const dir = tempDir('web-open');

  beforeAll(async () => {
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness.close();
  });

  it(
    'opens a PyTorch SPP export, runs default and separable-pool, and offers the bytes `sppkit transform` writes',
    async () => {
      const page = await harness.browser.newPage({ viewport: { width: 1400, height: 900 } });
      const errors = pageErrors(page);
      await page.goto(`${harness.app.url}#open`);
      await screenshot(page, 'web-open-empty');
      expect(await openFile(page, SPP_EXPORT)).toBe('opened');
      // inspect: 10 nodes (Conv, Sigmoid, Mul twice; 3 MaxPool; Concat); check: ok; one box per node.
      expect(await page.locator('#summary').textContent()).toContain('10 nodes · 4 initializers');
      expect(await page.locator('#summary .chip[data-op="MaxPool"]').textContent()).toBe('MaxPool×3');
      expect(await page.locator('#check .verdict.ok').count()).toBe(1);
      expect(await page.locator('#open-graph svg g.node.op').count()).toBe(10);
      await screenshot(page, 'web-open-spp-export');

      await page.fill('#passes', 'default,separable-pool');
      await page.click('#apply');
      await page.waitForSelector('body[data-open-state="transformed"], body[data-open-state="transform-error"]', {
        timeout: OPEN_TIMEOUT,
      });
      expect(await page.getAttribute('body', 'data-open-state')).toBe('transformed');
      await screenshot(page, 'web-open-spp-export-transformed');
      // spp-to-sppf: the parallel 5, 9, 13 pools become a chain of three 5×5 pools (one rewrite); separable-pool
      // splits each 5×5 into 1×5 then 5×1 (three rewrites): 3 MaxPool nodes become 6.
      const pass = (name: string): ReturnType<Page['locator']> => page.locator(`#explain li[data-pass="${name}"]`);
      expect(await pass('spp-to-sppf').getAttribute('data-modified')).toBe('true');
      expect(await pass('spp-to-sppf').locator('li.event.fired').count()).toBe(1);
      expect(await pass('separable-pool').locator('li.event.fired').count()).toBe(3);
      expect(await pass('fold-bn').getAttribute('data-modified')).toBe('false');
      const maxPoolRow = page.locator('#op-diff tbody tr[data-op="MaxPool"] td');
      expect(await maxPoolRow.allTextContents()).toEqual(['MaxPool', '3', '6', '+3']);
      // The pictures mark the six new pools in "after" and the three old ones in "before".
      const added = page.locator('#compare .viewer:nth-child(2) svg g.node.added');
      const removed = page.locator('#compare .viewer:nth-child(1) svg g.node.removed');
      expect(await added.evaluateAll((boxes) => boxes.map((b) => b.getAttribute('data-op')))).toEqual(
        Array<string>(6).fill('MaxPool'),
      );
      expect(await removed.evaluateAll((boxes) => boxes.map((b) => b.getAttribute('data-op')))).toEqual(
        Array<string>(3).fill('MaxPool'),
      );

      const downloaded = await downloadFrom(page, '#download-transformed');
      expect(downloaded.name).toBe('torch2_spp_torchscript_opset17_static_64c_13x13-transformed.onnx');
      const cliFile = path.join(dir, 'cli-transformed.onnx');
      expect(
        (await runCliLines(['transform', SPP_EXPORT, '-o', cliFile, '--passes', 'default,separable-pool'])).code,
      ).toBe(0);
      expect(Buffer.from(downloaded.bytes).equals(readFileSync(cliFile))).toBe(true);
      const saved = path.join(dir, downloaded.name);
      writeFileSync(saved, downloaded.bytes);
      expect(loadModel(saved).graph.nodes.filter((node) => node.opType === 'MaxPool')).toHaveLength(6);
      expect(errors).toEqual([]);

      // A pass list the CLI refuses is refused with the same words.
      await page.fill('#passes', 'fold-bn,bogus');
      await page.click('#apply');
      await page.waitForSelector('body[data-open-state="transform-error"]', { timeout: OPEN_TIMEOUT });
      let refusal = '';
      try {
        parsePassList('fold-bn,bogus');
      } catch (error) {
        if (error instanceof ConfigError) refusal = error.message;
      }
      expect(refusal).toMatch(/unknown pass 'bogus'/);
      expect(await page.locator('#transform-error pre.message').textContent()).toBe(refusal);
      await page.close();
    },
    OPEN_TIMEOUT + 30_000,
  );

  it(
    'opens YOLOv5n (7.9 MB) in its worker with its picture, while the page keeps responding',
    async () => {
      const page = await harness.browser.newPage({ viewport: { width: 1400, height: 900 } });
      const errors = pageErrors(page);
      // The longest gap between timer ticks on the page's thread, and every progress stage shown.
      await page.addInitScript(() => {
        const probe = { maxGapMs: 0, stages: [] as string[] };
        Reflect.set(window, '__probe', probe);
        let last = performance.now();
        setInterval(() => {
          const now = performance.now();
          probe.maxGapMs = Math.max(probe.maxGapMs, now - last);
          last = now;
        }, 20);
        new MutationObserver(() => {
          const stage = document.querySelector('#open-progress .stage')?.textContent ?? '';
          if (stage !== '' && !probe.stages.includes(stage)) probe.stages.push(stage);
        }).observe(document, { subtree: true, childList: true, characterData: true });
      });
      await page.goto(`${harness.app.url}#open`);
      // Stalls from here on: the page's own start (evaluating its bundle) is not the open.
      await page.evaluate(() => {
        const probe: unknown = Reflect.get(window, '__probe');
        if (typeof probe === 'object' && probe !== null) Reflect.set(probe, 'maxGapMs', 0);
      });
      const started = Date.now();
      expect(await openFile(page, YOLO)).toBe('opened');
      const openMs = Date.now() - started;
      await screenshot(page, 'web-open-yolov5n');
      const probe: unknown = await page.evaluate((): unknown => Reflect.get(window, '__probe'));
      const maxGapMs = Number(typeof probe === 'object' && probe !== null ? Reflect.get(probe, 'maxGapMs') : NaN);
      const stages: unknown = typeof probe === 'object' && probe !== null ? Reflect.get(probe, 'stages') : [];
      console.log(`YOLOv5n opened in ${openMs} ms; longest stall of the page's thread ${maxGapMs.toFixed(0)} ms`);
      const model = loadModel(YOLO);
      expect(model.graph.nodes).toHaveLength(236);
      expect(model.graph.nodes.some((node) => node.opType === 'Constant')).toBe(false);
      expect(await page.locator('#open-graph svg g.node.op').count()).toBe(236);
      expect(await page.locator('#summary').textContent()).toContain('236 nodes');
      // Zoom: "+" scales the picture by 1.25 (its CSS width; the viewBox scales the drawing).
      const width = (): Promise<number> =>
        page
          .locator('#open-graph svg')
          .first()
          .evaluate((svg) => svg.getBoundingClientRect().width);
      const before = await width();
      await page.locator('#open-graph .viewer-tools button[title="zoom in"]').click();
      expect((await width()) / before).toBeCloseTo(1.25, 2);
      // Progress went through the worker's stages while the page kept running its timers.
      expect(Array.isArray(stages) ? stages.length : 0).toBeGreaterThanOrEqual(3);
      expect(maxGapMs).toBeLessThan(openMs / 2);
      expect(errors).toEqual([]);
      await page.close();
    },
    OPEN_TIMEOUT + 30_000,
  );

  it('reports truncated, non-ONNX and unknown-op files in the words of `sppkit check`', async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = pageErrors(page);
    await page.goto(`${harness.app.url}#open`);
    const truncated = path.join(dir, 'truncated.onnx');
    writeFileSync(truncated, readFileSync(SPP_EXPORT).subarray(0, 3000));
    const text = path.join(dir, 'notes.onnx');
    writeFileSync(text, 'these are my notes, not a model\n');
    for (const file of [truncated, text]) {
      const { code, err } = await runCliLines(['check', file]);
      expect(code).toBe(2);
      // `sppkit check: <path>: <message>`; the page names the file as the browser gave it (its name).
      const message = (err[0] ?? '').replace(/^sppkit check: /, '').replace(file, path.basename(file));
      expect(await openFile(page, file)).toBe('open-error');
      expect(await page.locator('#open-error pre.message').textContent()).toBe(message);
      expect(await page.locator('#open-error').textContent()).not.toMatch(/\n\s+at /);
      await screenshot(page, `web-open-error-${path.basename(file, '.onnx')}`);
    }

    // An op sppkit does not know: the file opens and is drawn, and check lists the problem as the CLI does.
    const graph = new Graph('custom');
    const x = graph.addInput('x', { dtype: DataType.FLOAT, shape: [1, 2, 4, 4] });
    const node = graph.addNode({ opType: 'Frobnicate', inputs: [x], outputs: ['y'], name: 'frob' });
    graph.addOutput(...node.outputs);
    const unknown = path.join(dir, 'unknown-op.onnx');
    const bytes = encodeModel(new Model(graph, 17));
    writeFileSync(unknown, bytes);
    const { code, err } = await runCliLines(['check', unknown]);
    expect(code).toBe(1);
    const problems = err
      .filter((line) => line.startsWith(`${unknown}: `))
      .map((line) => line.slice(unknown.length + 2));
    expect(problems).toContain(
      "Frobnicate node 'frob': op 'Frobnicate' is unknown to ONNX (the default domain has no such operator)",
    );
    // This one arrives by drag and drop, onto the Build tab: the page switches to Open and opens it.
    await page.goto(`${harness.app.url}?webgpu=0&wasm=0#build`);
    const dataTransfer = await page.evaluateHandle((data: number[]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], 'unknown-op.onnx'));
      return transfer;
    }, Array.from(bytes));
    await page.dispatchEvent('body', 'dragover', { dataTransfer });
    await page.dispatchEvent('body', 'drop', { dataTransfer });
    await page.waitForSelector('body[data-open-state="opened"]', { timeout: OPEN_TIMEOUT });
    expect(await page.getAttribute('body', 'data-tab')).toBe('open');
    expect(await page.locator('#check ul.problems li').allTextContents()).toEqual(problems);
    expect(await page.locator('#open-graph svg g.node.op').count()).toBe(1);
    await screenshot(page, 'web-open-unknown-op');
    expect(errors).toEqual([]);
    await page.close();
  });
});
