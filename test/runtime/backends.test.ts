import { describe, expect, it } from 'vitest';
import {
  BACKEND_NAMES,
  BackendUnavailableError,
  defineBackend,
  isBackendName,
  unavailableBackend,
  type Availability,
} from '../../src/runtime/backend.js';
import { getBackend, listBackends } from '../../src/runtime/node/backends.js';
import { referenceBackend } from '../../src/runtime/reference.js';
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
    expect(getBackend('ref')).toBe(referenceBackend);
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

describe('defineBackend', () => {
  it('checks availability once and keeps the answer', async () => {
    let checks = 0;
    const backend = defineBackend({
      name: 'ort-cpu',
      check: (): Promise<Availability> => {
        checks += 1;
        return Promise.resolve({ available: true, detail: 'fake' });
      },
      load: () => referenceBackend.load(pyramidModel()),
    });
    await Promise.all([backend.availability(), backend.availability()]);
    await backend.load(pyramidModel());
    expect(checks).toBe(1);
  });

  it('turns a failing check into a reason, and load refuses with it without calling the loader', async () => {
    let loads = 0;
    const backend = defineBackend({
      name: 'ort-cuda',
      check: () => Promise.reject(new Error('driver exploded')),
      load: () => {
        loads += 1;
        return referenceBackend.load(pyramidModel());
      },
    });
    expect(await backend.availability()).toEqual({
      available: false,
      reason: 'availability check failed: driver exploded',
    });
    await expect(backend.load(pyramidModel())).rejects.toThrow(
      'ort-cuda: unavailable: availability check failed: driver exploded',
    );
    expect(loads).toBe(0);
  });

  it('turns a check that throws synchronously into a reason too', async () => {
    const backend = defineBackend({
      name: 'web-wasm',
      check: () => {
        throw new TypeError('no WebAssembly');
      },
      load: () => referenceBackend.load(pyramidModel()),
    });
    expect(await backend.availability()).toEqual({
      available: false,
      reason: 'availability check failed: no WebAssembly',
    });
  });
});
