/**
 * The `"notebook"` module that cells import:
 *
 * ```ts
 * import { display, heatmap, check } from "notebook";
 * ```
 *
 * Helpers that draw (`heatmap`, `line`, ...) only build data: each comes from
 * its chart kind's module (`charts/<kind>.ts`, registered in
 * `charts/index.ts`), which turns tensors or arrays into a checked `PlotSpec`.
 * Helpers that act (`display`, `check`, `signal`, `asset`, `loadBytes`) need
 * to know which cell is running and where its outputs go: the engine gives
 * each cell run its own module object from `bindNotebook(context)`. The
 * top-level exports below use the context of the cell that is running now,
 * so importing this file directly (tests, tools) behaves the same.
 * Nothing here touches the DOM, `window` or Node: the same module serves the
 * Web Worker and the build.
 */
import { mistakeIn, sameAnswer } from "./diagnose";
import { DOWNLOAD_MAX_BYTES, isPlainFileName, type Output, type PickedFile } from "../protocol";
import { tagHidden, tagOutput, taggedOutput } from "./displayable";
import { toValueView } from "./values";
import { bar, dots, graph, heatmap, image, line, patches, row, scatter } from "../charts/index";

export { bar, dots, graph, heatmap, image, line, patches, row, scatter };
export { mistakeIn, sameAnswer };
export type { BarOptions, HeatmapOptions, ImageOptions, LineOptions, LineSeries, PatchesOptions, RowOptions, ScatterPoint } from "../charts/index";

/**
 * Median wall-clock milliseconds of `run` over `repeats` calls, after one
 * warm-up call (the first call of a function pays for compiling it). The
 * median, not the mean, because one slow call (a garbage collection, another
 * tab) should not move the result.
 * @example medianMs(() => attention(q, k, v)) // e.g. 0.42
 */
export function medianMs(run: () => void, repeats = 5): number {
  run();
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(repeats / 2)];
}

/** What the engine provides while a cell runs. */
export interface NotebookContext {
  /** Shows `output` under the running cell; same `outputId` + `replace` overwrites an earlier one. */
  emit(output: Output, options?: { outputId?: string; replace?: boolean }): string;
  /** Aborted when the reader presses Stop. */
  signal: AbortSignal;
  /** Asks the page for a file the reader picks (`accept`: the file input's filter; `label`: what the picker says). */
  requestFile(accept: string, label: string): Promise<PickedFile>;
  /** The URL of a static asset under the site's base path. */
  asset(path: string): string;
  /** The bytes of a static asset (fetch in the browser, the file system at build time). */
  loadBytes(path: string): Promise<Uint8Array>;
}

/** Returned by `display`: call `update` to redraw the same output (live charts). */
export interface DisplayHandle {
  update(value: unknown): void;
}

/** The output that shows `value`: a chart or table from a helper, or the value by type. */
export function outputFor(value: unknown): Output {
  const tagged = taggedOutput(value);
  if (tagged && tagged !== "hidden") return tagged;
  return { kind: "value", value: toValueView(value) };
}

function displayIn(context: NotebookContext, value: unknown): DisplayHandle {
  const outputId = context.emit(outputFor(value));
  return tagHidden({
    update(next: unknown) {
      context.emit(outputFor(next), { outputId, replace: true });
    },
  });
}

function checkIn(context: NotebookContext, title: string, passed: boolean | (() => boolean), messageWhenWrong: string): void {
  const usage = "check(title, passed, messageWhenWrong)";
  if (typeof title !== "string") throw new TypeError(`${usage}: the title must be a string, not ${kindOf(title)}`);
  if (typeof passed !== "boolean" && typeof passed !== "function") {
    throw new TypeError(`${usage}: passed must be true, false or a function that returns one, not ${kindOf(passed)}`);
  }
  if (typeof messageWhenWrong !== "string") throw new TypeError(`${usage}: messageWhenWrong must be a string, not ${kindOf(messageWhenWrong)}`);
  let verdict: boolean;
  let message = messageWhenWrong;
  try {
    verdict = Boolean(typeof passed === "function" ? passed() : passed);
  } catch (error) {
    verdict = false;
    message = `${messageWhenWrong} (the check itself failed: ${errorText(error)})`;
  }
  context.emit({ kind: "check", passed: verdict, title, message: verdict ? "" : message });
}

/** "a number", "an object", "null": for messages about a wrong argument. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const type = typeof value;
  return `${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;
}

/** The message of whatever a check function threw, without trusting the value. */
function errorText(error: unknown): string {
  try {
    const message = (error as Error)?.message;
    return typeof message === "string" ? message : String(error);
  } catch {
    return "a value that cannot be shown";
  }
}

/** A file the reader picked with {@link openFile}. */
export interface OpenedFile {
  /** The file's name on the reader's machine (without its folder). */
  name: string;
  /** Its contents. */
  bytes: Uint8Array;
}

/** What {@link openFile} shows the reader. */
export interface OpenFileOptions {
  /** Which files the picker offers, as in `<input accept>`: e.g. `".weights,.bin"` (default: any file). */
  accept?: string;
  /** The text next to the picker (default "Choose a file"). */
  label?: string;
}

function downloadIn(context: NotebookContext, data: Uint8Array | ArrayBuffer | string, name: string, description?: string): void {
  const usage = `download(bytes, "name.weights")`;
  let bytes: Uint8Array;
  if (data instanceof Uint8Array) bytes = data.slice();
  else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data.slice(0));
  else if (typeof data === "string") bytes = new TextEncoder().encode(data);
  else {
    const hint = typeof data === "object" && data !== null && "params" in data ? "; for a model, pass saveState(model.params)" : "";
    throw new TypeError(`${usage}: the data must be a Uint8Array, an ArrayBuffer or a string, not ${kindOf(data)}${hint}`);
  }
  if (!isPlainFileName(name)) {
    throw new TypeError(`${usage}: the name must be a plain file name such as "vit.weights" (no folders, no leading dot, at most 100 characters), not ${JSON.stringify(name)}`);
  }
  if (bytes.byteLength > DOWNLOAD_MAX_BYTES) {
    throw new RangeError(`${usage}: ${bytes.byteLength} bytes is more than the ${DOWNLOAD_MAX_BYTES / 1024 / 1024} MB a cell may offer`);
  }
  if (description !== undefined && (typeof description !== "string" || description.length > 200)) {
    throw new TypeError(`${usage}: the description must be text of at most 200 characters`);
  }
  context.emit({ kind: "download", name, bytes, ...(description ? { description } : {}) });
}

function openFileIn(context: NotebookContext, options: OpenFileOptions = {}): Promise<OpenedFile> {
  const { accept = "", label = "Choose a file" } = options ?? {};
  if (typeof accept !== "string" || accept.length > 200) throw new TypeError('openFile({ accept }): accept must be text such as ".weights,.bin"');
  if (typeof label !== "string" || label.length > 200) throw new TypeError("openFile({ label }): label must be text of at most 200 characters");
  return context.requestFile(accept, label);
}

/**
 * Builds a table output.
 * @param rows objects (columns from their keys) or arrays of cells
 * @param columns column names, in order (default: the keys of the first row)
 * @example table([{ token: "cat", p: 0.61 }, { token: "dog", p: 0.2 }])
 */
export function table(rows: unknown[], columns?: string[], caption?: string): { columns: string[]; rows: (string | number)[][] } {
  if (!Array.isArray(rows)) throw new Error("table: expected an array of rows");
  const first = rows[0];
  const names =
    columns ??
    (Array.isArray(first) ? first.map((_, i) => String(i)) : typeof first === "object" && first !== null ? Object.keys(first) : ["value"]);
  const cell = (v: unknown): string | number => (typeof v === "number" ? v : typeof v === "string" ? v : JSON.stringify(v) ?? String(v));
  const body = rows.map((r) =>
    Array.isArray(r)
      ? names.map((_, i) => cell(r[i]))
      : typeof r === "object" && r !== null
        ? names.map((name) => cell((r as Record<string, unknown>)[name]))
        : [cell(r)],
  );
  const spec = { columns: names, rows: body, ...(caption ? { caption } : {}) };
  return tagOutput(spec, { kind: "table", ...spec });
}

/** The module a cell gets: every helper, with the acting ones bound to `context`. */
export function bindNotebook(context: NotebookContext) {
  return {
    display: (value: unknown) => displayIn(context, value),
    check: (title: string, passed: boolean | (() => boolean), messageWhenWrong: string) =>
      checkIn(context, title, passed, messageWhenWrong),
    signal: context.signal,
    asset: (path: string) => context.asset(path),
    loadBytes: (path: string) => context.loadBytes(path),
    download: (data: Uint8Array | ArrayBuffer | string, name: string, description?: string) => downloadIn(context, data, name, description),
    openFile: (options?: OpenFileOptions) => openFileIn(context, options),
    table,
    medianMs,
    sameAnswer,
    mistakeIn,
    heatmap,
    dots,
    image,
    patches,
    line,
    bar,
    scatter,
    graph,
    row,
  };
}

/** The shape of the `"notebook"` module as cells see it. */
export type NotebookModule = ReturnType<typeof bindNotebook>;

let active: NotebookContext | null = null;

/**
 * Aborted when the reader presses Stop; long loops should check it:
 * `for (...) { if (signal.aborted) break; ... }`.
 */
export let signal: AbortSignal = new AbortController().signal;

/** Makes `context` the one the top-level exports use (the engine calls this around each cell). */
export function setActiveContext(context: NotebookContext | null): void {
  active = context;
  signal = context?.signal ?? new AbortController().signal;
}

function current(helper: string): NotebookContext {
  if (!active) throw new Error(`${helper}: only works inside a running notebook cell`);
  return active;
}

/**
 * Shows any value under the cell (tensors, charts, objects...) and returns a
 * handle whose `update(value)` redraws it in place, for live charts.
 * @example const live = display(line(losses)); ... live.update(line(losses));
 */
export function display(value: unknown): DisplayHandle {
  return displayIn(current("display"), value);
}

/**
 * An exercise verdict: a green tick, or a cross with `messageWhenWrong`.
 * A `passed` function that throws counts as failed; arguments of the wrong
 * type throw a TypeError that says which one.
 * @example check("rows sum to 1", () => rowSums.every((s) => Math.abs(s - 1) < 1e-5), "your weights do not sum to 1 along the last axis")
 */
export function check(title: string, passed: boolean | (() => boolean), messageWhenWrong: string): void {
  checkIn(current("check"), title, passed, messageWhenWrong);
}

/**
 * The URL of a static file shipped with the site (e.g. trained weights),
 * under the site's base path.
 * @example const weights = await loadBytes("models/vit-tiny.bin")
 */
export function asset(path: string): string {
  return current("asset").asset(path);
}

/** The bytes of a static file shipped with the site; works in the browser and at build time. */
export function loadBytes(path: string): Promise<Uint8Array> {
  return current("loadBytes").loadBytes(path);
}

/**
 * Offers `data` as a file the reader can save: the cell's output becomes a
 * "Save" link. Bytes, an ArrayBuffer or text; for a trained model, the
 * library's weights format from `saveState`.
 * @example download(saveState(model.params), "vit.weights", "my ViT after 800 steps")
 */
export function download(data: Uint8Array | ArrayBuffer | string, name: string, description?: string): void {
  downloadIn(current("download"), data, name, description);
}

/**
 * Waits for the reader to pick a file (a picker appears under the cell) and
 * returns its name and bytes. The cell's time limit does not run while it
 * waits; Stop ends the wait. Cells that ask for a file are `norun`: nobody can
 * pick one while the site is built.
 * @example const { bytes } = await openFile({ accept: ".weights" }); copyState(model.params, loadState(bytes))
 */
export function openFile(options?: OpenFileOptions): Promise<OpenedFile> {
  return openFileIn(current("openFile"), options);
}
