/**
 * A second thread for the build's pure, CPU-heavy steps: highlighting the
 * cells' code and rendering their outputs to HTML (Observable Plot on
 * linkedom). The build's main thread is the one that bundles the site with
 * Vite and Rollup, and it is the build's slowest path; these steps took
 * several seconds of it. On this thread they run on another core meanwhile.
 *
 * The thread starts from plain JavaScript: its entry (`build-thread-worker.ts`,
 * which lists the functions it can run by name) is bundled with esbuild
 * beside the notebook workers' bundle (`worker-bundle.ts`). Started through
 * the TypeScript loader instead, it spent about 1.5 s of CPU time compiling
 * and Node's module-hooks thread about 3.8 s more, on a machine whose two
 * cores the build already keeps busy.
 *
 * `inBuildThread(name, here)` gives an async version of the function `here`,
 * which the thread knows as `name`: calls go to the one build thread.
 * Arguments and results must survive a structured clone. Should the thread
 * fail to bundle, start or die, every call still waiting and every later
 * call runs `here` on the calling thread, with the same result; an error
 * thrown by the function itself rejects the call as it would here.
 */
import { fileURLToPath } from "node:url";
import { parentPort, Worker } from "node:worker_threads";
import { workerBundle } from "./worker-bundle.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** What the thread is asked: call its function `name` with `args`. */
export interface BuildThreadCall {
  id: number;
  name: string;
  args: unknown[];
}

/** What it answers. */
export type BuildThreadReply = { id: number; value: unknown } | { id: number; error: string };

/** The functions a build thread runs, by name. */
export type BuildThreadFunctions = Record<string, (...args: never[]) => unknown>;

interface Waiting {
  call: BuildThreadCall;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  here: () => unknown;
}

/** One worker thread started from the plain-JavaScript file `entry` resolves to; calls made before it starts wait for it. */
export class BuildThread {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private failed = false;

  constructor(entry: Promise<string>) {
    entry.then(
      (file) => this.start(file),
      () => this.fail(),
    );
  }

  /** `name(...args)` on the thread, or `here()` on this one if the thread is gone. */
  call(name: string, args: unknown[], here: () => unknown): Promise<unknown> {
    if (this.failed) return Promise.resolve().then(here);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const call = { id, name, args };
      this.waiting.set(id, { call, resolve, reject, here });
      if (!this.worker) return; // posted once the thread starts
      if (this.waiting.size === 1) this.worker.ref();
      this.worker.postMessage(call);
    });
  }

  private start(file: string): void {
    if (this.failed) return;
    let worker: Worker;
    try {
      worker = new Worker(file, { stdout: false, stderr: false });
    } catch {
      return this.fail();
    }
    this.worker = worker;
    // An idle thread must not keep the build's process alive; a busy one must.
    if (this.waiting.size === 0) worker.unref();
    worker.on("message", (reply: BuildThreadReply) => this.settle(reply));
    worker.on("error", () => this.fail());
    worker.on("exit", () => this.fail());
    for (const { call } of this.waiting.values()) worker.postMessage(call);
  }

  private settle(reply: BuildThreadReply): void {
    const call = this.waiting.get(reply.id);
    if (!call) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker?.unref();
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

let shared: BuildThread | undefined;

/** The build's one thread, started from the bundle of the current sources. */
function buildThread(): BuildThread {
  return (shared ??= new BuildThread(workerBundle(ROOT).then((files) => files.buildThread)));
}

/**
 * `here`, called on the build thread, which must list it as `name` (in
 * `build-thread-worker.ts`). `thread` is for tests, which start their own.
 *
 * @example
 * export const highlightTypeScript = inBuildThread("highlightHere", highlightHere);
 */
export function inBuildThread<A extends unknown[], R>(name: string, here: (...args: A) => R | Promise<R>, thread: () => BuildThread = buildThread): (...args: A) => Promise<R> {
  return (...args) => thread().call(name, args, () => here(...args)) as Promise<R>;
}

/**
 * On a build thread, from its entry: answers each call with what
 * `functions[name]` returns, or with the message of what it threw.
 */
export function answerCalls(functions: BuildThreadFunctions): void {
  const port = parentPort;
  if (!port) throw new Error("answerCalls() runs on a build thread, not on the main thread");
  port.on("message", async ({ id, name, args }: BuildThreadCall) => {
    let reply: BuildThreadReply;
    try {
      const run = functions[name] as ((...args: unknown[]) => unknown) | undefined;
      if (!run) throw new Error(`the build thread has no function "${name}"`);
      reply = { id, value: await run(...args) };
    } catch (error) {
      reply = { id, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
}
