/**
 * The page believes no message from the worker until it has checked it.
 *
 * The worker runs the reader's code, so its messages are checked twice: their
 * shape against the protocol (`parseWorkerMessage`), and their place in the
 * run they claim to belong to (`RunTracker`): a run the page asked for and
 * that is not over, the oldest such run (the worker runs them in order), a
 * cell of the chapter, no output outside its cell's `cellStart` … end, no cell
 * that ends twice or runs twice in one run, nothing after `runDone`. A message
 * that fails either check is dropped with the reason.
 */
import { DOWNLOAD_MAX_BYTES, isPlainFileName, type CellError, type Output, type PlotSpec, type ValueView, type WorkerToPage } from "../protocol";

type Check<T> = { ok: true; message: T } | { ok: false; reason: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === "string";
const isRunId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;
const isOptional = (value: unknown, test: (v: unknown) => boolean) => value === undefined || test(value);
const isNumberArray = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === "number");
const isStringArray = (value: unknown) => Array.isArray(value) && value.every(isString);

/** Longest label or `accept` list a file request may carry, in characters. */
const SHORT_TEXT = 200;
const isShortText = (value: unknown): value is string => isString(value) && value.length <= SHORT_TEXT;


/** `data` as a `WorkerToPage` message if it has the shape of one, or the reason it has not. */
export function parseWorkerMessage(data: unknown): Check<WorkerToPage> {
  if (!isObject(data) || !isString(data.type)) return { ok: false, reason: "not a protocol message" };
  const fail = (what: string): Check<WorkerToPage> => ({ ok: false, reason: `${data.type}: ${what}` });
  if (data.type === "ready") return { ok: true, message: { type: "ready" } };
  if (!isRunId(data.runId)) return fail("no valid runId");
  const runId = data.runId;
  if (data.type === "runDone") return { ok: true, message: { type: "runDone", runId } };
  if (!isString(data.cellId)) return fail("no cellId");
  const cellId = data.cellId;
  switch (data.type) {
    case "cellStart":
      return { ok: true, message: { type: "cellStart", runId, cellId } };
    case "cellDone":
      if (typeof data.ms !== "number" || !(data.ms >= 0)) return fail("ms is not a duration");
      return { ok: true, message: { type: "cellDone", runId, cellId, ms: data.ms } };
    case "cellError":
      if (!isCellError(data.error)) return fail("error is not a CellError");
      return { ok: true, message: { type: "cellError", runId, cellId, error: data.error } };
    case "cellSkipped":
      if (!isString(data.because)) return fail("because is not text");
      return { ok: true, message: { type: "cellSkipped", runId, cellId, because: data.because } };
    case "fileRequest":
      if (!isRunId(data.requestId)) return fail("no valid requestId");
      if (!isShortText(data.accept) || !isShortText(data.label)) return fail(`accept and label must be text of at most ${SHORT_TEXT} characters`);
      return { ok: true, message: { type: "fileRequest", runId, cellId, requestId: data.requestId, accept: data.accept, label: data.label } };
    case "output": {
      if (!isString(data.outputId)) return fail("no outputId");
      if (!isOptional(data.replace, (v) => typeof v === "boolean")) return fail("replace is not a boolean");
      const problem = outputProblem(data.output);
      if (problem) return fail(problem);
      const output = data.output as Output;
      return { ok: true, message: { type: "output", runId, cellId, outputId: data.outputId, output, ...(data.replace ? { replace: true } : {}) } };
    }
  }
  return { ok: false, reason: `unknown message type "${data.type}"` };
}

function isCellError(value: unknown): value is CellError {
  return (
    isObject(value) &&
    isString(value.name) &&
    isString(value.message) &&
    isOptional(value.line, Number.isFinite) &&
    isOptional(value.column, Number.isFinite) &&
    isOptional(value.stack, isString)
  );
}

/** Why `value` is not an `Output`, or undefined when it is one. */
function outputProblem(value: unknown): string | undefined {
  if (!isObject(value)) return "output is not an object";
  switch (value.kind) {
    case "value":
      return isValueView(value.value, 0) ? undefined : "the value is not a ValueView";
    case "log":
      return ["log", "info", "warn", "error"].includes(value.level as string) && isString(value.text) ? undefined : "a log needs a level and text";
    case "plot":
      return isPlot(value.plot) ? undefined : "the chart is not a PlotSpec";
    case "table":
      return isStringArray(value.columns) &&
        Array.isArray(value.rows) &&
        value.rows.every((row) => Array.isArray(row) && row.every((cell) => isString(cell) || typeof cell === "number")) &&
        isOptional(value.caption, isString)
        ? undefined
        : "the table is not columns and rows of text or numbers";
    case "check":
      return typeof value.passed === "boolean" && isString(value.title) && isString(value.message) ? undefined : "a check needs passed, title and message";
    case "error":
      return isCellError(value.error) ? undefined : "the error is not a CellError";
    case "stopped":
      return isString(value.message) ? undefined : "stopped needs a message";
    case "download":
      if (!isPlainFileName(value.name)) return "a download needs a plain file name (no folders, at most 100 characters)";
      if (!(value.bytes instanceof Uint8Array)) return "a download's bytes must be a Uint8Array";
      if (value.bytes.byteLength > DOWNLOAD_MAX_BYTES) return `a download may hold at most ${DOWNLOAD_MAX_BYTES / 1024 / 1024} MB`;
      return isOptional(value.description, isShortText) ? undefined : "a download's description must be short text";
  }
  return `unknown output kind "${String(value.kind)}"`;
}

function isValueView(value: unknown, depth: number): value is ValueView {
  if (!isObject(value) || depth > 16) return false;
  switch (value.type) {
    case "number":
      return typeof value.value === "number";
    case "string":
    case "bigint":
      return isString(value.value);
    case "boolean":
      return typeof value.value === "boolean";
    case "undefined":
    case "null":
      return true;
    case "function":
      return isString(value.name) && isString(value.signature);
    case "array":
      return Array.isArray(value.items) && value.items.every((item) => isValueView(item, depth + 1));
    case "object":
      return (
        isString(value.constructorName) &&
        Array.isArray(value.entries) &&
        value.entries.every((entry) => Array.isArray(entry) && entry.length === 2 && isString(entry[0]) && isValueView(entry[1], depth + 1))
      );
    case "tensor":
      return isNumberArray(value.shape) && isNumberArray(value.values) && isString(value.text);
  }
  return false;
}

const MARKS = new Set(["heatmap", "dots", "image", "patches", "line", "bar", "scatter", "graph", "row"]);

/** The mark and its labels; the renderer checks a mark's own fields and shows an error in the cell when they are wrong. */
function isPlot(value: unknown): value is PlotSpec {
  if (!isObject(value) || !isString(value.mark) || !MARKS.has(value.mark)) return false;
  const labelsOk = ["title", "subtitle", "x", "y"].every((key) => isOptional(value[key], isString));
  if (!labelsOk) return false;
  return value.mark !== "row" || (Array.isArray(value.plots) && value.plots.every(isPlot));
}

/** One run the page asked for, as far as its messages have got. */
interface RunState {
  /** The cell between its `cellStart` and its end. */
  current?: string;
  /** Cells that started (or were skipped) in this run: none of them may start again. */
  seen: Set<string>;
  /** The file request the running cell awaits, if any (one at a time). */
  waiting?: number;
}

/**
 * The state machine of the runs the page asked for. `open` when a run is
 * sent, `accept` for every message that passed `parseWorkerMessage`.
 */
export class RunTracker {
  private readonly runs = new Map<number, RunState>();
  private ready = false;

  /** @param isCell whether a cell id belongs to the chapter */
  constructor(private readonly isCell: (cellId: string) => boolean) {}

  /** The page sent run `runId`. */
  open(runId: number): void {
    this.runs.set(runId, { seen: new Set() });
  }

  /** Forgets every run (the worker was terminated). */
  reset(): void {
    this.runs.clear();
    this.ready = false;
  }

  /** Runs sent and not yet done, oldest first. */
  get active(): number[] {
    return [...this.runs.keys()];
  }

  /** The cell running now in the oldest active run, if any. */
  get runningCell(): string | undefined {
    return this.runs.values().next().value?.current;
  }

  /** The file request the running cell awaits, if any. */
  get waitingFor(): number | undefined {
    return this.runs.values().next().value?.waiting;
  }

  /** The page answered file request `requestId`: whether it was the one awaited (the cell's clock then resumes). */
  answer(requestId: number): boolean {
    const run = this.runs.values().next().value;
    if (run?.waiting !== requestId) return false;
    run.waiting = undefined;
    return true;
  }

  /** Whether `message` may happen now; if so the state moves on. Returns the reason when it may not. */
  accept(message: WorkerToPage): string | undefined {
    if (message.type === "ready") {
      if (this.ready) return "ready: sent twice";
      this.ready = true;
      return undefined;
    }
    if (!this.ready) return `${message.type}: before ready`;
    const run = this.runs.get(message.runId);
    if (!run) return `${message.type}: run ${message.runId} is not running (never sent, or already done)`;
    const oldest = this.runs.keys().next().value;
    if (message.runId !== oldest) return `${message.type}: run ${message.runId} before run ${oldest} is done`;
    if (message.type === "runDone") {
      // A run may end with a cell still open only if the worker lost it; the host reports that cell as failed.
      this.runs.delete(message.runId);
      return undefined;
    }
    const { cellId } = message;
    if (!this.isCell(cellId)) return `${message.type}: no cell "${cellId}" in this chapter`;
    switch (message.type) {
      case "cellStart":
        if (run.current !== undefined) return `cellStart: cell "${run.current}" has not ended`;
        if (run.seen.has(cellId)) return `cellStart: cell "${cellId}" already ran in run ${message.runId}`;
        run.seen.add(cellId);
        run.current = cellId;
        return undefined;
      case "output":
        return run.current === cellId ? undefined : `output: cell "${cellId}" is not running`;
      case "fileRequest":
        if (run.current !== cellId) return `fileRequest: cell "${cellId}" is not running`;
        if (run.waiting !== undefined) return `fileRequest: cell "${cellId}" already awaits file request ${run.waiting}`;
        run.waiting = message.requestId;
        return undefined;
      case "cellDone":
      case "cellError":
        if (run.current !== cellId) return `${message.type}: cell "${cellId}" is not running`;
        run.current = undefined;
        run.waiting = undefined;
        return undefined;
      case "cellSkipped":
        if (run.current !== undefined) return `cellSkipped: cell "${run.current}" has not ended`;
        if (run.seen.has(cellId)) return `cellSkipped: cell "${cellId}" already ran in run ${message.runId}`;
        run.seen.add(cellId);
        return undefined;
    }
  }
}
