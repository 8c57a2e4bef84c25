/**
 * The backend registry: one factory per name of BACKEND_NAMES. Each backend is created on first use and kept, so
 * its availability check (which may probe drivers) runs at most once per process.
 *
 * Node-only (its backends load onnxruntime-node, onnxruntime-web's Node build and Chromium); exported from
 * `sppkit/node`. To add a backend, add its name to BACKEND_NAMES (../backend.ts) and its factory to `FACTORIES`;
 * make it with `defineBackend` so its availability is checked once and enforced by `load`.
 */
import { BACKEND_NAMES, type Availability, type Backend, type BackendName } from '../backend.js';
import { referenceBackend } from '../reference.js';
import { createOrtCpuBackend } from './ort-node.js';
import { createOrtCudaBackend } from './ort-cuda.js';
import { createOrtWebGpuBackend } from './ort-webgpu.js';
import { createWebWasmBackend } from './web-wasm.js';
import { createWebWebGpuBackend } from './web-webgpu.js';

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
