/**
 * What only `web-webgpu` has: a browser that may be missing, ORT's node-placement log, strict placement and its
 * fallback text, and the adapter's float16 feature. What every backend must do is in test/runtime/suite.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DataType } from '../../src/ir/dtype.js';
import { UnsupportedError } from '../../src/ir/errors.js';
import { getBackend } from '../../src/runtime/node/backends.js';
import { closeWebHost, findChromium } from '../../src/runtime/node/web-browser.js';
import { createWebWebGpuBackend } from '../../src/runtime/node/web-webgpu.js';
import { evaluate } from '../../src/runtime/reference.js';
import { expectIdentical, patternInput, pyramidInput, pyramidModel, sppAdaptiveModel } from '../runtime/models.js';

const chromium = findChromium();
if (chromium === undefined)
  console.warn('SKIP web-webgpu: no Chromium (apt-get install chromium, or set SPPKIT_CHROMIUM)');
const backend = getBackend('web-webgpu');
const availability = chromium === undefined ? undefined : await backend.availability();
if (availability !== undefined && !availability.available) console.warn(`SKIP web-webgpu: ${availability.reason}`);
const ready = availability?.available === true;

afterAll(closeWebHost);

describe('web-webgpu without a browser', () => {
  it('is unavailable with a reason when the browser executable does not exist', async () => {
    const missing = await createWebWebGpuBackend({ executablePath: '/nonexistent/chromium' }).availability();
    expect(missing.available).toBe(false);
    expect(!missing.available && missing.reason).toMatch(/Chromium at \/nonexistent\/chromium could not start/);
  });
});

describe.runIf(ready)('web-webgpu placement in Chromium', () => {
  it('places every node of the MaxPool pyramid on the WebGPU EP, and runs it identically', async () => {
    const model = pyramidModel();
    const session = await createWebWebGpuBackend().load(model, { verifyPlacement: true });
    expect(session.provider).toMatch(/WebGpuExecutionProvider \(onnxruntime-web\/webgpu\), no CPU fallback, Chromium/);
    expect(session.placement.join('\n')).toMatch(/All nodes placed on \[WebGpuExecutionProvider\]/);
    for (const offset of [0, -3e5]) {
      // offset -3e5: every value below -1e5, where onnxruntime-web's JSEP MaxPool would return -1e5.
      const feeds = new Map([['x', pyramidInput(7, 6, DataType.FLOAT, offset)]]);
      expectIdentical(await session.run(feeds), evaluate(model, feeds));
    }
    await session.dispose();
  });

  it('places every node of static sppAdaptive max (Slice+ReduceMax, MaxPool, GlobalMaxPool) on WebGPU', async () => {
    const fixed = sppAdaptiveModel('max', 13, 11);
    const session = await createWebWebGpuBackend().load(fixed, { verifyPlacement: true });
    expect(session.placement.join('\n')).toMatch(/All nodes placed on \[WebGpuExecutionProvider\]/);
    const feeds = new Map([['x', patternInput(3, 13, 11)]]);
    expectIdentical(await session.run(feeds), evaluate(fixed, feeds));
    await session.dispose();
  });

  it('refuses dynamic sppAdaptive under strict placement, else says shape nodes went to the CPU EP', async () => {
    const dynamic = sppAdaptiveModel('max', 'H', 'W');
    await expect(createWebWebGpuBackend({ cpuFallback: false }).load(dynamic)).rejects.toThrow(
      /assigned to the default CPU EP.*int64 shape arithmetic/,
    );
    const byDefault = await backend.load(dynamic);
    expect(byDefault.provider).toMatch(/CPU fallback allowed.*int64 shape-arithmetic nodes on the CPU EP/);
    await byDefault.dispose();
    const s2 = await createWebWebGpuBackend({ cpuFallback: true }).load(dynamic, { verifyPlacement: false });
    for (const [h, w] of [
      [13, 11],
      [6, 9],
    ] as const) {
      const dynFeeds = new Map([['x', patternInput(3, h, w)]]);
      expectIdentical(await s2.run(dynFeeds), evaluate(dynamic, dynFeeds));
    }
    await s2.dispose();
  });

  it("refuses a float64 MaxPool with ORT's reason instead of computing something", async () => {
    // The WebGPU EP pools float32/float16 only, and this build's CPU EP has no float64 MaxPool either.
    const model = pyramidModel(7, 6, DataType.DOUBLE);
    // Refusals with the reason (UnsupportedError: the golden runner's skip), never a result.
    await expect(backend.load(model)).rejects.toThrow(UnsupportedError);
    await expect(createWebWebGpuBackend({ cpuFallback: true }).load(model)).rejects.toThrow(
      /web-webgpu: onnxruntime lacks this: .*MaxPool/,
    );
  });

  it('refuses float16 models on an adapter without shader-f16, naming the value', async () => {
    const host = availability?.available === true ? availability.detail : '';
    const model = pyramidModel(7, 6, DataType.FLOAT16);
    if (/swiftshader/.test(host))
      await expect(backend.load(model)).rejects.toThrow(
        /web-webgpu: value '.*' is float16, but adapter .* lacks the 'shader-f16' feature/,
      );
    else {
      const session = await backend.load(model);
      const feeds = new Map([['x', pyramidInput(7, 6, DataType.FLOAT16)]]);
      expectIdentical(await session.run(feeds), evaluate(model, feeds));
      await session.dispose();
    }
  });
});
