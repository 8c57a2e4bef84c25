/**
 * `npm run web`: bundles the browser app once at start with esbuild — web/main.ts (the page) and web/worker.ts (its
 * model worker), each with sppkit's browser-safe package root — and serves them as static files on 127.0.0.1,
 * with web/index.html, its style sheets (style.css, open.css) and onnxruntime-web's `.mjs`/`.wasm` files at /ort/.
 * Nothing is computed on the server: every request is a file.
 *
 * The app imports the package root, `sppkit`, like any user; the bundles resolve that name to src/index.ts
 * (browser-safe), so the page always runs the working tree's code without a build of dist/.
 *
 * Usage: `npm run web [-- --port N]` (default port 8080; 0 picks a free one). Ctrl-C stops it.
 * `startWebApp` is also used by the browser tests in test/web/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { ortWebDistDir, ORT_WEB_MODULE } from '../src/runtime/node/web-browser.js';
import { startStaticServer } from '../src/runtime/node/web-server.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_PORT = 8080;

/** The package root the page imports as `sppkit`. */
const PACKAGE_ROOT = path.join(repoRoot, 'src', 'index.ts');

/** Loads onnxruntime-web from the server at run time instead of bundling it (its wasm must come from /ort/ anyway). */
const ortFromServer: Plugin = {
  name: 'onnxruntime-web-from-server',
  setup(context) {
    context.onResolve({ filter: /^onnxruntime-web(\/webgpu)?$/ }, () => ({
      path: `/ort/${ORT_WEB_MODULE}`,
      external: true,
    }));
  },
};

/** The app's bundles: the page's script and its model worker's, as served at /main.js and /worker.js. */
export interface WebBundles {
  readonly main: string;
  readonly worker: string;
}

/** Bundles one entry of web/ into one ES module (text). */
async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [path.join(repoRoot, 'web', entry)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    sourcemap: 'inline',
    alias: { sppkit: PACKAGE_ROOT },
    plugins: [ortFromServer],
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error(`esbuild produced no output for web/${entry}`);
  return output.text;
}

/** Bundles web/main.ts and web/worker.ts. */
export async function bundlePage(): Promise<WebBundles> {
  const [main, worker] = await Promise.all([bundle('main.ts'), bundle('worker.ts')]);
  return { main, worker };
}

/** A running page server. */
export interface WebApp {
  readonly url: string;
  close(): Promise<void>;
}

/** Bundles the app and serves it (and onnxruntime-web's files) on 127.0.0.1:`port`. */
export async function startWebApp(port = DEFAULT_PORT): Promise<WebApp> {
  const bundles = await bundlePage();
  const server = await startStaticServer(port);
  const file = (name: string): Buffer => readFileSync(path.join(repoRoot, 'web', name));
  server.set('/', { kind: 'bytes', type: 'text/html; charset=utf-8', body: file('index.html') });
  for (const sheet of ['style.css', 'open.css'])
    server.set(`/${sheet}`, { kind: 'bytes', type: 'text/css; charset=utf-8', body: file(sheet) });
  const javascript = 'text/javascript; charset=utf-8';
  server.set('/main.js', { kind: 'bytes', type: javascript, body: bundles.main });
  server.set('/worker.js', { kind: 'bytes', type: javascript, body: bundles.worker });
  server.set('/favicon.ico', { kind: 'bytes', type: 'image/x-icon', body: new Uint8Array(0) });
  server.mount('/ort/', ortWebDistDir());
  return { url: `${server.origin}/`, close: () => server.close() };
}

function parsePort(args: readonly string[]): number {
  const index = args.indexOf('--port');
  if (index < 0) return DEFAULT_PORT;
  const value = Number(args[index + 1]);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`--port takes a port number 0-65535, got ${String(args[index + 1])}`);
    process.exit(2);
  }
  return value;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const app = await startWebApp(parsePort(process.argv.slice(2)));
  console.log(`sppkit page: ${app.url}  (open it in Chrome/Edge with WebGPU; Ctrl-C to stop)`);
  process.on('SIGINT', () => void app.close().then(() => process.exit(0)));
}
