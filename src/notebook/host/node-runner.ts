/**
 * Runs a chapter's cells at build time with the same engine and the same
 * supervisor (host.ts) as the browser, in a `worker_threads` Worker so that
 * a runaway cell can be stopped: when a
 * cell passes its time limit the worker is terminated (a synchronous infinite
 * loop cannot be interrupted any other way), the cell gets a `stopped` output
 * and an error, and a fresh worker runs the rest of the chapter, with the
 * stopped cell marked `norun` so cells that need it are skipped.
 */
import { MessagePort, Worker } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import type { CellDefinition } from "../compile/cells";
import type { CellError, CellSource, Output, WorkerToPage } from "../protocol";
import { DEFAULT_TIMEOUT_MS, WorkerHost, type WorkerLike, type WorkerPort } from "./supervisor";

/** What one cell produced at build time. */
export interface CellResult {
  id: string;
  outputs: Output[];
  error?: CellError;
  /** Run time reported by the engine (0 when skipped or not run). */
  ms: number;
  /** Not run: `norun`, or a cell it depends on failed. */
  skipped?: boolean;
}

export interface NodeRunOptions {
  /** The chapter's slug, for messages. */
  chapter: string;
  /** The site's `public/` directory; `loadBytes(path)` reads from it. */
  publicDir: string;
  /** The site's base path, for `asset(path)` URLs (default "/"). */
  assetBase?: string;
  /** The library's entry file (default `src/lib/index.ts`); tests may point at a fixture. */
  libraryEntry?: string;
  /** The worker's entry already bundled to JavaScript (build/worker-bundle.ts), started without the TypeScript loader (default: engine/node-worker.ts through it). */
  workerEntry?: string;
  /** Measures a running cell against its time limit (default: wall-clock time). */
  clock?: CellClock;
}

/**
 * Watches one running cell: `start` is called when the cell starts, with the
 * worker running it and the cell's limit in ms; it calls `expire` with the
 * message for the reader once the limit is passed, and returns the function
 * that stops watching (called when the cell ends).
 */
export interface CellClock {
  start(worker: Worker, limitMs: number, expire: (message: string) => void): () => void;
}

/** The page's rule: the cell's limit in wall-clock time. */
export const wallClock: CellClock = {
  start(_worker, limitMs, expire) {
    const timer = setTimeout(
      () => expire(`Stopped: the cell ran for more than ${limitMs / 1000} s (its time limit; set timeout=ms on the fence to change it).`),
      limitMs,
    );
    return () => clearTimeout(timer);
  },
};

const BOOT = fileURLToPath(new URL("../engine/node-worker-boot.mjs", import.meta.url));
const ENTRY = fileURLToPath(new URL("../engine/node-worker.ts", import.meta.url));
const LIBRARY = fileURLToPath(new URL("../../lib/index.ts", import.meta.url));

/**
 * Runs the `cell` definitions (solutions are ignored) in page order and
 * resolves with one result per cell, in the same order. `norun` cells are not
 * run. Rejects only when the runtime itself cannot start.
 */
export async function runCellsInNode(cells: CellDefinition[], options: NodeRunOptions): Promise<CellResult[]> {
  const runnable = cells.filter((cell) => cell.kind === "cell");
  const results = new Map<string, CellResult>(runnable.map((c) => [c.id, { id: c.id, outputs: [], ms: 0 }]));
  const finished = new Set<string>();
  const stopped = new Set<string>();

  for (const cell of runnable) {
    if (cell.options.norun) {
      results.get(cell.id)!.skipped = true;
      finished.add(cell.id);
    }
  }

  // Each pass runs the whole chapter in a new worker; only a timeout or a crash causes another pass.
  while (finished.size < runnable.length) {
    const sources: CellSource[] = runnable.map((c) => ({
      id: c.id,
      code: c.code,
      ...(c.options.norun || stopped.has(c.id) ? { norun: true } : {}),
    }));
    const outcome = await runPass(sources, runnable, options, (message) => record(message));
    if (outcome.kind === "done") break;
    const { cellId, error } = outcome;
    if (!cellId) throw new Error(`chapter ${options.chapter}: the notebook runtime failed to start: ${error.message}`);
    stopped.add(cellId);
    const result = results.get(cellId)!;
    if (error.name === "TimeoutError") result.outputs.push({ kind: "stopped", message: error.message });
    result.error = error;
    finished.add(cellId);
  }
  for (const cell of runnable) if (!finished.has(cell.id)) results.get(cell.id)!.skipped = true;
  return runnable.map((c) => results.get(c.id)!);

  function record(message: WorkerToPage): void {
    if (!("cellId" in message) || finished.has(message.cellId)) return;
    const result = results.get(message.cellId)!;
    switch (message.type) {
      case "output": {
        const earlier = result.outputs.findIndex((_, i) => outputIds.get(result.outputs[i]) === message.outputId);
        if (message.replace && earlier >= 0) result.outputs[earlier] = message.output;
        else result.outputs.push(message.output);
        outputIds.set(message.output, message.outputId);
        break;
      }
      case "cellDone":
        result.ms = message.ms;
        finished.add(message.cellId);
        break;
      case "cellError":
        result.error = message.error;
        finished.add(message.cellId);
        break;
      case "cellSkipped":
        result.skipped = true;
        finished.add(message.cellId);
        break;
    }
  }
}

const outputIds = new WeakMap<Output, string>();

type PassOutcome = { kind: "done" } | { kind: "stopped"; cellId?: string; error: CellError };

/** One worker, one `runAll`, under the same supervisor as the page (host.ts); resolves when the run is done, a cell times out, or the worker dies. */
function runPass(
  sources: CellSource[],
  cells: CellDefinition[],
  options: NodeRunOptions,
  onMessage: (message: WorkerToPage) => void,
): Promise<PassOutcome> {
  const timeouts = new Map(cells.map((c) => [c.id, c.options.timeout]));
  const clock = options.clock ?? wallClock;
  let thread: Worker | undefined;
  return new Promise<PassOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: PassOutcome) => {
      if (settled) return;
      settled = true;
      host.terminate();
      resolve(outcome);
    };
    const host = new WorkerHost(
      () => {
        const started = startNodeWorker(options);
        thread = started.thread;
        return started.like;
      },
      {
        message: (message) => {
          onMessage(message);
          if (message.type === "runDone") finish({ kind: "done" });
        },
        timeout: (cellId, _limit, message) => finish({ kind: "stopped", cellId, error: { name: "TimeoutError", message: message ?? "Stopped." } }),
        crash: (reason, cellId) => finish({ kind: "stopped", cellId, error: { name: "Error", message: reason } }),
        dropped: (reason) => console.warn(`chapter ${options.chapter}: dropped a message from the notebook worker: ${reason}`),
      },
      {
        limitFor: (cellId) => timeouts.get(cellId) ?? DEFAULT_TIMEOUT_MS,
        isCell: (cellId) => timeouts.has(cellId),
        watchCell: (_cellId, limitMs, expire) => clock.start(thread!, limitMs, expire),
        // The build runs every chapter at once: between cells a busy machine may pause the worker for a while.
        silenceLimitMs: 60_000,
      },
    );
    host.send({ type: "init", chapter: options.chapter, cells: sources, assetBase: options.assetBase ?? "/" });
    host.send({ type: "runAll", runId: 1 });
  });
}

/** A `worker_threads` Worker running node-worker.ts, adapted to the host's `WorkerLike` (`thread`: the Worker itself, for the clock). */
export function startNodeWorker(options: NodeRunOptions): { like: WorkerLike; thread: Worker } {
  const worker = new Worker(options.workerEntry ?? BOOT, {
    workerData: { entry: ENTRY, libraryEntry: options.libraryEntry ?? LIBRARY, publicDir: options.publicDir },
    stdout: false,
    stderr: false,
  });
  let ended = false;
  const like: WorkerLike = {
    onmessage: null,
    onerror: null,
    terminate: () => {
      ended = true;
      void worker.terminate();
    },
    openPort: (port) => (port instanceof MessagePort ? nodePort(port) : undefined),
  };
  worker.on("message", (data: { type?: unknown; port?: unknown }) => like.onmessage?.(data));
  worker.on("error", (error) => like.onerror?.(`${error.name}: ${error.message}`));
  worker.on("exit", (code) => {
    if (!ended) like.onerror?.(`the notebook worker exited with code ${code}`);
  });
  return { like, thread: worker };
}

function nodePort(port: MessagePort): WorkerPort {
  const wrapped: WorkerPort = {
    onmessage: null,
    postMessage: (message) => port.postMessage(message),
    close: () => port.close(),
  };
  port.on("message", (data) => wrapped.onmessage?.(data));
  return wrapped;
}
