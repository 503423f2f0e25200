/**
 * The supervisor of a notebook worker, shared by the page (a Web Worker) and
 * the build (a `worker_threads` Worker): it starts the worker, takes the
 * private channel the worker hands over, holds messages until the worker is
 * `ready`, checks every message it receives (validate.ts), and keeps the
 * clock.
 *
 * The clock is here because only the supervisor can stop a runaway cell: a
 * worker stuck in `while (true) {}` never reads another message, so when a
 * cell runs longer than its limit the host terminates the worker and says so.
 * The clock is the host's own and starts from the messages it accepts, so
 * nothing a cell posts can stop it; while a run is open and no cell is
 * running, a second clock makes sure the worker does not fall silent.
 * Starting a fresh worker and rebuilding the scope is the caller's decision.
 *
 * A cell that awaits a file from the reader (`openFile`, a `fileRequest`)
 * does not use its time while the reader looks for the file: its clock is
 * paused from the accepted request until the owner sends the `file` answer,
 * then runs on with the time left. Stop still works meanwhile (the page's
 * grace timer). An owner without a reader (the build) does not set
 * `askReader`, and the host refuses every file request at once.
 */
import type { ConnectMessage, PageToWorker, WorkerToPage } from "../protocol";
import { DEFAULT_TIMEOUT_MS } from "../compile/cells";
import { parseWorkerMessage, RunTracker } from "./validate";

export { DEFAULT_TIMEOUT_MS };

/** The private channel the worker hands over, as the host uses it. */
export interface WorkerPort {
  postMessage(message: PageToWorker): void;
  /** Set by the host: called with each message's data. */
  onmessage: ((data: unknown) => void) | null;
  close(): void;
}

/** The part of a worker the host uses: a Web Worker or a Node worker thread behind a small adapter, or a stub in tests. */
export interface WorkerLike {
  /** Set by the host: data posted on the worker's own channel (only its first `connect` message is believed). */
  onmessage: ((data: unknown) => void) | null;
  /** Set by the host: the worker failed to load, threw outside any cell, or exited. */
  onerror: ((reason: string) => void) | null;
  terminate(): void;
  /** The port of a `connect` message as a `WorkerPort`, or undefined when `port` is not a port. */
  openPort(port: unknown): WorkerPort | undefined;
}

/** What the host reports to its owner. */
export interface WorkerHostEvents {
  /** Every message of the current worker that passed the checks, in order. */
  message(message: WorkerToPage): void;
  /** A cell ran past its limit; the worker is already terminated. `message`: the clock's explanation, when `watchCell` gave one. */
  timeout(cellId: string, limitMs: number, message?: string): void;
  /** The worker failed, or fell silent during a run; it is terminated. `cellId`: the cell that was running. */
  crash(reason: string, cellId: string | undefined): void;
  /** A message was dropped (default: a console warning). */
  dropped?(reason: string): void;
}

/** How the host times and checks cells. */
export interface WorkerHostOptions {
  /** The time limit of a cell in ms (its `timeout=` or `DEFAULT_TIMEOUT_MS`). */
  limitFor(cellId: string): number;
  /** Whether a cell id belongs to the chapter; messages about any other id are dropped. */
  isCell(cellId: string): boolean;
  /** How long the worker may take to load (default: no limit; the build starts many workers at once on a busy machine). */
  loadLimitMs?: number;
  /** How long the worker may stay silent between cells of a run (default `DEFAULT_TIMEOUT_MS`). */
  silenceLimitMs?: number;
  /**
   * Watches a running cell against its limit instead of the host's wall clock
   * (the build measures CPU time); calls `expire` with the reader's message
   * once the limit is passed and returns the function that stops watching.
   */
  watchCell?(cellId: string, limitMs: number, expire: (message: string) => void): () => void;
  /** Whether a reader can answer `fileRequest`s (the page); otherwise the host refuses them itself (the build). */
  askReader?: boolean;
}

/** Why `openFile` fails where nobody can pick a file. */
export const NO_READER = "no reader can pick a file while the site is built: mark the cell norun, so that it runs only when a reader presses Run";

/** Starts, feeds, checks, times and stops one worker at a time. */
export class WorkerHost {
  private worker: WorkerLike | null = null;
  private port: WorkerPort | null = null;
  private ready = false;
  private queue: PageToWorker[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopWatching: (() => void) | undefined;
  /** The cell the cell clock belongs to, the ms it has used before the current stretch, and when that stretch began. */
  private clockCell: string | undefined;
  private usedMs = 0;
  private stretchStart: number | undefined;
  private readonly tracker: RunTracker;

  constructor(
    private readonly createWorker: () => WorkerLike,
    private readonly events: WorkerHostEvents,
    private readonly options: WorkerHostOptions,
  ) {
    this.tracker = new RunTracker((cellId) => options.isCell(cellId));
  }

  /** Whether a worker exists (it may still be loading). */
  get started(): boolean {
    return this.worker !== null;
  }

  /** The id of the cell running now, if any. */
  get runningCell(): string | undefined {
    return this.tracker.runningCell;
  }

  /** Runs sent and not yet done, oldest first. */
  get activeRuns(): number[] {
    return this.tracker.active;
  }

  /** Starts a worker (ending any previous one); messages sent before it is ready wait in order. */
  start(): void {
    this.terminate();
    const worker = this.createWorker();
    worker.onmessage = (data) => this.connect(worker, data);
    worker.onerror = (reason) => {
      if (worker !== this.worker) return;
      const cellId = this.runningCell;
      this.terminate();
      this.events.crash(reason || "the notebook worker failed to start", cellId);
    };
    this.worker = worker;
  }

  /** Sends now if the worker is ready, otherwise after its `ready`. Starts a worker if there is none. */
  send(message: PageToWorker): void {
    if (message.type === "file") {
      // Only the answer to the request the running cell awaits goes through; it restarts the paused clock.
      if (!this.ready || !this.tracker.answer(message.requestId)) return;
      this.port!.postMessage(message);
      this.resetClock();
      return;
    }
    if (!this.worker) this.start();
    if (message.type === "run" || message.type === "runAll") this.tracker.open(message.runId);
    if (this.ready) this.port!.postMessage(message);
    else this.queue.push(message);
    // A running cell keeps its own clock; otherwise the new run starts the silence (or load) clock.
    if (this.runningCell === undefined) this.resetClock();
  }

  /** Ends the worker at once; queued messages and open runs are dropped, the clock is stopped. */
  terminate(): void {
    this.stopClock();
    this.port?.close();
    this.worker?.terminate();
    this.worker = null;
    this.port = null;
    this.ready = false;
    this.queue = [];
    this.tracker.reset();
    this.clockCell = undefined;
  }

  /** The worker's own channel: the first message hands over the private port; anything else is a cell posting. */
  private connect(worker: WorkerLike, data: unknown): void {
    if (worker !== this.worker) return;
    const port = !this.port && isConnect(data) ? worker.openPort(data.port) : undefined;
    if (!port) return this.drop("a message outside the notebook's channel (a cell calling postMessage?)");
    port.onmessage = (message) => this.receive(worker, message);
    this.port = port;
  }

  private receive(worker: WorkerLike, data: unknown): void {
    // A message posted by a worker just before it was terminated can still arrive.
    if (worker !== this.worker) return;
    const parsed = parseWorkerMessage(data);
    if (!parsed.ok) return this.drop(parsed.reason);
    const message = parsed.message;
    if (message.type === "runDone") {
      // The worker closed a run with a cell still open: report that cell as failed rather than leave it "running".
      const open = this.tracker.active[0] === message.runId ? this.tracker.runningCell : undefined;
      if (open !== undefined) {
        const lost: WorkerToPage = { type: "cellError", runId: message.runId, cellId: open, error: { name: "Error", message: "the cell ended without reporting a result" } };
        this.tracker.accept(lost);
        this.events.message(lost);
      }
    }
    const refused = this.tracker.accept(message);
    if (refused) return this.drop(refused);
    if (message.type === "ready") {
      this.ready = true;
      for (const queued of this.queue.splice(0)) this.port!.postMessage(queued);
    }
    if (message.type === "fileRequest" && !this.options.askReader) {
      this.tracker.answer(message.requestId);
      this.port!.postMessage({ type: "file", requestId: message.requestId, refused: NO_READER });
      return;
    }
    // Outputs never touch the clock: a cell that prints does not earn more time.
    if (message.type !== "output") this.resetClock();
    this.events.message(message);
  }

  /** The clock for what the worker is doing now: a cell's limit, the silence limit during a run, the load limit, or none. */
  private resetClock(): void {
    this.stopClock();
    if (!this.worker || this.tracker.active.length === 0) return;
    const cellId = this.runningCell;
    if (cellId !== undefined) {
      if (cellId !== this.clockCell) {
        this.clockCell = cellId;
        this.usedMs = 0;
      }
      // The cell waits for the reader to pick a file: its clock stands still until the answer.
      if (this.tracker.waitingFor !== undefined) return;
      const limit = this.options.limitFor(cellId);
      const left = Math.max(0, limit - this.usedMs);
      const expire = (message?: string) => {
        this.terminate();
        this.events.timeout(cellId, limit, message);
      };
      this.stretchStart = Date.now();
      if (this.options.watchCell) this.stopWatching = this.options.watchCell(cellId, left, expire);
      else this.timer = setTimeout(expire, left);
      return;
    }
    this.clockCell = undefined;
    const limit = this.ready ? (this.options.silenceLimitMs ?? DEFAULT_TIMEOUT_MS) : this.options.loadLimitMs;
    if (limit === undefined) return;
    const reason = this.ready ? "the notebook stopped answering" : "the notebook did not start";
    this.timer = setTimeout(() => {
      this.terminate();
      this.events.crash(`${reason} within ${limit / 1000} s`, undefined);
    }, limit);
  }

  private stopClock(): void {
    if (this.stretchStart !== undefined) this.usedMs += Date.now() - this.stretchStart;
    this.stretchStart = undefined;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.stopWatching?.();
    this.stopWatching = undefined;
  }

  private drop(reason: string): void {
    if (this.events.dropped) this.events.dropped(reason);
    else console.warn(`notebook: dropped a message from the worker: ${reason}`);
  }
}

function isConnect(data: unknown): data is ConnectMessage {
  return typeof data === "object" && data !== null && (data as ConnectMessage).type === "connect" && "port" in data;
}
