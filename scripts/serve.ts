/**
 * A tiny static server for `dist/`, on 127.0.0.1, honouring the site's base
 * path: with BASE_PATH=/ml-course/transformers/ the site answers under that
 * prefix only, as it would on GitHub Pages.
 *
 * Usage: npx tsx scripts/serve.ts [--port 4321] [--dir dist] [--base /]
 * Prints `serving http://127.0.0.1:PORT/base/` once listening (port 0 picks a free port).
 */
import { createServer, type Server } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml",
  ".bin": "application/octet-stream",
  ".wasm": "application/wasm",
  ".pf_meta": "application/octet-stream",
  ".pf_index": "application/octet-stream",
  ".pf_fragment": "application/octet-stream",
};

/** Options of `serveStatic`. */
export interface ServeOptions {
  dir: string;
  /** URL prefix, with leading and trailing slash (`/` or `/ml-course/transformers/`). */
  base: string;
  port: number;
}

/** Normalises a base path to `/x/y/` form. */
export function normalizeBase(base: string): string {
  const trimmed = base.replace(/^\/+|\/+$/g, "");
  return trimmed ? `/${trimmed}/` : "/";
}

async function fileFor(root: string, urlPath: string): Promise<string | undefined> {
  const candidate = resolve(root, "." + normalize(decodeURIComponent(urlPath)));
  if (candidate !== root && !candidate.startsWith(root + sep)) return undefined;
  for (const path of [candidate, join(candidate, "index.html"), candidate + ".html"]) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) return path;
  }
  return undefined;
}

/** Starts serving; resolves with the server and its base URL once listening. */
export function serveStatic({ dir, base, port }: ServeOptions): Promise<{ server: Server; url: string }> {
  const root = resolve(dir);
  const prefix = normalizeBase(base);
  const server = createServer(async (request, response) => {
    const pathname = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    if (pathname === prefix.slice(0, -1)) {
      response.writeHead(301, { location: prefix }).end();
      return;
    }
    const file = pathname.startsWith(prefix) ? await fileFor(root, "/" + pathname.slice(prefix.length)) : undefined;
    if (!file) {
      const notFound = await readFile(join(root, "404.html")).catch(() => Buffer.from("Not found"));
      response.writeHead(404, { "content-type": "text/html; charset=utf-8" }).end(notFound);
      return;
    }
    const body = await readFile(file);
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-cache" });
    response.end(request.method === "HEAD" ? undefined : body);
  });
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const actualPort = typeof address === "object" && address ? address.port : port;
      resolvePromise({ server, url: `http://127.0.0.1:${actualPort}${prefix}` });
    });
  });
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("serve.ts")) {
  const { url } = await serveStatic({
    dir: argument("dir") ?? "dist",
    base: argument("base") ?? process.env.BASE_PATH ?? "/",
    port: Number(argument("port") ?? 4321),
  });
  console.log(`serving ${url}`);
}
