/**
 * Owns the chapter's Web Worker from the page's side: starts it, buffers
 * messages until it says `ready`, and keeps the clock.
 *
 * The clock is here because only the page can stop a runaway cell: a worker
 * stuck in `while (true) {}` never reads another message, so when a cell runs
 * longer than its limit the host terminates the worker and says so. Starting a
 * fresh one and rebuilding the scope is the controller's decision.
 */
import type { PageToWorker, WorkerToPage } from "../protocol";

/** The part of `Worker` the host uses (a stub in tests). */
export interface WorkerLike {
  postMessage(message: PageToWorker): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<WorkerToPage>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

/** What the host reports to its controller. */
export interface WorkerHostEvents {
  /** Every message of the current worker, in order. */
  message(message: WorkerToPage): void;
  /** A cell ran past its limit; the worker is already terminated. */
  timeout(cellId: string, limitMs: number): void;
  /** The worker failed (did not load, or threw outside any cell); it is terminated. */
  crash(reason: string): void;
}

/** Starts, feeds, times and stops one worker at a time. */
export class WorkerHost {
  private worker: WorkerLike | null = null;
  private ready = false;
  private queue: PageToWorker[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The cell between its `cellStart` and its end, if any. */
  private current: string | undefined;

  constructor(
    private readonly createWorker: () => WorkerLike,
    private readonly events: WorkerHostEvents,
    /** The time limit of a cell in ms (its `timeout=` or the default). */
    private readonly limitFor: (cellId: string) => number,
  ) {}

  /** Whether a worker exists (it may still be loading). */
  get started(): boolean {
    return this.worker !== null;
  }

  /** The id of the cell running now, if any. */
  get runningCell(): string | undefined {
    return this.current;
  }

  /** Starts a worker (ending any previous one); messages sent before it is ready wait in order. */
  start(): void {
    this.terminate();
    const worker = this.createWorker();
    worker.onmessage = (event) => this.receive(worker, event.data);
    worker.onerror = (event) => {
      if (worker !== this.worker) return;
      event.preventDefault?.();
      this.terminate();
      this.events.crash(event.message || "the notebook worker failed to start");
    };
    this.worker = worker;
  }

  /** Sends now if the worker is ready, otherwise after its `ready`. Starts a worker if there is none. */
  send(message: PageToWorker): void {
    if (!this.worker) this.start();
    if (this.ready) this.worker!.postMessage(message);
    else this.queue.push(message);
  }

  /** Ends the worker at once; queued messages are dropped, the clock is stopped. */
  terminate(): void {
    this.clearClock();
    this.current = undefined;
    this.worker?.terminate();
    this.worker = null;
    this.ready = false;
    this.queue = [];
  }

  private receive(worker: WorkerLike, message: WorkerToPage): void {
    // A message posted by a worker just before it was terminated can still arrive.
    if (worker !== this.worker) return;
    switch (message.type) {
      case "ready":
        this.ready = true;
        for (const queued of this.queue.splice(0)) worker.postMessage(queued);
        break;
      case "cellStart":
        this.startClock(message.cellId);
        break;
      case "cellDone":
      case "cellError":
      case "cellSkipped":
        if (message.cellId === this.current) this.clearClock();
        break;
      case "runDone":
        this.clearClock();
        break;
    }
    this.events.message(message);
  }

  private startClock(cellId: string): void {
    this.clearClock();
    this.current = cellId;
    const limit = this.limitFor(cellId);
    this.timer = setTimeout(() => {
      this.terminate();
      this.events.timeout(cellId, limit);
    }, limit);
  }

  private clearClock(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.current = undefined;
  }
}
