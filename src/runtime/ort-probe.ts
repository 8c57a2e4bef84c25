/**
 * Probes that run in a child Node process, so that a missing library, a bad driver or a crash in native code can
 * never take down the caller. Used by the availability checks of `ort-cuda` and `ort-webgpu`.
 */
import { execFile } from 'node:child_process';

/** Result of trying to load one shared library. */
export type LibraryProbe = { readonly loaded: true } | { readonly loaded: false; readonly error: string };

/** Output of a child probe script. */
export interface ChildResult {
  /** Exit code (null when killed by a signal). */
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the probe ran past its time limit and was killed. */
  readonly timedOut: boolean;
}

/** Runs `script` (CommonJS) in a fresh `node -e` with extra environment variables; never rejects. */
export function runNodeChild(script: string, env: Readonly<Record<string, string>> = {}, timeoutMs = 60_000): Promise<ChildResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-e', script],
      { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const killed = error !== null && 'killed' in error && error.killed === true;
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        const signal = error !== null && 'signal' in error && typeof error.signal === 'string' ? error.signal : null;
        resolve({ code, signal, stdout, stderr, timedOut: killed && signal === 'SIGTERM' });
      },
    );
  });
}

// `process.dlopen` of a library that is not a Node addon loads it (resolving its dependencies) and then throws
// "Module did not self-register": that message means the library itself is loadable.
const DLOPEN_SCRIPT = `
const results = {};
for (const lib of LIBRARIES) {
  try { process.dlopen({ exports: {} }, lib); results[lib] = { loaded: true }; }
  catch (e) {
    const m = String(e && e.message || e);
    results[lib] = /did not self-register|napi_register_module/.test(m) ? { loaded: true } : { loaded: false, error: m.split('\\n')[0] };
  }
}
process.stdout.write(JSON.stringify(results));
`;

function parseProbe(value: unknown): LibraryProbe | undefined {
  if (typeof value !== 'object' || value === null || !('loaded' in value)) return undefined;
  if (value.loaded === true) return { loaded: true };
  if (value.loaded === false && 'error' in value && typeof value.error === 'string') return { loaded: false, error: value.error };
  return undefined;
}

/**
 * Tries to dlopen each library (a soname such as `libcuda.so.1`, searched the usual way, or a path) in a child
 * process and says, per library, whether it loaded or the loader's error (which names a missing dependency).
 */
export async function probeLibraries(libraries: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<Map<string, LibraryProbe>> {
  const child = await runNodeChild(`const LIBRARIES = ${JSON.stringify(libraries)};${DLOPEN_SCRIPT}`, env, 30_000);
  const results = new Map<string, LibraryProbe>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(child.stdout);
  } catch {
    parsed = undefined;
  }
  for (const library of libraries) {
    const entry = typeof parsed === 'object' && parsed !== null ? parseProbe(Object.getOwnPropertyDescriptor(parsed, library)?.value) : undefined;
    const failure = child.signal !== null ? `probe process killed by ${child.signal}` : `probe process failed (exit ${child.code ?? '?'}): ${child.stderr.trim().split('\n')[0] ?? ''}`;
    results.set(library, entry ?? { loaded: false, error: failure });
  }
  return results;
}
