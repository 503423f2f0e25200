/**
 * Every message that crosses between a chapter page and its worker.
 *
 * The page owns the cells' source text and the clock (it alone can stop a
 * runaway cell by terminating the worker); the worker owns the chapter scope,
 * the dependency graph and execution. The worker only ever sends data: the page
 * decides how to draw it, and checks every message before it believes it
 * (validate.ts): the worker also runs the reader's code.
 */

/** Largest file a cell may offer for download (the page holds it in memory until the reader saves it). */
export const DOWNLOAD_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Whether `name` is a plain file name the page may suggest to the browser:
 * no folders, no control characters, no leading dot, at most 100 characters.
 */
export function isPlainFileName(name: unknown): name is string {
  return typeof name === "string" && name.length > 0 && name.length <= 100 && !/[\/\\:*?"<>|\u0000-\u001f\u007f]/.test(name) && !name.startsWith(".");
}

/** One cell's source as the page knows it (possibly edited by the reader). */
export interface CellSource {
  /** Stable id within the chapter, from the fence's `id=` or generated from its position. */
  id: string;
  /** TypeScript source exactly as shown in the editor. */
  code: string;
  /** The fence's `norun`: skipped by `runAll` (and never run automatically as another cell's input); runs when asked by id. */
  norun?: boolean;
}

/** Messages from the page to the worker. */
export type PageToWorker =
  /** Sent once after the worker starts: the chapter's cells in page order. */
  | { type: "init"; chapter: string; cells: CellSource[]; assetBase: string }
  /** The reader changed a cell's code (not yet run). */
  | { type: "update"; cell: CellSource }
  /** Run these cells and every cell downstream of them, in page order. */
  | { type: "run"; runId: number; cellIds: string[] }
  /** Run every cell of the chapter in page order except `norun` cells. With `upTo`, only the cells above that cell (it is not run): rebuilds the scope after a restart. */
  | { type: "runAll"; runId: number; upTo?: string }
  /** Ask cooperative code (training loops) to stop: aborts the `signal` that cells see. */
  | { type: "interrupt"; runId: number }
  /** The answer to a `fileRequest`: the file the reader picked, or why there is none (the reader cancelled; no reader at build time). */
  | { type: "file"; requestId: number; file?: PickedFile; refused?: string };

/** A file the reader picked for `openFile`: its name and its bytes. */
export interface PickedFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * The only message the worker sends on its own channel (`self.postMessage`),
 * first thing at start: the port of the private channel that carries every
 * other message, both ways. The page ignores anything else on the worker's
 * own channel, since a cell can post there too.
 */
export interface ConnectMessage<Port = unknown> {
  type: "connect";
  port: Port;
}

/** Messages from the worker to the page, on the private channel. */
export type WorkerToPage =
  /** Emitted when the worker has loaded the library and can take messages. */
  | { type: "ready" }
  /** A cell is about to run (the page starts its timeout clock here). */
  | { type: "cellStart"; runId: number; cellId: string }
  /** Something for a cell's output area. With `replace`, it overwrites the output with the same `outputId` (live charts). */
  | { type: "output"; runId: number; cellId: string; outputId: string; output: Output; replace?: boolean }
  /** A cell finished without throwing. */
  | { type: "cellDone"; runId: number; cellId: string; ms: number }
  /** A cell threw, or did not compile; positions are in the reader's TypeScript. */
  | { type: "cellError"; runId: number; cellId: string; error: CellError }
  /** A cell was skipped because a cell it depends on failed. */
  | { type: "cellSkipped"; runId: number; cellId: string; because: string }
  /** The running cell awaits a file from the reader (`openFile`): the page shows a picker and answers with `file`; the cell's clock is paused meanwhile. */
  | { type: "fileRequest"; runId: number; cellId: string; requestId: number; accept: string; label: string }
  /** The whole run is over. */
  | { type: "runDone"; runId: number };

/** An error located in the reader's source. */
export interface CellError {
  /** "SyntaxError", "ShapeError", "TypeError", ... */
  name: string;
  message: string;
  /** 1-based line and column in the cell's TypeScript, when known. */
  line?: number;
  column?: number;
  /** Stack trimmed to the reader's cell and the library, without runtime internals. */
  stack?: string;
}

/** What a cell can show. Plain, structured-cloneable data only. */
export type Output =
  | { kind: "value"; value: ValueView }
  | { kind: "log"; level: "log" | "info" | "warn" | "error"; text: string }
  | { kind: "plot"; plot: PlotSpec }
  | { kind: "table"; columns: string[]; rows: (string | number)[][]; caption?: string }
  | { kind: "check"; passed: boolean; title: string; message: string }
  | { kind: "error"; error: CellError }
  | { kind: "stopped"; message: string }
  /** A file the cell made (`download`): the page offers it as a "Save" link; `name` is a plain file name. */
  | { kind: "download"; name: string; bytes: Uint8Array; description?: string };

/** A JavaScript value reduced to something the page can render by type. */
export type ValueView =
  | { type: "number"; value: number }
  | { type: "string"; value: string }
  | { type: "boolean"; value: boolean }
  | { type: "undefined" }
  | { type: "null" }
  | { type: "bigint"; value: string }
  | { type: "function"; name: string; signature: string }
  | { type: "array"; length: number; items: ValueView[]; truncated: boolean }
  | { type: "object"; constructorName: string; entries: [string, ValueView][]; truncated: boolean }
  | {
      type: "tensor";
      shape: number[];
      /** Row-major values, possibly elided for large tensors (see `truncated`). */
      values: number[];
      truncated: boolean;
      requiresGrad: boolean;
      /** The PyTorch-like printout, for screen readers and copy-paste. */
      text: string;
    };

/**
 * Common labelling of every chart: names the tensor and its shape. A spec's
 * own data fields never reuse these names (an option would overwrite them).
 */
export interface PlotLabels {
  title?: string;
  subtitle?: string;
  /** Axis labels. */
  x?: string;
  y?: string;
  /** The chart's size in CSS pixels (it still scales down to fit the column). */
  width?: number;
  height?: number;
}

/**
 * A chart description built in the worker by the `notebook` helpers and drawn
 * on the page with Observable Plot; one module per `mark` in `charts/`.
 */
export type PlotSpec =
  /** `block`/`source`: a matrix larger than the chart can show, averaged down in blocks of `block` cells from shape `source`. `legend: false`: no colour bar (a `row` sharing one draws it once). */
  | ({ mark: "heatmap"; rows: number; cols: number; values: number[]; xTicks?: string[]; yTicks?: string[]; scheme?: string; domain?: [number, number]; diverging?: boolean; block?: [number, number]; source?: [number, number]; legend?: boolean } & PlotLabels)
  | ({ mark: "dots"; rows: number; cols: number; values: number[]; xTicks?: string[]; yTicks?: string[] } & PlotLabels)
  /** `imageHeight`/`imageWidth` are the picture's pixels; `height`/`width` (from `PlotLabels`) size the chart, like every mark. `step`: a picture larger than the chart can show, sampled every `step` pixels from shape `source` ([H, W]). */
  | ({ mark: "image"; imageHeight: number; imageWidth: number; channels: 1 | 3; values: number[]; grid?: number; highlight?: number[]; step?: number; source?: [number, number] } & PlotLabels)
  | ({ mark: "patches"; patches: number; channels: 1 | 3; patchSize: number; values: number[]; columns?: number } & PlotLabels)
  /** `yDomain`: a fixed y range (e.g. shared by a `row`); `thinned`: series longer than the chart can show, averaged in buckets of this many points. */
  | ({ mark: "line"; series: { name: string; x: number[]; y: number[] }[]; logY?: boolean; yDomain?: [number, number]; thinned?: number } & PlotLabels)
  | ({ mark: "bar"; labels: string[]; values: number[]; yDomain?: [number, number] } & PlotLabels)
  | ({ mark: "scatter"; points: { x: number; y: number; label?: string; group?: string }[] } & PlotLabels)
  | ({ mark: "graph"; nodes: string[]; edges: { from: number; to: number; weight: number }[] } & PlotLabels)
  /** `share`: the scale the charts of the row have in common (their colour or y domain), so they can be compared. */
  | ({ mark: "row"; plots: PlotSpec[]; share?: "color" | "y" } & PlotLabels);
