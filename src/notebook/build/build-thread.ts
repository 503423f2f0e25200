/**
 * A second thread for the build's pure, CPU-heavy steps: highlighting the
 * cells' code and rendering their outputs to HTML (Observable Plot on
 * linkedom). The build's main thread is the one that bundles the site with
 * Vite and Rollup, and it is the build's slowest path; these steps took
 * several seconds of it. On this thread they run on another core meanwhile.
 *
 * `inBuildThread(module, name, here)` gives an async version of the function
 * `here`, which the module `module` exports as `name`: calls go to the one
 * build thread, which imports the module and calls its export. Arguments and
 * results must survive a structured clone. Should the thread fail to start
 * or die, every call still waiting and every later call runs `here` on the
 * calling thread, with the same result; an error thrown by the function itself
 * rejects the call as it would here.
 */
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

/** The loader boot file the build's notebook workers start from; it imports `workerData.entry`. */
const BOOT = fileURLToPath(new URL("../engine/node-worker-boot.mjs", import.meta.url));
const ENTRY = fileURLToPath(new URL("./build-thread-worker.ts", import.meta.url));

/** What the thread is asked: call export `name` of `module` (a file path) with `args`. */
export interface BuildThreadCall {
  id: number;
  module: string;
  name: string;
  args: unknown[];
}

/** What it answers. */
export type BuildThreadReply = { id: number; value: unknown } | { id: number; error: string };

interface Waiting {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  here: () => unknown;
}

class BuildThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private failed = false;

  constructor() {
    this.worker = new Worker(BOOT, { workerData: { entry: ENTRY }, stdout: false, stderr: false });
    // An idle thread must not keep the build's process alive; a busy one must.
    this.worker.unref();
    this.worker.on("message", (reply: BuildThreadReply) => this.settle(reply));
    this.worker.on("error", () => this.fail());
    this.worker.on("exit", () => this.fail());
  }

  call(module: string, name: string, args: unknown[], here: () => unknown): Promise<unknown> {
    if (this.failed) return Promise.resolve().then(here);
    const id = this.nextId++;
    if (this.waiting.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, here });
      this.worker.postMessage({ id, module, name, args } satisfies BuildThreadCall);
    });
  }

  private settle(reply: BuildThreadReply): void {
    const call = this.waiting.get(reply.id);
    if (!call) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker.unref();
    if ("error" in reply) call.reject(new Error(reply.error));
    else call.resolve(reply.value);
  }

  private fail(): void {
    if (this.failed) return;
    this.failed = true;
    for (const { resolve, reject, here } of this.waiting.values()) Promise.resolve().then(here).then(resolve, reject);
    this.waiting.clear();
  }
}

let thread: BuildThread | undefined;

/**
 * `here`, called on the build thread: `module` must export it as `name`.
 *
 * @example
 * export const highlight = inBuildThread(new URL(import.meta.url), "highlightHere", highlightHere);
 */
export function inBuildThread<A extends unknown[], R>(module: URL, name: string, here: (...args: A) => R | Promise<R>): (...args: A) => Promise<R> {
  const path = fileURLToPath(module);
  return (...args) => (thread ??= new BuildThread()).call(path, name, args, () => here(...args)) as Promise<R>;
}
