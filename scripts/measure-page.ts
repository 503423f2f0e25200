/**
 * What the in-browser training measurements (`measure-training.ts`,
 * `measure-fashion-training.ts`) share: a server on 127.0.0.1 for their page
 * and its bundled worker, headless Chromium with a throw-away profile, and
 * the load-average line printed beside every figure.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import { type AddressInfo } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** A measurement's page in headless Chromium: `url` serves it, `close()` ends browser, profile and server. */
export interface MeasurementPage {
  url: string;
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Serves `page` at `/` and `workerJs` at `/worker.js` (and whatever `other`
 * answers, returning true), then starts Chromium with a fresh profile.
 */
export async function openMeasurementPage(
  name: string,
  page: string,
  workerJs: string,
  other: (path: string, response: ServerResponse) => boolean = () => false,
): Promise<MeasurementPage> {
  const server = createServer((request, response) => {
    const path = request.url ?? "/";
    if (other(path, response)) return;
    const js = path === "/worker.js";
    response.writeHead(200, { "content-type": js ? "text/javascript" : "text/html; charset=utf-8" });
    response.end(js ? workerJs : page);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const profile = mkdtempSync(join(tmpdir(), `${name}-`));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  return {
    url,
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      server.close();
    },
  };
}

/** `load average <label>: 1.2 0.9 0.7`, the machine's load over 1, 5 and 15 minutes. */
export function loadLine(label: string): string {
  return `load average ${label}: ${loadavg().map((l) => l.toFixed(1)).join(" ")}`;
}
