import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startStaticServer } from '../src/runtime/web-server.js';
import { encodeModel } from '../src/export/model.js';
import { pyramidModel, pyramidInput } from '../test/runtime/models.js';
import { GraphBuilder } from '../src/graph/builder.js';
import { DataType } from '../src/graph/dtype.js';
import { MaxPool } from '../src/ops/max-pool.js';

const server = await startStaticServer();
server.mount('/ort/', path.resolve('node_modules/onnxruntime-web/dist'));
server.set('/', { kind: 'bytes', type: 'text/html', body: '<!doctype html><title>t</title><body>hi</body>' });
const b = new GraphBuilder({ name: 'neg', opset: 17 });
const x = b.input('x', DataType.FLOAT, [1, 1, 2, 2]);
b.output(b.op1(MaxPool, [x], { kernelShape: [2, 2] }), 'y');
server.set('/neg.onnx', { kind: 'bytes', type: 'application/octet-stream', body: encodeModel(b.build()) });
server.set('/pyr.onnx', { kind: 'bytes', type: 'application/octet-stream', body: encodeModel(pyramidModel()) });
const t0 = performance.now();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage'] });
console.log('launch', performance.now() - t0, browser.version());
const page = await browser.newPage();
page.on('console', (m) => console.log('[console]', m.type(), m.text().slice(0, 300)));
page.on('pageerror', (e) => console.log('[pageerror]', e.message));
await page.goto(server.origin + '/');
const info = await page.evaluate(`(async () => { const a = await navigator.gpu?.requestAdapter(); if (!a) return null; const i = a.info; return { vendor: i.vendor, architecture: i.architecture, description: i.description, device: i.device, fallback: i.isFallbackAdapter ?? a.isFallbackAdapter, coi: crossOriginIsolated }; })()`);
console.log('adapter', info);
for (const build of process.argv.slice(2)) {
  const r = await page.evaluate(`(async () => {
    const ort = await import('/ort/${build}');
    ort.env.wasm.wasmPaths = '/ort/';
    ort.env.logLevel = 'verbose';
    const out = {};
    for (const name of ['neg', 'pyr']) {
      try {
        const t = performance.now();
        const s = await ort.InferenceSession.create('/' + name + '.onnx', { executionProviders: ['webgpu'], logSeverityLevel: 0, extra: { session: { disable_cpu_ep_fallback: '1' } } });
        const tc = performance.now() - t;
        const feeds = name === 'neg' ? { x: new ort.Tensor('float32', Float32Array.from([-2e5, -3e5, -4e5, -5e5]), [1,1,2,2]) } : { x: new ort.Tensor('float32', Float32Array.from(${JSON.stringify(Array.from(pyramidInput().data))}), [1,2,7,6]) };
        const t2 = performance.now();
        const res = await s.run(feeds);
        out[name] = { create: tc, run: performance.now() - t2, res: Object.fromEntries(Object.entries(res).map(([k, v]) => [k, Array.from(v.data).slice(0, 8)])) };
      } catch (e) { out[name] = String(e && e.message || e).slice(0, 400); }
    }
    return out;
  })()`);
  console.log(build, JSON.stringify(r));
}
await browser.close();
await server.close();
