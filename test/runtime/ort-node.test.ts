/**
 * What only the onnxruntime-node backends have: session options, ORT's CPU threads and optimization levels, the CUDA
 * provider's libraries and TF32 switch, the Vulkan driver choice and node placement of the WebGPU EP. What every
 * backend must do is in suite.test.ts.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/export/model.js';
import { DataType } from '../../src/ir/dtype.js';
import { UnsupportedError } from '../../src/ir/errors.js';
import { getBackend } from '../../src/runtime/node/backends.js';
import {
  CUDA_PROVIDER_LIBRARIES,
  createOrtCudaBackend,
  cudaProblems,
  keepFloat32Math,
  TF32_ENV,
} from '../../src/runtime/node/ort-cuda.js';
import { createOrtCpuBackend, loadOrt, ortBinaryDir, profiledNodes } from '../../src/runtime/node/ort-node.js';
import { createOrtWebGpuBackend, icdCandidates } from '../../src/runtime/node/ort-webgpu.js';
import { evaluate } from '../../src/runtime/reference.js';
import { expectIdentical, pyramidInput, pyramidModel } from './models.js';

const cuda = await getBackend('ort-cuda').availability();
const webgpu = await getBackend('ort-webgpu').availability();
if (!webgpu.available) console.warn(`SKIP ort-webgpu placement checks: ${webgpu.reason}`);

describe('ort-cpu', () => {
  it('honours threads and the graph optimization level, and says so', async () => {
    const backend = createOrtCpuBackend();
    const model = pyramidModel();
    const feeds = new Map([['x', pyramidInput()]]);
    expect(backend.sessionOptions({ threads: 1, graphOptimizationLevel: 'disabled' })).toMatchObject({
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
      graphOptimizationLevel: 'disabled',
    });
    const session = await backend.load(model, { threads: 1, graphOptimizationLevel: 'disabled' });
    expect(session.provider).toMatch(/CPUExecutionProvider, graph optimization disabled, 1 intra-op thread\(s\)$/);
    expectIdentical(await session.run(feeds), evaluate(model, feeds));
    await session.dispose();
  });
});

describe('ort-cuda', () => {
  it('asks ORT for the CUDA EP alone, with CPU fallback disabled', () => {
    const options = createOrtCudaBackend({ deviceId: 1 }).sessionOptions({ threads: 2 });
    expect(options.executionProviders).toEqual([{ name: 'cuda', deviceId: 1 }]);
    expect(options.extra).toEqual({ session: { disable_cpu_ep_fallback: '1' } });
    expect(createOrtCudaBackend().sessionOptions({ cpuFallback: true }).extra).toBeUndefined();
  });

  it('refuses a bad device id', () => {
    expect(() => createOrtCudaBackend({ deviceId: -1 })).toThrow(/deviceId/);
  });

  it('says where ORT would look when the provider libraries sit elsewhere', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sppkit-cuda-'));
    try {
      for (const name of CUDA_PROVIDER_LIBRARIES) writeFileSync(path.join(dir, name), '');
      const problems = await cudaProblems({ deviceId: 0, providerDir: dir, bindingDir: ortBinaryDir() });
      expect(problems.join('\n')).toContain(
        `the provider libraries are in ${dir}, but onnxruntime loads them only from next to libonnxruntime.so.1`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('forbids TF32 for float32 math unless the user chose, and has done so once its check ran', () => {
    const fresh: Record<string, string | undefined> = {};
    keepFloat32Math(fresh);
    expect(fresh[TF32_ENV]).toBe('0');
    const chosen: Record<string, string | undefined> = { [TF32_ENV]: '1' };
    keepFloat32Math(chosen);
    expect(chosen[TF32_ENV]).toBe('1');
    expect(process.env[TF32_ENV]).toMatch(/^[01]$/);
  });

  it.runIf(!cuda.available)('names the missing pieces when it cannot run', () => {
    expect(cuda.available).toBe(false);
    if (cuda.available) return;
    // On a machine without the provider libraries and without an NVIDIA driver, both are named.
    const missingProvider = /provider librar(y|ies) .*libonnxruntime_providers_cuda\.so.* missing/;
    expect(cuda.reason).toMatch(
      new RegExp(`${missingProvider.source}|no NVIDIA driver|CUDA libraries missing|cuDNN missing`),
    );
  });
});

describe('ort-webgpu', () => {
  it('asks ORT for the WebGPU EP alone, with CPU fallback disabled', () => {
    const options = createOrtWebGpuBackend().sessionOptions();
    expect(options.executionProviders).toEqual(['webgpu']);
    expect(options.extra).toEqual({ session: { disable_cpu_ep_fallback: '1' } });
  });

  it('gives a reason whenever it is unavailable', () => {
    if (!webgpu.available) expect(webgpu.reason.length).toBeGreaterThan(10);
    else expect(webgpu.detail).toMatch(/WebGpuExecutionProvider on /);
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

  describe.runIf(webgpu.available)('with a working Vulkan driver', () => {
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
      const strict = getBackend('ort-webgpu').load(model);
      // A refusal (UnsupportedError: the golden runner's skip), with the reason and the way out.
      await expect(strict).rejects.toThrow(UnsupportedError);
      await expect(strict).rejects.toThrow(/ort-webgpu: onnxruntime lacks this: .*cpuFallback: true/);
      const session = await createOrtWebGpuBackend({ cpuFallback: true }).load(model);
      expect(session.provider).toMatch(/WebGpuExecutionProvider, CPU fallback allowed/);
      const feeds = new Map([['x', pyramidInput(7, 6, DataType.DOUBLE)]]);
      expectIdentical(await session.run(feeds), evaluate(model, feeds));
      await session.dispose();
    });
  });
});
