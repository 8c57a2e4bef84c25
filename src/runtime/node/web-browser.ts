/**
 * One headless Chromium per process for the `web-webgpu` backend, driven by playwright-core (never the
 * `playwright` package, which downloads browsers): a system Chromium (Debian's `/usr/bin/chromium` by default,
 * `SPPKIT_CHROMIUM` to choose another), launched with WebGPU enabled, one page on the harness served from
 * 127.0.0.1 (web-server.ts, web-harness.ts).
 *
 * The host is shared by every session and kept while any session is open; when the last one is disposed it
 * closes after a short grace period (so back-to-back loads reuse it, and a test process can end). `closeWebHost()`
 * closes it at once. playwright-core kills the browser if the process exits first.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { HARNESS_HTML, HARNESS_JS } from './web-harness.js';
import { startStaticServer, type StaticServer } from './web-server.js';

/** Environment variable naming the Chromium executable (default: the first of CHROMIUM_CANDIDATES that exists). */
export const CHROMIUM_ENV = 'SPPKIT_CHROMIUM';
/** Where Chromium is looked for (Debian's package first). */
export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
] as const;

/**
 * Chromium flags: `--enable-unsafe-webgpu` is what turns WebGPU on in headless Linux Chromium (adapter: SwiftShader
 * when no GPU driver is usable); the rest keep it from reaching the network and make it run as root in containers.
 */
export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
] as const;

/** The onnxruntime-web build the page loads: the native WebGPU EP build (`onnxruntime-web/webgpu`). */
export const ORT_WEB_MODULE = 'ort.webgpu.min.mjs';

/** How long an unused browser stays open after its last session is disposed. */
const IDLE_CLOSE_MS = 1500;

/** The Chromium executable to use, or undefined when none is found. */
export function findChromium(): string | undefined {
  const fromEnv = process.env[CHROMIUM_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return CHROMIUM_CANDIDATES.find((file) => existsSync(file));
}

/** onnxruntime-web's `dist` folder (its `.mjs` and `.wasm` files). */
export function ortWebDistDir(): string {
  // The package exports no './package.json'; its main entry (for require under Node) lives in dist/.
  return path.dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
}

/** A browser, its harness page and the server behind it. */
export interface WebHost {
  readonly browser: Browser;
  readonly page: Page;
  readonly server: StaticServer;
  readonly chromium: string;
  /** Calls a harness method in the page; resolves to what it returned (an `{ error }` object on failure). */
  call(method: string, payload: unknown): Promise<unknown>;
  /** Page errors and console errors seen so far (for failure messages). */
  readonly pageErrors: string[];
  /** onnxruntime-web's version, as the page reports it. */
  readonly ortVersion: string;
  /** The WebGPU adapter, or why there is none. */
  readonly adapter: AdapterResult;
}

/** What `navigator.gpu.requestAdapter()` gave. */
export type AdapterResult =
  { readonly ok: true; readonly info: AdapterInfo } | { readonly ok: false; readonly error: string };

/** The fields of `GPUAdapterInfo` sppkit reports. */
export interface AdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly isFallbackAdapter: boolean;
  /** The adapter's optional features (`shader-f16`, ...). */
  readonly features: readonly string[];
}

/** A property of an untyped object (what the page returned), or undefined. */
export function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? Object.getOwnPropertyDescriptor(value, key)?.value : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function parseAdapter(value: unknown): AdapterResult {
  if (fieldOf(value, 'ok') !== true)
    return { ok: false, error: text(fieldOf(value, 'error')) || `unexpected adapter answer ${JSON.stringify(value)}` };
  const info = fieldOf(value, 'info');
  return {
    ok: true,
    info: {
      vendor: text(fieldOf(info, 'vendor')),
      architecture: text(fieldOf(info, 'architecture')),
      device: text(fieldOf(info, 'device')),
      description: text(fieldOf(info, 'description')),
      isFallbackAdapter: fieldOf(info, 'isFallbackAdapter') === true,
      features: ((list: unknown) =>
        Array.isArray(list) ? list.filter((f): f is string => typeof f === 'string') : [])(fieldOf(info, 'features')),
    },
  };
}

/** `vendor/architecture (description, fallback adapter)` for messages. */
export function describeAdapter(info: AdapterInfo): string {
  const extras = [info.description, info.device, info.isFallbackAdapter ? 'fallback adapter' : ''].filter(
    (s) => s !== '',
  );
  return `${info.vendor || '?'}/${info.architecture || '?'}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}`;
}

async function launchHost(executablePath: string): Promise<WebHost> {
  const { chromium } = await import('playwright-core');
  const server = await startStaticServer();
  let browser: Browser | undefined;
  try {
    server.set('/', { kind: 'bytes', type: 'text/html; charset=utf-8', body: HARNESS_HTML });
    server.set('/harness.mjs', { kind: 'bytes', type: 'text/javascript; charset=utf-8', body: HARNESS_JS });
    server.set('/favicon.ico', { kind: 'bytes', type: 'image/x-icon', body: new Uint8Array(0) });
    server.mount('/ort/', ortWebDistDir());
    // launch() always starts from a fresh temporary profile (user-data dir) and deletes it on close.
    browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text());
    });
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => Reflect.has(globalThis, 'sppkitHarness'));
    const call = (method: string, payload: unknown): Promise<unknown> =>
      page.evaluate(
        async ({ method: name, payload: argument }) => {
          const harness: unknown = Reflect.get(globalThis, 'sppkitHarness');
          const fn: unknown =
            typeof harness === 'object' && harness !== null ? Reflect.get(harness, 'call') : undefined;
          if (typeof fn !== 'function') return { error: 'sppkitHarness is not loaded' };
          const result: unknown = await Reflect.apply(fn, harness, [name, argument]);
          return result;
        },
        { method, payload },
      );
    const init = await call('init', { ortUrl: `/ort/${ORT_WEB_MODULE}`, wasmPaths: `${server.origin}/ort/` });
    const initError = fieldOf(init, 'error');
    if (typeof initError === 'string')
      throw new Error(`onnxruntime-web (${ORT_WEB_MODULE}) failed to load in the page: ${initError}`);
    const ortVersion = text(fieldOf(fieldOf(init, 'versions'), 'web')) || '?';
    const adapter = parseAdapter(await call('adapter', {}));
    return { browser, page, server, chromium: executablePath, call, pageErrors, ortVersion, adapter };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await server.close();
    throw error;
  }
}

/** A launched (or launching) host and how many users hold it. */
interface HostEntry {
  readonly host: Promise<WebHost>;
  users: number;
  idleTimer: NodeJS.Timeout | undefined;
}

/** One host per Chromium executable (in practice one per process). */
const hosts = new Map<string, HostEntry>();

/** The shared host for `executablePath`, launched on first use. Call `releaseWebHost` with the same path when done. */
export function acquireWebHost(executablePath: string): Promise<WebHost> {
  let entry = hosts.get(executablePath);
  if (entry === undefined) {
    const created: HostEntry = { host: launchHost(executablePath), users: 0, idleTimer: undefined };
    // A failed launch is not kept: the next acquire tries again.
    created.host.catch(() => {
      if (hosts.get(executablePath) === created) hosts.delete(executablePath);
    });
    hosts.set(executablePath, created);
    entry = created;
  }
  if (entry.idleTimer !== undefined) clearTimeout(entry.idleTimer);
  entry.idleTimer = undefined;
  entry.users += 1;
  return entry.host;
}

/** Gives back one use of the host; the last one closes it after a short grace period. */
export function releaseWebHost(executablePath: string): void {
  const entry = hosts.get(executablePath);
  if (entry === undefined) return;
  entry.users = Math.max(0, entry.users - 1);
  if (entry.users > 0) return;
  if (entry.idleTimer !== undefined) clearTimeout(entry.idleTimer);
  entry.idleTimer = setTimeout(() => void closeEntry(executablePath, entry), IDLE_CLOSE_MS);
}

async function closeEntry(executablePath: string, entry: HostEntry): Promise<void> {
  if (entry.idleTimer !== undefined) clearTimeout(entry.idleTimer);
  entry.idleTimer = undefined;
  if (hosts.get(executablePath) === entry) hosts.delete(executablePath);
  const opened = await entry.host.catch(() => undefined);
  if (opened === undefined) return;
  await opened.browser.close().catch(() => undefined);
  await opened.server.close();
}

/** Closes every shared browser and its server now (sessions still open become unusable). */
export async function closeWebHost(): Promise<void> {
  await Promise.all([...hosts].map(([executablePath, entry]) => closeEntry(executablePath, entry)));
}
