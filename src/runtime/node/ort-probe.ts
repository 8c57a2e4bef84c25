/**
 * Probes that run in a child Node process, so that a missing library, a bad driver or a crash in native code can
 * never take down the caller. Used by the availability checks of `ort-cuda` and `ort-webgpu`; the model is the one
 * probe of every backend (../probe.ts).
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { encodeModel } from '../../export/model.js';
import { ortErrorText } from '../ort-session.js';
import { PROBE_INPUT, PROBE_OUTPUT, probeMismatch, probeModel, type ProbeCase } from '../probe.js';

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
    const loadable = /did not self-register|napi_register_module/.test(m);
    results[lib] = loadable ? { loaded: true } : { loaded: false, error: m.split('\\n')[0] };
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

/**
 * A child-process script: load onnxruntime-node, create the probe session on `executionProviders` only (CPU fallback
 * disabled), run it and print `{ ok, y }` or `{ ok: false, error }` as JSON.
 */
function childProbeScript(ortEntry: string, probe: ProbeCase, executionProviders: readonly unknown[]): string {
  const bytes = Buffer.from(encodeModel(probe.model)).toString('base64');
  const options = { executionProviders, extra: { session: { disable_cpu_ep_fallback: '1' } } };
  const input = { values: probe.input.toNumbers(), dims: probe.input.dims };
  return `
const ort = require(${JSON.stringify(ortEntry)});
const bytes = Buffer.from(${JSON.stringify(bytes)}, 'base64');
const input = ${JSON.stringify(input)};
(async () => {
  try {
    const s = await ort.InferenceSession.create(bytes, ${JSON.stringify(options)});
    const x = new ort.Tensor('float32', Float32Array.from(input.values), input.dims);
    const feeds = { ${JSON.stringify(PROBE_INPUT)}: x };
    const r = await s.run(feeds);
    process.stdout.write(JSON.stringify({ ok: true, y: Array.from(r[${JSON.stringify(PROBE_OUTPUT)}].data) }));
    await s.release();
  } catch (e) { process.stdout.write(JSON.stringify({ ok: false, error: String(e && e.message || e) })); }
})();`;
}

/** The last stderr line of a child that is not onnxruntime's harmless `XDG_RUNTIME_DIR` noise. */
function lastLine(text: string): string {
  const lines = text
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.includes('XDG_RUNTIME_DIR'));
  return lines[lines.length - 1] ?? '';
}

/** What a child probe session gave. */
export interface ChildProbe {
  /** Undefined when the probe ran and gave the right answer; otherwise why not, on one line. */
  readonly failure: string | undefined;
  /** The child's stderr (drivers say there why they refused, e.g. Dawn's `Warning:` lines). */
  readonly stderr: string;
}

/**
 * Creates and runs the probe model on `executionProviders` in a child process. Its failure is ORT's message without
 * the C++ source location, or the child's last stderr line when it died.
 */
export async function probeSessionInChild(
  executionProviders: readonly unknown[],
  env: Readonly<Record<string, string>> = {},
): Promise<ChildProbe> {
  const probe = probeModel();
  const ortEntry = createRequire(import.meta.url).resolve('onnxruntime-node');
  const child = await runNodeChild(childProbeScript(ortEntry, probe, executionProviders), env, 120_000);
  const stderr = child.stderr;
  if (child.timedOut) return { failure: 'probe timed out', stderr };
  let result: unknown;
  try {
    result = JSON.parse(child.stdout);
  } catch {
    const how = child.signal !== null ? `killed by ${child.signal}` : `exited ${child.code ?? '?'}`;
    return { failure: `probe process ${how}: ${lastLine(stderr)}`, stderr };
  }
  if (typeof result !== 'object' || result === null || !('ok' in result))
    return { failure: `probe printed ${child.stdout.slice(0, 200)}`, stderr };
  if (result.ok !== true) {
    const error = 'error' in result ? String(result.error) : 'probe failed';
    return { failure: ortErrorText(error, true).replace(/\s*\n\s*/g, ' '), stderr };
  }
  const y =
    'y' in result && Array.isArray(result.y)
      ? result.y.filter((v: unknown): v is number => typeof v === 'number')
      : undefined;
  return { failure: probeMismatch(y, probe), stderr };
}
