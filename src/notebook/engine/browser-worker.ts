/**
 * The Web Worker entry: one per chapter page. Loads the library, runs the
 * chapter's cells with the engine (engine.ts) and posts every report to the page.
 * The page starts it (host/browser-worker-host.ts) with
 * `new Worker(new URL("../engine/browser-worker.ts", import.meta.url), { type: "module" })`.
 *
 * Cells run in this worker's global scope, so everything they could reach is
 * put out of reach before any of them runs. The runtime talks to the page on
 * a private `MessageChannel` whose port lives only in this module: its first
 * message on the worker's own channel hands the other port to the page, and
 * the page ignores everything else that arrives there. A cell calling
 * `self.postMessage`, setting `self.onmessage` or patching
 * `MessagePort.prototype` therefore neither forges a report nor cuts the page
 * off: the functions used here were bound before the cell existed.
 */
/// <reference lib="webworker" />
import type { PageToWorker, WorkerToPage } from "../protocol";
import { connectEngine } from "./connect";
import { installCellTimers } from "./timers";

const scope = self as unknown as DedicatedWorkerGlobalScope;
const { port1: port, port2: pagePort } = new MessageChannel();
const postToPage = port.postMessage.bind(port) as (message: WorkerToPage) => void;
// Read `event.data` with the original getter: a cell that redefines it on
// MessageEvent.prototype would otherwise be handed the event, and through
// `event.target` the port.
const dataOf = Function.prototype.call.bind(Object.getOwnPropertyDescriptor(MessageEvent.prototype, "data")!.get!) as (event: MessageEvent) => PageToWorker;
const timers = installCellTimers();

const receive = connectEngine({
  post: postToPage,
  loadModules: async () => ({ transformer: await import("../../lib/index") }),
  timers,
});

port.onmessage = (event: MessageEvent<PageToWorker>) => receive(dataOf(event));
scope.postMessage({ type: "connect", port: pagePort }, [pagePort]);
