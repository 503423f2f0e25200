/**
 * One notebook engine in a build worker that a test can drive step by step:
 * run every cell, replace a cell's code, rerun a cell and the cells
 * downstream of it. The chapter tests run a chapter once, then substitute
 * each exercise's solution and rerun only what depends on it.
 *
 * Limits are the build's (CPU time of the worker thread); a cell past its
 * limit ends the session with an error that names the chapter, the cell and
 * its MDX line, since a test cannot recover a worker stuck in a loop.
 */
import type { Worker } from "node:worker_threads";
import type { CellDefinition } from "../../src/notebook/compile/cells";
import { startNodeWorker, type CellResult } from "../../src/notebook/host/node-runner";
import type { Output, PageToWorker, WorkerToPage } from "../../src/notebook/protocol";
import { DEFAULT_TIMEOUT_MS, WorkerHost } from "../../src/notebook/host/supervisor";
import { createCpuClock } from "../../src/notebook/build/cpu-clock";
import { WORKER_LIBRARY } from "../../src/notebook/build/prerender";

const outputIds = new WeakMap<Output, string>();

/** A chapter's engine in one build worker, under the same supervisor (host.ts) as the page and the build. */
export class EngineSession {
  private readonly host: WorkerHost;
  private readonly clock = createCpuClock();
  private readonly cells: Map<string, CellDefinition>;
  private runId = 0;
  private current?: { runId: number; results: Map<string, CellResult>; resolve(results: Map<string, CellResult>): void; reject(error: Error): void };
  private failure?: Error;

  constructor(cells: CellDefinition[], options: { chapter: string; publicDir: string }) {
    const runnable = cells.filter((cell) => cell.kind === "cell");
    this.cells = new Map(runnable.map((cell) => [cell.id, cell]));
    let thread: Worker | undefined;
    this.host = new WorkerHost(
      () => {
        const started = startNodeWorker({ chapter: options.chapter, publicDir: options.publicDir, libraryEntry: WORKER_LIBRARY });
        thread = started.thread;
        return started.like;
      },
      {
        message: (message) => this.receive(message),
        timeout: (cellId, _limit, text) => {
          const cell = this.cells.get(cellId)!;
          this.fail(new Error(`${cell.chapter}:${cell.line + 1} (cell ${cell.id}): ${text ?? "stopped at its time limit"}`));
        },
        crash: (reason) => this.fail(new Error(`${options.chapter}: the notebook worker failed: ${reason}`)),
        dropped: (reason) => console.warn(`${options.chapter}: dropped a message from the notebook worker: ${reason}`),
      },
      {
        limitFor: (cellId) => this.cells.get(cellId)?.options.timeout ?? DEFAULT_TIMEOUT_MS,
        isCell: (cellId) => this.cells.has(cellId),
        watchCell: (_cellId, limitMs, expire) => this.clock.start(thread!, limitMs, expire),
        silenceLimitMs: 60_000,
      },
    );
    const sources = runnable.map((cell) => ({ id: cell.id, code: cell.code, ...(cell.options.norun ? { norun: true } : {}) }));
    this.post({ type: "init", chapter: options.chapter, cells: sources, assetBase: "/" });
  }

  /** Runs every cell except `norun` ones; resolves with each cell's result by id. */
  runAll(): Promise<Map<string, CellResult>> {
    return this.start((runId) => ({ type: "runAll", runId }));
  }

  /** Replaces a cell's code (as a reader's edit does); it runs at the next `run`. */
  update(cellId: string, code: string): void {
    const cell = this.cells.get(cellId)!;
    this.post({ type: "update", cell: { id: cellId, code, ...(cell.options.norun ? { norun: true } : {}) } });
  }

  /** Runs `cellIds` and the cells downstream of them; resolves with the results of the cells that this run touched. */
  run(cellIds: string[]): Promise<Map<string, CellResult>> {
    return this.start((runId) => ({ type: "run", runId, cellIds }));
  }

  async close(): Promise<void> {
    this.failure ??= new Error("the session is closed");
    this.clock.close();
    this.host.terminate();
  }

  private start(message: (runId: number) => PageToWorker): Promise<Map<string, CellResult>> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.current) return Promise.reject(new Error("a run is already in progress"));
    const runId = ++this.runId;
    return new Promise((resolve, reject) => {
      this.current = { runId, results: new Map(), resolve, reject };
      this.post(message(runId));
    });
  }

  private receive(message: WorkerToPage): void {
    const run = this.current;
    if (!run || !("runId" in message) || message.runId !== run.runId) return;
    if (message.type === "runDone") {
      this.current = undefined;
      run.resolve(run.results);
      return;
    }
    const result = run.results.get(message.cellId) ?? { id: message.cellId, outputs: [] as Output[], ms: 0 };
    run.results.set(message.cellId, result);
    switch (message.type) {
      case "output": {
        // A live output (`replace`) overwrites its earlier version, as on the page.
        const earlier = result.outputs.findIndex((output) => outputIds.get(output) === message.outputId);
        if (message.replace && earlier >= 0) result.outputs[earlier] = message.output;
        else result.outputs.push(message.output);
        outputIds.set(message.output, message.outputId);
        break;
      }
      case "cellDone":
        result.ms = message.ms;
        break;
      case "cellError":
        result.error = message.error;
        break;
      case "cellSkipped":
        result.skipped = true;
        break;
    }
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.host.terminate();
    this.current?.reject(error);
    this.current = undefined;
  }

  private post(message: PageToWorker): void {
    this.host.send(message);
  }
}
