import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from '../../src/runtime/backend.js';
import { getBackend, isBackendName, listBackends, unavailableBackend } from '../../src/runtime/backends.js';
import { BackendUnavailableError } from '../../src/runtime/ort-node.js';
import { pyramidModel } from './models.js';

describe('backend registry', () => {
  it('lists all six backends in order, each with availability and a reason when unavailable', async () => {
    const list = await listBackends();
    expect(list.map((entry) => entry.name)).toEqual([...BACKEND_NAMES]);
    for (const { availability } of list) {
      if (availability.available) expect(availability.detail).not.toBe('');
      else expect(availability.reason).not.toBe('');
    }
    expect(list.find((e) => e.name === 'ref')?.availability.available).toBe(true);
    expect(list.find((e) => e.name === 'ort-cpu')?.availability.available).toBe(true);
  });

  it('gives every backend either a detail or a non-empty reason', async () => {
    for (const name of ['ref', 'ort-cpu', 'ort-cuda', 'ort-webgpu', 'web-wasm', 'web-webgpu'] as const) {
      const availability = await getBackend(name).availability();
      const text = availability.available ? availability.detail : availability.reason;
      expect(text.length, name).toBeGreaterThan(10);
    }
  });

  it('returns one shared instance per name', () => {
    expect(getBackend('ort-cpu')).toBe(getBackend('ort-cpu'));
    expect(getBackend('ort-cpu').name).toBe('ort-cpu');
  });

  it('parses backend names', () => {
    expect(isBackendName('ort-webgpu')).toBe(true);
    expect(isBackendName('ort-gpu')).toBe(false);
  });

  it('makes an unavailable backend refuse to load, with the reason', async () => {
    const backend = unavailableBackend('web-wasm', 'no browser');
    await expect(backend.load(pyramidModel())).rejects.toThrow(BackendUnavailableError);
    await expect(backend.load(pyramidModel())).rejects.toThrow('web-wasm: unavailable: no browser');
  });
});
