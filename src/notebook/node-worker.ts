/**
 * The build-time twin of worker.ts, run in a Node `worker_threads` Worker by
 * node-runner.ts: same engine, same messages; assets are read from disk.
 */
import { parentPort, workerData } from "node:worker_threads";
import { readFile } from "node:fs/promises";
import { join, normalize } from "node:path";
import { pathToFileURL } from "node:url";
import type { PageToWorker } from "./protocol";
import { serveNotebook } from "./serve";

interface NodeWorkerData {
  /** Absolute path of the library entry (`src/lib/index.ts`). */
  libraryEntry: string;
  /** The site's `public/` directory: `asset(path)` files live there. */
  publicDir: string;
}

const { libraryEntry, publicDir } = workerData as NodeWorkerData;
const port = parentPort!;

const receive = serveNotebook({
  post: (message) => port.postMessage(message),
  loadModules: async () => ({ transformer: (await import(pathToFileURL(libraryEntry).href)) as object }),
  loadBytes: async (path) => {
    const file = normalize(join(publicDir, path.replace(/^\/+/, "")));
    if (!file.startsWith(normalize(publicDir))) throw new Error(`asset path "${path}" leaves the public folder`);
    return new Uint8Array(await readFile(file));
  },
});

port.on("message", (message: PageToWorker) => receive(message));
