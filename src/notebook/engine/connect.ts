/**
 * Connects an `Engine` to a message channel: the part the browser worker and
 * the Node build worker share.
 *
 * Outgoing outputs are batched: they wait at most one frame (16 ms) and go
 * out together, with only the last of several updates of one live output, so
 * a cell that prints in a tight loop costs the page one message per output
 * that survives the limits (limits.ts), never one per `console.log`. Every
 * other message first flushes the outputs before it, so order is kept and
 * `cellStart` reaches the page at once (its clock starts there).
 *
 * The page holds its messages until `ready` (host.ts), so nothing arrives here
 * before the library is loaded.
 */
import type { Output, PageToWorker, WorkerToPage } from "../protocol";
import { Engine } from "./engine";
import type { CellTimers } from "./timers";

export interface ConnectOptions {
  /** Posts a message to the page (or the build) on the runtime's private channel. */
  post(message: WorkerToPage): void;
  /** Loads the importable modules, e.g. `{ transformer: await import("../../lib/index") }`. */
  loadModules(): Promise<Record<string, object>>;
  /** Reads an asset's bytes (the build reads files; the browser fetches). */
  loadBytes?(path: string): Promise<Uint8Array>;
  /** The installed timer registry (timers.ts); its original `setTimeout` paces the batches. */
  timers: CellTimers;
}

/** How long outputs wait to be posted together: one frame at 60 Hz. */
export const BATCH_MS = 16;

/** Starts loading the modules and returns the function to call with each incoming message. */
export function connectEngine({ post, loadModules, loadBytes, timers }: ConnectOptions): (message: PageToWorker) => void {
  const send = outbox(post, timers);
  let engine: Engine | undefined;
  // The library failed to load, or an engine bug (never a cell's error): rethrow
  // outside any promise so the worker's `error` event tells the page or the build.
  const reportCrash = (error: unknown) => {
    timers.setTimeout(() => {
      throw error;
    });
  };
  loadModules().then(
    (modules) => {
      engine = new Engine({ modules, send, assetBase: "/", loadBytes, timers });
      send({ type: "ready" });
    },
    (error) => reportCrash(error),
  );
  return (message) => {
    if (!engine) return reportCrash(new Error(`the page sent "${String(message?.type)}" before the engine was ready`));
    const result = engine.handle(message);
    if (result) result.catch((error) => reportCrash(error));
  };
}

/** A `send` that batches outputs per frame (see the file comment). */
export function outbox(post: (message: WorkerToPage) => void, timers: Pick<CellTimers, "setTimeout">): (message: WorkerToPage) => void {
  let pending: OutputMessage[] = [];
  let scheduled = false;
  const postSafely = (message: WorkerToPage) => {
    try {
      post(message);
    } catch (error) {
      // An output holding something that cannot be copied to the page (a function in a chart's data, a getter that throws).
      if (message.type !== "output") throw error;
      const { runId, cellId, outputId } = message;
      post({ type: "output", runId, cellId, outputId, output: unsendable(error) });
    }
  };
  const flush = () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    // A live chart updated 100 times in one frame: only its last picture matters.
    const last = new Map<string, number>();
    batch.forEach((message, index) => message.replace && last.set(message.outputId, index));
    const kept = batch.filter((message, index) => !message.replace || last.get(message.outputId) === index);
    for (const message of mergeLogs(kept)) postSafely(message);
  };
  return (message) => {
    if (message.type === "output") {
      pending.push(message);
      if (!scheduled) {
        scheduled = true;
        timers.setTimeout(flush, BATCH_MS);
      }
      return;
    }
    flush();
    postSafely(message);
  };
}

type OutputMessage = Extract<WorkerToPage, { type: "output" }>;

/** Consecutive log lines of one cell and level as one output: 500 `console.log` calls draw one block, not 500. */
function mergeLogs(messages: OutputMessage[]): OutputMessage[] {
  const merged: OutputMessage[] = [];
  for (const message of messages) {
    const previous = merged.at(-1);
    const output = message.output;
    if (
      previous &&
      output.kind === "log" &&
      previous.output.kind === "log" &&
      previous.output.level === output.level &&
      previous.runId === message.runId &&
      previous.cellId === message.cellId
    ) {
      merged[merged.length - 1] = { ...previous, output: { ...previous.output, text: `${previous.output.text}\n${output.text}` } };
    } else {
      merged.push(message);
    }
  }
  return merged;
}

function unsendable(error: unknown): Output {
  let message = "this output could not be sent to the page";
  try {
    message += `: ${String((error as Error).message)}`;
  } catch {
    // keep the short message
  }
  return { kind: "error", error: { name: "DataCloneError", message } };
}
