import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/ir/dtype.js';
import { tensorsIdentical, type Tensor } from '../../src/ir/tensor.js';
import { encodeModel } from '../../src/export/model.js';
import { getBackend } from '../../src/runtime/backends.js';
import { BackendError, loadOrt, profiledNodes } from '../../src/runtime/ort-node.js';
import { createOrtWebGpuBackend, icdCandidates } from '../../src/runtime/ort-webgpu.js';
import { evaluate } from '../../src/runtime/reference.js';
import { pyramidInput, pyramidModel } from './models.js';

const backend = getBackend('ort-webgpu');
const availability = await backend.availability();
if (!availability.available) console.warn(`ort-webgpu skipped: ${availability.reason}`);

function expectIdentical(got: Map<string, Tensor>, want: Map<string, Tensor>): void {
  for (const [name, tensor] of want) {
    const actual = got.get(name);
    expect(
      actual !== undefined && tensorsIdentical(actual, tensor),
      `${name}: ${actual?.toNumbers().join(',')} vs ${tensor.toNumbers().join(',')}`,
    ).toBe(true);
  }
}

describe('ort-webgpu', () => {
  it('asks ORT for the WebGPU EP alone, with CPU fallback disabled', () => {
    const options = createOrtWebGpuBackend().sessionOptions();
    expect(options.executionProviders).toEqual(['webgpu']);
    expect(options.extra).toEqual({ session: { disable_cpu_ep_fallback: '1' } });
  });

  it('gives a reason whenever it is unavailable', () => {
    if (!availability.available) expect(availability.reason.length).toBeGreaterThan(10);
    else expect(availability.detail).toMatch(/WebGpuExecutionProvider on /);
  });

  it('uses only the driver named by VK_ICD_FILENAMES when it is set', () => {
    const saved = process.env['VK_ICD_FILENAMES'];
    try {
      process.env['VK_ICD_FILENAMES'] = '/nowhere/icd.json';
      expect(icdCandidates(undefined)).toEqual([
        { icdFiles: undefined, label: 'Vulkan ICD from the environment (/nowhere/icd.json)' },
      ]);
    } finally {
      if (saved === undefined) delete process.env['VK_ICD_FILENAMES'];
      else process.env['VK_ICD_FILENAMES'] = saved;
    }
  });

  describe.runIf(availability.available)('with a working Vulkan driver', () => {
    it('runs the MaxPool pyramid identically to the reference', async () => {
      const model = pyramidModel();
      const feeds = new Map([['x', pyramidInput()]]);
      const session = await backend.load(model);
      expect(session.provider).toMatch(/WebGpuExecutionProvider, no CPU fallback, /);
      expectIdentical(await session.run(feeds), evaluate(model, feeds));
      await session.dispose();
    });

    it('runs the pyramid with symbolic H and W', async () => {
      const model = pyramidModel('H', 'W');
      const session = await backend.load(model);
      for (const [h, w] of [
        [7, 6],
        [9, 13],
      ] as const) {
        const feeds = new Map([['x', pyramidInput(h, w)]]);
        expectIdentical(await session.run(feeds), evaluate(model, feeds));
      }
      await session.dispose();
    });

    it('assigns every node to the WebGPU EP (ORT profile)', async () => {
      const ort = await loadOrt();
      // ORT writes <prefix>_<timestamp>.json; each node event carries the EP that ran it in args.provider.
      const dir = mkdtempSync(path.join(tmpdir(), 'sppkit-webgpu-profile-'));
      let events: unknown;
      try {
        const options = {
          ...createOrtWebGpuBackend().sessionOptions(),
          enableProfiling: true,
          profileFilePrefix: path.join(dir, 'profile'),
        };
        const session = await ort.InferenceSession.create(encodeModel(pyramidModel()), options);
        await session.run({ x: new ort.Tensor('float32', pyramidInput().data, [1, 2, 7, 6]) });
        session.endProfiling();
        await session.release();
        const [file] = readdirSync(dir);
        events = JSON.parse(readFileSync(path.join(dir, file ?? 'missing'), 'utf8'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const nodes = profiledNodes(events);
      const providers = new Set(nodes.map((n) => n.provider));
      const pools = nodes.filter((n) => n.opType === 'MaxPool');
      expect(pools.length).toBeGreaterThanOrEqual(5);
      expect([...providers]).toEqual(['WebGpuExecutionProvider']);
    });

    it('refuses a model with nodes the WebGPU EP cannot run, unless CPU fallback is allowed', async () => {
      // The WebGPU EP pools float32/float16 only, so a float64 MaxPool would go to the CPU EP.
      const model = pyramidModel(7, 6, DataType.DOUBLE);
      const strict = backend.load(model);
      await expect(strict).rejects.toThrow(BackendError);
      await expect(strict).rejects.toThrow(/ort-webgpu: session creation failed: .*cpuFallback: true/);
      const session = await createOrtWebGpuBackend({ cpuFallback: true }).load(model);
      expect(session.provider).toMatch(/WebGpuExecutionProvider, CPU fallback allowed/);
      const feeds = new Map([['x', pyramidInput(7, 6, DataType.DOUBLE)]]);
      expectIdentical(await session.run(feeds), evaluate(model, feeds));
      await session.dispose();
    });
  });
});
