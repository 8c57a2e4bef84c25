/**
 * The backend registry: one factory per name of BACKEND_NAMES. Each backend is created on first use and kept, so
 * its availability check (which may probe drivers) runs at most once per process.
 *
 * To add a backend, replace its factory in `FACTORIES`.
 */
import { BACKEND_NAMES, type Availability, type Backend, type BackendName, type Session } from './backend.js';
import { BackendUnavailableError, createOrtCpuBackend } from './ort-node.js';
import { createOrtCudaBackend } from './ort-cuda.js';
import { createOrtWebGpuBackend } from './ort-webgpu.js';
import { referenceBackend } from './reference.js';
import { createWebWasmBackend } from './web-wasm.js';
import { createWebWebGpuBackend } from './web-webgpu.js';

/** A backend that can never run here, for `reason`; `load` throws BackendUnavailableError. */
export function unavailableBackend(name: BackendName, reason: string): Backend {
  return {
    name,
    availability: (): Promise<Availability> => Promise.resolve({ available: false, reason }),
    load: (): Promise<Session> => Promise.reject(new BackendUnavailableError(name, reason)),
  };
}

/** How each backend is created. */
const FACTORIES = {
  ref: () => referenceBackend,
  'ort-cpu': () => createOrtCpuBackend(),
  'ort-cuda': () => createOrtCudaBackend(),
  'ort-webgpu': () => createOrtWebGpuBackend(),
  'web-wasm': () => createWebWasmBackend(),
  'web-webgpu': () => createWebWebGpuBackend(),
} as const satisfies Record<BackendName, () => Backend>;

const instances = new Map<BackendName, Backend>();

/** True when `text` is one of BACKEND_NAMES. */
export function isBackendName(text: string): text is BackendName {
  return BACKEND_NAMES.some((name) => name === text);
}

/** The backend called `name` (created once, then shared). */
export function getBackend(name: BackendName): Backend {
  let backend = instances.get(name);
  if (backend === undefined) {
    backend = FACTORIES[name]();
    instances.set(name, backend);
  }
  return backend;
}

/** A backend name with its availability. */
export interface BackendStatus {
  readonly name: BackendName;
  readonly availability: Availability;
}

/** Every backend of BACKEND_NAMES, in that order, with whether it can run here and why not. */
export async function listBackends(): Promise<BackendStatus[]> {
  return Promise.all(
    BACKEND_NAMES.map(async (name) => ({ name, availability: await getBackend(name).availability() })),
  );
}
