/**
 * The page's side of the worker: a Web Worker behind the `WorkerLike`
 * interface of the shared supervisor (../host.ts), which does the rest.
 */
import type { WorkerLike, WorkerPort } from "./supervisor";

export { WorkerHost, type WorkerHostEvents, type WorkerLike } from "./supervisor";

/** Starts the chapter's Web Worker and adapts it for the host. */
export function startBrowserWorker(): WorkerLike {
  const worker = new Worker(new URL("../engine/browser-worker.ts", import.meta.url), { type: "module", name: "notebook" });
  const like: WorkerLike = {
    onmessage: null,
    onerror: null,
    terminate: () => worker.terminate(),
    openPort: (port) => (port instanceof MessagePort ? browserPort(port) : undefined),
  };
  worker.onmessage = (event) => like.onmessage?.(event.data);
  worker.onerror = (event) => {
    event.preventDefault();
    like.onerror?.(event.message);
  };
  return like;
}

function browserPort(port: MessagePort): WorkerPort {
  const wrapped: WorkerPort = {
    onmessage: null,
    postMessage: (message) => port.postMessage(message),
    close: () => port.close(),
  };
  port.onmessage = (event) => wrapped.onmessage?.(event.data);
  return wrapped;
}
