/**
 * A stream of training batches of shape pictures, drawn on another core
 * while this one trains.
 *
 * Why: drawing 32 pictures (a random normal per pixel and channel, each a
 * logarithm, a square root, a sine and a cosine) took about a third of a
 * training step of the course ViT in Chromium. Training is one thread, but
 * a reader's machine has several cores: a helper worker draws batch i + 1
 * and i + 2 while this thread computes step i, and posts them over.
 *
 * The helper draws from its own `Random(seed)`, the same stream this thread
 * would draw from, so every batch is identical bit for bit to the one
 * {@link drawShapeBatch} gives here: the model trains to the same weights
 * with or without the helper. Where no worker can start (no `Worker`, a
 * page whose security policy forbids Blob workers, Node before 20.16) or the
 * helper fails, the stream draws the batches itself, replaying the helper's
 * stream first so that nothing changes but the speed.
 */
import { Random } from "../random";
import { type ShapeBatchValues, contrastToBackground, drawShapeBatch } from "./shapeBatches";
import { SHAPE_BATCH_WORKER_SOURCE } from "./shapeBatchWorkerSource";

/** What the training thread asks the helper. */
export type ToHelper =
  /** Start drawing from `Random(seed)`; draw `ahead` batches right away. */
  | { type: "start"; seed: number; batchSize: number; size: number; contrast: boolean; ahead: number }
  /** Draw `count` more (one per batch taken, so the helper stays `ahead` batches ahead). */
  | { type: "draw"; count: number };

/** What the helper posts back. */
export type FromHelper =
  /** The next batch of the stream (its buffer transferred: the helper keeps no reference). */
  | { type: "batch"; images: Float32Array; labels: number[] }
  /** Drawing failed; the stream falls back to drawing here. */
  | { type: "error"; message: string };

/** Options of {@link ShapeBatchStream}. */
export interface ShapeBatchStreamOptions {
  /** Seeds the stream's `Random`: batch i is the i-th `drawShapeBatch(new Random(seed), …)`. */
  seed: number;
  batchSize: number;
  /** Picture width and height (default 32). */
  size?: number;
  /** Hand out `contrastToBackground` of the pictures instead of the pictures (what the ViT sees). */
  contrast?: boolean;
  /** Draw in a helper worker where one can start (default true); false draws here. */
  helper?: boolean;
  /** Batches the helper keeps ready (default 2). */
  ahead?: number;
}

/** Give up on a helper that has not posted its first batch after this long, and draw here. */
const FIRST_BATCH_TIMEOUT_MS = 20_000;

/**
 * Batch after batch of `drawShapeBatch(new Random(seed), batchSize, size)`,
 * drawn in a helper worker when one starts. `next()` returns the batch
 * itself when it is at hand and a promise when it must wait for the helper;
 * `close()` stops the helper (call it when training ends, or Node keeps
 * running).
 *
 * @example
 * const stream = new ShapeBatchStream({ seed: 1, batchSize: 32 });
 * try {
 *   for (let step = 0; step < 100; step++) {
 *     const { images, labels } = await stream.next(); // images [32, 3, 32, 32] as a Float32Array
 *   }
 * } finally {
 *   stream.close();
 * }
 */
export class ShapeBatchStream {
  private readonly seed: number;
  private readonly batchSize: number;
  private readonly size: number;
  private readonly contrast: boolean;
  /** The helper, until it fails or the stream closes. */
  private helper: Helper | null = null;
  /** This thread's generator, once it draws the batches itself. */
  private local: Random | null = null;
  /** Batches the helper posted that nobody took yet, oldest first. */
  private readonly ready: ShapeBatchValues[] = [];
  /** A `next()` waiting for the helper. */
  private waiting: ((batch: ShapeBatchValues) => void) | null = null;
  /** Batches handed out so far. */
  private taken = 0;
  private firstBatchTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** Why the helper stopped drawing, if it failed. */
  failure: string | null = null;

  constructor({ seed, batchSize, size = 32, contrast = false, helper = true, ahead = 2 }: ShapeBatchStreamOptions) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`ShapeBatchStream: batch size ${batchSize} is not a whole number >= 1`);
    if (!Number.isInteger(ahead) || ahead < 1) throw new RangeError(`ShapeBatchStream: ahead ${ahead} is not a whole number >= 1`);
    this.seed = seed;
    this.batchSize = batchSize;
    this.size = size;
    this.contrast = contrast;
    if (helper) this.helper = startHelper((message) => this.receive(message), (reason) => this.fallBack(reason));
    if (this.helper) {
      this.helper.post({ type: "start", seed, batchSize, size, contrast, ahead });
      this.firstBatchTimer = setTimeout(() => this.fallBack(`no batch within ${FIRST_BATCH_TIMEOUT_MS / 1000} s`), FIRST_BATCH_TIMEOUT_MS);
    } else {
      this.local = new Random(seed);
    }
  }

  /** Whether a helper worker draws the batches (false once it failed, or where none could start). */
  get usesHelper(): boolean {
    return this.helper !== null;
  }

  /** The next batch: at once when it is ready, else a promise of it. */
  next(): ShapeBatchValues | Promise<ShapeBatchValues> {
    if (this.closed) throw new Error("ShapeBatchStream: next() after close()");
    const batch = this.ready.shift();
    if (batch) return this.took(batch);
    if (!this.helper) return this.took(this.drawHere());
    if (this.waiting) throw new Error("ShapeBatchStream: next() called again before the previous batch arrived");
    return new Promise((resolve) => {
      this.waiting = (batch) => resolve(this.took(batch));
    });
  }

  /** Stops the helper and ends the stream. */
  close(): void {
    this.closed = true;
    this.stopHelper();
  }

  private took(batch: ShapeBatchValues): ShapeBatchValues {
    this.taken++;
    this.helper?.post({ type: "draw", count: 1 });
    return batch;
  }

  private receive(message: FromHelper): void {
    if (message.type === "error") return this.fallBack(message.message);
    if (this.firstBatchTimer !== null) clearTimeout(this.firstBatchTimer);
    this.firstBatchTimer = null;
    const batch = { images: message.images, labels: message.labels };
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting) waiting(batch);
    else this.ready.push(batch);
  }

  /**
   * The helper failed: draw here from now on. The batches it posted are still
   * the right ones; the local generator skips them (and those handed out) by
   * drawing them again, so the stream goes on exactly where the helper stopped.
   */
  private fallBack(reason: string): void {
    if (!this.helper) return;
    this.stopHelper();
    this.local = new Random(this.seed);
    const skip = this.taken + this.ready.length;
    for (let i = 0; i < skip; i++) drawShapeBatch(this.local, this.batchSize, this.size);
    this.failure = reason;
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting) waiting(this.drawHere());
  }

  private drawHere(): ShapeBatchValues {
    const { images, labels } = drawShapeBatch(this.local!, this.batchSize, this.size);
    return { images: this.contrast ? contrastToBackground(images, this.size * this.size, images) : images, labels };
  }

  private stopHelper(): void {
    if (this.firstBatchTimer !== null) clearTimeout(this.firstBatchTimer);
    this.firstBatchTimer = null;
    this.helper?.close();
    this.helper = null;
  }
}

/** A started helper worker, whichever kind. */
interface Helper {
  post(message: ToHelper): void;
  close(): void;
}

/**
 * Starts the helper: a Web Worker from a Blob URL where `Worker` exists (a
 * page, or a worker: Chromium, Firefox and Safari start workers from
 * workers), else a Node worker thread. `null` where neither can start.
 */
function startHelper(receive: (message: FromHelper) => void, fail: (reason: string) => void): Helper | null {
  try {
    if (typeof Worker === "function" && typeof Blob === "function" && typeof URL.createObjectURL === "function") {
      const url = URL.createObjectURL(new Blob([SHAPE_BATCH_WORKER_SOURCE], { type: "text/javascript" }));
      const worker = new Worker(url, { name: "shape batches" });
      worker.onmessage = (event: MessageEvent<FromHelper>) => receive(event.data);
      worker.onerror = (event) => {
        event.preventDefault(); // handled here: the stream draws the batches itself
        fail(event.message || "the worker could not start");
      };
      worker.onmessageerror = () => fail("a batch could not be received");
      return {
        post: (message) => worker.postMessage(message),
        close: () => {
          worker.terminate();
          URL.revokeObjectURL(url);
        },
      };
    }
    type NodeWorker = {
      postMessage(message: unknown): void;
      on(type: "message" | "error" | "exit", handler: (value: never) => void): void;
      terminate(): Promise<number>;
    };
    type Threads = { Worker: new (source: string, options: { eval: boolean }) => NodeWorker };
    const nodeProcess = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
    const threads = nodeProcess?.getBuiltinModule?.("node:worker_threads") as Threads | undefined;
    if (!threads) return null;
    const worker = new threads.Worker(SHAPE_BATCH_WORKER_SOURCE, { eval: true });
    worker.on("message", (message: FromHelper) => receive(message));
    worker.on("error", (error: Error) => fail(error.message));
    worker.on("exit", (code: number) => fail(`the worker thread exited (code ${code})`)); // ignored after close()
    return { post: (message) => worker.postMessage(message), close: () => void worker.terminate() };
  } catch {
    return null; // e.g. a security policy that forbids Blob workers: draw here
  }
}
