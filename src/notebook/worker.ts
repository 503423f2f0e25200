/**
 * The Web Worker entry: one per chapter page. Loads the library, runs the
 * chapter's cells with the engine (run.ts) and posts every report to the page.
 * The page starts it with
 * `new Worker(new URL("../worker.ts", import.meta.url), { type: "module" })`.
 */
/// <reference lib="webworker" />
import type { PageToWorker, WorkerToPage } from "./protocol";
import { serveNotebook } from "./serve";

const scope = self as unknown as DedicatedWorkerGlobalScope;

const receive = serveNotebook({
  post: (message: WorkerToPage) => scope.postMessage(message),
  loadModules: async () => ({ transformer: await import("../lib/index") }),
});

scope.onmessage = (event: MessageEvent<PageToWorker>) => receive(event.data);
