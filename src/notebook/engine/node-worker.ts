/**
 * The build-time twin of browser-worker.ts, run in a Node `worker_threads` Worker by
 * host/node-runner.ts: same engine, same messages, same private channel (a port
 * handed over in the first message); assets are read from disk.
 */
import { MessageChannel, parentPort, workerData } from "node:worker_threads";
import { readFile } from "node:fs/promises";
import { join, normalize } from "node:path";
import { pathToFileURL } from "node:url";
import type { PageToWorker, WorkerToPage } from "../protocol";
import { connectEngine } from "./connect";
import { installCellTimers } from "./timers";

interface NodeWorkerData {
  /** Absolute path of the library entry (`src/lib/index.ts`). */
  libraryEntry: string;
  /** The site's `public/` directory: `asset(path)` files live there. */
  publicDir: string;
}

const { libraryEntry, publicDir } = workerData as NodeWorkerData;
const { port1: port, port2: hostPort } = new MessageChannel();
const postToHost = port.postMessage.bind(port) as (message: WorkerToPage) => void;
const timers = installCellTimers();

const receive = connectEngine({
  post: postToHost,
  loadModules: async () => ({ transformer: (await import(pathToFileURL(libraryEntry).href)) as object }),
  loadBytes: async (path) => {
    const file = normalize(join(publicDir, path.replace(/^\/+/, "")));
    if (!file.startsWith(normalize(publicDir))) throw new Error(`asset path "${path}" leaves the public folder`);
    return new Uint8Array(await readFile(file));
  },
  timers,
});

port.on("message", (message: PageToWorker) => receive(message));
parentPort!.postMessage({ type: "connect", port: hostPort }, [hostPort]);
