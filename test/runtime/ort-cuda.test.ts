import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tensorsIdentical } from '../../src/ir/tensor.js';
import { getBackend } from '../../src/runtime/backends.js';
import { BackendUnavailableError, ortBinaryDir } from '../../src/runtime/ort-node.js';
import { CUDA_PROVIDER_LIBRARIES, createOrtCudaBackend, cudaProblems } from '../../src/runtime/ort-cuda.js';
import { evaluate } from '../../src/runtime/reference.js';
import { pyramidInput, pyramidModel } from './models.js';

const availability = await getBackend('ort-cuda').availability();
if (!availability.available) console.warn(`ort-cuda unavailable here: ${availability.reason}`);

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

  describe.runIf(!availability.available)('where it cannot run', () => {
    it('reports unavailable with the reason', () => {
      expect(availability.available).toBe(false);
      if (availability.available) return;
      // On a machine without the provider libraries and without an NVIDIA driver, both are named.
      expect(availability.reason).toMatch(
        /provider librar(y|ies) .*libonnxruntime_providers_cuda\.so.* missing|no NVIDIA driver|CUDA libraries missing|cuDNN missing/,
      );
    });

    it('refuses to load instead of running on the CPU', async () => {
      const attempt = getBackend('ort-cuda').load(pyramidModel());
      await expect(attempt).rejects.toThrow(BackendUnavailableError);
      await expect(attempt).rejects.toThrow(/^ort-cuda: unavailable: /);
    });
  });

  describe.runIf(availability.available)('on an NVIDIA GPU', () => {
    it('runs the MaxPool pyramid identically to the reference on the CUDA EP', async () => {
      const model = pyramidModel();
      const feeds = new Map([['x', pyramidInput()]]);
      const session = await getBackend('ort-cuda').load(model);
      expect(session.provider).toMatch(/CUDAExecutionProvider, no CPU fallback, device 0/);
      const got = await session.run(feeds);
      for (const [name, want] of evaluate(model, feeds)) {
        const tensor = got.get(name);
        expect(tensor !== undefined && tensorsIdentical(tensor, want), name).toBe(true);
      }
      await session.dispose();
    });
  });
});
