/**
 * Instantiates an embedded WebAssembly kernel (base64, from scripts/build-wasm.ts) synchronously — the kernels are
 * under 1 KB, which browsers allow on the main thread. Returns null where WebAssembly SIMD is unavailable, so the
 * callers fall back to their JS kernels.
 */

/** The exports of an instantiated kernel. */
export type WasmExports = WebAssembly.Exports;

/** Instantiates `base64` once per call site (cache the result); null when it cannot be compiled here. */
export function instantiateKernel(base64: string): WasmExports | null {
  try {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
  } catch {
    return null;
  }
}

/** Grows `memory` to at least `bytes`. */
export function ensureMemory(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
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
