/**
 * Instantiates an embedded WebAssembly kernel (base64, from scripts/build-wasm.ts) synchronously — the kernels are
 * under 1 KB, which browsers allow on the main thread. Returns null where WebAssembly SIMD is unavailable, so the
 * callers fall back to their JS kernels.
 */

/** The exports of an instantiated kernel. */
export type WasmExports = WebAssembly.Exports;

/** True when this JavaScript engine has WebAssembly at all (`node --no-expose-wasm` and some CSPs remove it). */
export function haveWebAssembly(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly !== null;
}

/**
 * Instantiates `base64` once per call site (cache the result); null when it cannot be compiled here (no
 * WebAssembly, or no SIMD).
 */
export function instantiateKernel(base64: string): WasmExports | null {
  if (!haveWebAssembly()) return null;
  try {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
  } catch {
    return null;
  }
}

/** Bytes of one WebAssembly page. */
const PAGE_BYTES = 65536;
/**
 * The most memory a kernel grows to (2 GiB): within wasm32's 4 GiB and what engines grant; beyond it the caller
 * uses its JS kernel, which works on the tensors directly.
 */
const MAX_MEMORY_BYTES = 2 ** 31;

/**
 * Grows `memory` to at least `bytes`; false (nothing grown) when that is more than a kernel may take or the engine
 * refuses to grow, so that the caller falls back to its JS kernel.
 */
export function ensureMemory(memory: WebAssembly.Memory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return true;
  if (!(bytes <= MAX_MEMORY_BYTES)) return false;
  try {
    memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
    return true;
  } catch {
    // The engine could not reserve the pages (RangeError): the JS kernel needs no extra memory.
    return false;
  }
}

/** True for an exported function. */
export function isKernelFunction(value: unknown): value is (...args: number[]) => void {
  return typeof value === 'function';
}

/**
 * True for a WebAssembly.Memory; false (instead of a ReferenceError) where the WebAssembly global is absent, as
 * under `node --no-expose-wasm`, so the callers take their JS kernels.
 */
export function isWasmMemory(value: unknown): value is WebAssembly.Memory {
  return typeof WebAssembly !== 'undefined' && value instanceof WebAssembly.Memory;
}
