/**
 * The page that `web-webgpu` drives in headless Chromium: an empty HTML page and one ES module that loads
 * onnxruntime-web from the runner's server and exposes `globalThis.sppkitHarness.call(method, payload)`.
 *
 * It is browser JavaScript kept as text (it runs in another realm, so nothing here can import sppkit code). Its
 * protocol: every call takes and returns plain JSON; tensors are wire tensors (web-wire.ts). Methods:
 *  - `init { ortUrl, wasmPaths }` → `{ versions }`: imports onnxruntime-web, sets `env.wasm.wasmPaths`.
 *  - `adapter {}` → `{ ok, info | error }`: `navigator.gpu.requestAdapter()`, its `GPUAdapterInfo` and features.
 *  - `create { id, modelUrl, options, capturePlacement }` → `{ inputNames, outputNames, ms, placement }`: creates
 *    a session; with `capturePlacement` the session logs verbosely and `placement` is ORT's own node-placement
 *    section ("All nodes placed on [X]", or "Node(s) placed on [X]. Number of nodes: n" followed by the nodes).
 *  - `run { id, feeds }` → `{ outputs, ms }`, `release { id }` → `{}`.
 * Errors come back as `{ error }` (the message onnxruntime threw), never as a rejected promise, so the runner can
 * quote them.
 */

/** The harness page. */
export const HARNESS_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>sppkit onnxruntime-web harness</title>
<script type="module" src="/harness.mjs"></script></head><body>sppkit harness</body></html>
`;

/** The harness module (browser JavaScript). */
export const HARNESS_JS = `
const ARRAY_OF = {
  float32: Float32Array, float64: Float64Array, float16: Uint16Array, int8: Int8Array, uint8: Uint8Array,
  int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array,
  uint64: BigUint64Array, bool: Uint8Array,
};
const CHUNK = 0x8000;
const sessions = new Map();
let ort;

function toBase64(view) {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  let text = '';
  for (let i = 0; i < bytes.length; i += CHUNK) text += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK));
  return btoa(text);
}

function fromBase64(text, Kind) {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return new Kind(bytes.buffer);
}

function message(error) {
  return String((error && error.message) || error);
}

// ORT's logger writes through console.*; while a session is created with capturePlacement, its lines are
// swallowed and kept, and the section from "Node placements" up to the next non-placement line is returned.
let capture;
for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
  const original = console[level].bind(console);
  console[level] = (...args) => {
    if (capture === undefined) return original(...args);
    capture.push(args.map(String).join(' ').replace(/^.*?\\] /, '').replace(/\\u001b\\[[0-9;]*m/g, '').trim());
  };
}

function placementSection(lines) {
  const start = lines.findIndex((line) => line.startsWith('Node placements'));
  if (start < 0) return lines.filter((line) => /placed on \\[/.test(line));
  const section = [];
  for (const line of lines.slice(start)) {
    if (section.length > 0 && !/placed on \\[|^\\S+ \\(.*\\)$|^Some nodes were not assigned/.test(line)) break;
    section.push(line);
  }
  return section;
}

const methods = {
  async init({ ortUrl, wasmPaths }) {
    ort = await import(ortUrl);
    ort.env.wasm.wasmPaths = wasmPaths;
    ort.env.logLevel = 'warning';
    return { versions: ort.env.versions, crossOriginIsolated: globalThis.crossOriginIsolated === true };
  },
  async adapter() {
    if (!('gpu' in navigator) || !navigator.gpu)
      return { ok: false, error: 'navigator.gpu is undefined (WebGPU disabled: is --enable-unsafe-webgpu set?)' };
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) {
      const why = 'no WebGPU adapter: no usable Vulkan/GL driver';
      return { ok: false, error: 'navigator.gpu.requestAdapter() returned null (' + why + ')' };
    }
    const info = adapter.info || {};
    return { ok: true, info: { vendor: info.vendor || '', architecture: info.architecture || '',
      device: info.device || '', description: info.description || '',
      isFallbackAdapter: info.isFallbackAdapter === true || adapter.isFallbackAdapter === true,
      features: Array.from(adapter.features).sort() } };
  },
  async create({ id, modelUrl, options, capturePlacement }) {
    const start = performance.now();
    capture = capturePlacement ? [] : undefined;
    try {
      const verbose = { ...options, logSeverityLevel: 0, logVerbosityLevel: 0 };
      const session = await ort.InferenceSession.create(modelUrl, capturePlacement ? verbose : options);
      sessions.set(id, session);
      const ms = performance.now() - start;
      const placement = placementSection(capture || []);
      return { inputNames: session.inputNames, outputNames: session.outputNames, ms, placement };
    } finally {
      capture = undefined;
    }
  },
  async run({ id, feeds }) {
    const session = sessions.get(id);
    if (!session) throw new Error('no session ' + id);
    const inputs = {};
    for (const f of feeds) inputs[f.name] = new ort.Tensor(f.type, fromBase64(f.data, ARRAY_OF[f.type]), f.dims);
    const start = performance.now();
    const results = await session.run(inputs);
    const ms = performance.now() - start;
    const outputs = [];
    for (const name of session.outputNames) {
      const t = results[name];
      outputs.push({ name, type: t.type, dims: Array.from(t.dims), data: toBase64(t.data) });
      t.dispose();
    }
    for (const tensor of Object.values(inputs)) tensor.dispose();
    return { outputs, ms };
  },
  async release({ id }) {
    const session = sessions.get(id);
    sessions.delete(id);
    if (session) await session.release();
    return {};
  },
};

globalThis.sppkitHarness = {
  async call(method, payload) {
    try {
      return await methods[method](payload);
    } catch (error) {
      return { error: message(error) };
    }
  },
};
`;
