/**
 * Probes that run in a child Node process, so that a missing library, a bad driver or a crash in native code can
 * never take down the caller. Used by the availability checks of `ort-cuda` and `ort-webgpu`.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { GraphBuilder } from '../graph/builder.js';
import { DataType } from '../ir/dtype.js';
import type { Model } from '../ir/graph.js';
import { Tensor } from '../ir/tensor.js';
import { MaxPool } from '../ops/max-pool.js';
import { encodeModel } from '../export/model.js';

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
export function runNodeChild(
  script: string,
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 60_000,
): Promise<ChildResult> {
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
// "Module did not self-register": that message means the library itself is loadable. Libraries are opened in order
// with RTLD_GLOBAL, so a later one can use an earlier one's symbols (ORT's CUDA provider needs Provider_GetHost from
// libonnxruntime_providers_shared.so, which ORT itself loads first).
const DLOPEN_SCRIPT = `
const results = {};
const { RTLD_NOW, RTLD_GLOBAL } = require('os').constants.dlopen;
for (const lib of LIBRARIES) {
  try { process.dlopen({ exports: {} }, lib, RTLD_NOW | RTLD_GLOBAL); results[lib] = { loaded: true }; }
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
  if (value.loaded === false && 'error' in value && typeof value.error === 'string')
    return { loaded: false, error: value.error };
  return undefined;
}

/**
 * Tries to dlopen each library (a soname such as `libcuda.so.1`, searched the usual way, or a path) in a child
 * process and says, per library, whether it loaded or the loader's error (which names a missing dependency).
 */
export async function probeLibraries(
  libraries: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<Map<string, LibraryProbe>> {
  const child = await runNodeChild(`const LIBRARIES = ${JSON.stringify(libraries)};${DLOPEN_SCRIPT}`, env, 30_000);
  const results = new Map<string, LibraryProbe>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(child.stdout);
  } catch {
    parsed = undefined;
  }
  for (const library of libraries) {
    const entry =
      typeof parsed === 'object' && parsed !== null
        ? parseProbe(Object.getOwnPropertyDescriptor(parsed, library)?.value)
        : undefined;
    const failure =
      child.signal !== null
        ? `probe process killed by ${child.signal}`
        : `probe process failed (exit ${child.code ?? '?'}): ${child.stderr.trim().split('\n')[0] ?? ''}`;
    results.set(library, entry ?? { loaded: false, error: failure });
  }
  return results;
}

/** The probe model: MaxPool 2x2 over [[1, 3], [2, 0]] must give 3. */
export function probeModel(): { model: Model; input: Tensor; expected: number } {
  const b = new GraphBuilder({ name: 'webgpu_probe', opset: 17 });
  const x = b.input('x', DataType.FLOAT, [1, 1, 2, 2]);
  b.output(b.op1(MaxPool, [x], { kernelShape: [2, 2] }), 'y');
  return { model: b.build(), input: Tensor.float32([1, 1, 2, 2], [1, 3, 2, 0]), expected: 3 };
}

/**
 * A child-process script: load onnxruntime-node, create the probe session on `executionProviders` only (CPU fallback
 * disabled), run it and print `{ ok, y }` or `{ ok: false, error }` as JSON.
 */
export function childProbeScript(ortEntry: string, bytes: Uint8Array, executionProviders: readonly unknown[]): string {
  return `
const ort = require(${JSON.stringify(ortEntry)});
const bytes = Buffer.from(${JSON.stringify(Buffer.from(bytes).toString('base64'))}, 'base64');
(async () => {
  try {
    const s = await ort.InferenceSession.create(bytes, { executionProviders: ${JSON.stringify(executionProviders)}, extra: { session: { disable_cpu_ep_fallback: '1' } } });
    const r = await s.run({ x: new ort.Tensor('float32', Float32Array.from([1, 3, 2, 0]), [1, 1, 2, 2]) });
    process.stdout.write(JSON.stringify({ ok: true, y: Array.from(r.y.data) }));
    await s.release();
  } catch (e) { process.stdout.write(JSON.stringify({ ok: false, error: String(e && e.message || e) })); }
})();`;
}

/**
 * Creates and runs the probe model on `executionProviders` in a child process. Returns undefined when it ran and gave
 * the right answer, otherwise why not (ORT's message, or the child's last stderr line when it died).
 */
export async function probeSessionInChild(
  executionProviders: readonly unknown[],
  env: Readonly<Record<string, string>> = {},
): Promise<{ failure: string | undefined; stderr: string }> {
  const probe = probeModel();
  const ortEntry = createRequire(import.meta.url).resolve('onnxruntime-node');
  const child = await runNodeChild(
    childProbeScript(ortEntry, encodeModel(probe.model), executionProviders),
    env,
    120_000,
  );
  if (child.timedOut) return { failure: 'probe timed out', stderr: child.stderr };
  let result: unknown;
  try {
    result = JSON.parse(child.stdout);
  } catch {
    const last =
      child.stderr
        .trim()
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.includes('XDG_RUNTIME_DIR'))
        .pop() ?? '';
    return {
      failure: `probe process ${child.signal !== null ? `killed by ${child.signal}` : `exited ${child.code ?? '?'}`}: ${last}`,
      stderr: child.stderr,
    };
  }
  if (typeof result !== 'object' || result === null || !('ok' in result))
    return { failure: `probe printed ${child.stdout.slice(0, 200)}`, stderr: child.stderr };
  if (result.ok !== true)
    return { failure: 'error' in result ? String(result.error) : 'probe failed', stderr: child.stderr };
  const y = 'y' in result && Array.isArray(result.y) ? result.y : [];
  return {
    failure:
      y.length === 1 && y[0] === probe.expected
        ? undefined
        : `probe computed ${JSON.stringify(y)}, expected [${probe.expected}]`,
    stderr: child.stderr,
  };
}
