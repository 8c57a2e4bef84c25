/**
 * A tiny static HTTP server on 127.0.0.1 (ephemeral port) for the onnxruntime-web pages: onnxruntime-web's
 * `.mjs`/`.wasm` files, the harness page and model bytes. Browsers refuse to instantiate a `.wasm` served with any
 * type other than `application/wasm` (streaming compile), and ES modules need a JavaScript type, so the types
 * matter. Only GET/HEAD of known paths are answered; everything else is a 404 (or 405).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** Content types by file extension (what browsers require for modules and wasm). */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
};

/** The content type for a file name (by extension); `application/octet-stream` when unknown. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** What a path serves: bytes in memory, or a file on disk. */
export type Route =
  | { readonly kind: 'bytes'; readonly body: Uint8Array | string; readonly type: string }
  | { readonly kind: 'file'; readonly file: string };

/** A running server; routes can be added and removed while it runs. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly origin: string;
  /** Serves `route` at `urlPath` (which starts with '/'). */
  set(urlPath: string, route: Route): void;
  /** Serves every file under `dir` (not below symlinks out of it) at `prefix` + relative path. */
  mount(prefix: string, dir: string): void;
  delete(urlPath: string): void;
  close(): Promise<void>;
}

function resolveMounted(mounts: ReadonlyMap<string, string>, urlPath: string): string | undefined {
  for (const [prefix, dir] of mounts) {
    if (!urlPath.startsWith(prefix)) continue;
    const relative = decodeURIComponent(urlPath.slice(prefix.length));
    const file = path.resolve(dir, relative);
    // Refuse '..' escapes: the resolved file must stay inside the mounted folder.
    if (!file.startsWith(path.resolve(dir) + path.sep)) return undefined;
    if (existsSync(file) && statSync(file).isFile()) return file;
  }
  return undefined;
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}

/** Starts a server on 127.0.0.1, on `port` (default 0: an ephemeral port). */
export async function startStaticServer(port = 0): Promise<StaticServer> {
  const routes = new Map<string, Route>();
  const mounts = new Map<string, string>();
  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return send(response, 405, 'text/plain', 'method not allowed');
    const urlPath = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const route = routes.get(urlPath);
    const headers = {
      'cache-control': 'no-store',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    };
    if (route?.kind === 'bytes') {
      response.writeHead(200, { ...headers, 'content-type': route.type });
      response.end(request.method === 'HEAD' ? undefined : route.body);
      return;
    }
    const file = route?.kind === 'file' ? route.file : resolveMounted(mounts, urlPath);
    if (file === undefined || !existsSync(file)) return send(response, 404, 'text/plain', `not found: ${urlPath}`);
    response.writeHead(200, { ...headers, 'content-type': contentTypeOf(file), 'content-length': statSync(file).size });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? (address satisfies AddressInfo).port : port;
  return {
    origin: `http://127.0.0.1:${bound}`,
    set: (urlPath, route) => void routes.set(urlPath, route),
    mount: (prefix, dir) => void mounts.set(prefix, dir),
    delete: (urlPath) => void routes.delete(urlPath),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
