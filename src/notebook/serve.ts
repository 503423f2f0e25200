/**
 * Connects a `Notebook` to a message channel: the part the browser worker and
 * the Node build worker share. Messages that arrive while the library is
 * still loading are buffered and handled in order once it is ready; `ready`
 * is sent first.
 */
import type { PageToWorker, WorkerToPage } from "./protocol";
import { Notebook } from "./run";

export interface ServeOptions {
  /** Posts a message to the page (or the build). */
  post(message: WorkerToPage): void;
  /** Loads the importable modules, e.g. `{ transformer: await import("../lib/index") }`. */
  loadModules(): Promise<Record<string, object>>;
  /** Reads an asset's bytes (the build reads files; the browser fetches). */
  loadBytes?(path: string): Promise<Uint8Array>;
}

/** Starts loading the modules and returns the function to call with each incoming message. */
export function serveNotebook({ post, loadModules, loadBytes }: ServeOptions): (message: PageToWorker) => void {
  const pending: PageToWorker[] = [];
  let notebook: Notebook | undefined;
  // Runs are queued inside the engine; this chain only keeps init/update in order with them.
  const handle = (message: PageToWorker) => {
    const result = notebook!.handle(message);
    if (result) result.catch((error) => reportCrash(error));
  };
  // The library failed to load, or an engine bug (never a cell's error): rethrow
  // outside any promise so the worker's `error` event tells the page or the build.
  const reportCrash = (error: unknown) => {
    setTimeout(() => {
      throw error;
    });
  };
  loadModules().then(
    (modules) => {
      notebook = new Notebook({ modules, send: post, assetBase: "/", loadBytes });
      post({ type: "ready" });
      for (const message of pending.splice(0)) handle(message);
    },
    (error) => reportCrash(error),
  );
  return (message) => {
    if (notebook) handle(message);
    else pending.push(message);
  };
}
