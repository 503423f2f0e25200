/**
 * The chart helpers of the `"notebook"` module. Each turns tensors or arrays
 * into a `PlotSpec` (plain data, checked here so a wrong shape fails in the
 * reader's cell with a clear message) and tags it so that a cell ending in
 * `heatmap(...)` shows the chart. The page draws specs with Observable Plot
 * (`render/plot.ts`).
 */
import type { PlotLabels, PlotSpec } from "./protocol";
import { tagOutput } from "./displayable";
import { describe, isTensorLike, shapeText, toMatrix, toNumbers } from "./tensor-like";

type Spec<M extends PlotSpec["mark"]> = Extract<PlotSpec, { mark: M }>;

function tagPlot<S extends PlotSpec>(spec: S): S {
  return tagOutput(spec, { kind: "plot", plot: spec });
}

function labelsOf(options: PlotLabels): PlotLabels {
  const { title, subtitle, x, y, width, height } = options;
  return Object.fromEntries(
    Object.entries({ title, subtitle, x, y, width, height }).filter(([, v]) => v !== undefined),
  ) as PlotLabels;
}

/** Options of `heatmap`. */
export interface HeatmapOptions extends PlotLabels {
  /** Labels of the columns (e.g. key tokens) and rows (e.g. query tokens). */
  xTicks?: string[];
  yTicks?: string[];
  /** A d3 color scheme name, e.g. "viridis", "blues", "rdbu". */
  scheme?: string;
  /** Fixes the color scale, e.g. [0, 1] for probabilities. */
  domain?: [number, number];
  /** Centres the colors on 0 (for weights and gradients of either sign). */
  diverging?: boolean;
}

/**
 * A matrix as colored cells; hover a cell to read its value.
 * @param matrix `[rows, cols]` tensor or number rows (a 1-D tensor is one row)
 * @example heatmap(weights, { title: "attention weights [4, 4]", x: "key", y: "query", domain: [0, 1] })
 */
export function heatmap(matrix: unknown, options: HeatmapOptions = {}): Spec<"heatmap"> {
  const { rows, cols, values } = toMatrix(matrix, "heatmap");
  checkTicks("heatmap", options, rows, cols);
  const { xTicks, yTicks, scheme, domain, diverging } = options;
  return tagPlot({
    mark: "heatmap",
    rows,
    cols,
    values,
    ...defined({ xTicks, yTicks, scheme, domain, diverging }),
    ...labelsOf({ title: `${nameOf(matrix)} ${shapeText([rows, cols])}`, ...options }),
  });
}

/**
 * The attention-pattern view: queries down, keys across, each dot's area
 * proportional to |value| (a weight of 0 is no dot at all; the largest |value|
 * fills its cell). Negative values are drawn in red, so the sign is not lost.
 * @param matrix `[queries, keys]` weights, usually rows summing to 1
 * @example dots(weights, { xTicks: tokens, yTicks: tokens, title: "who attends to whom" })
 */
export function dots(matrix: unknown, options: Omit<HeatmapOptions, "scheme" | "domain" | "diverging"> = {}): Spec<"dots"> {
  const { rows, cols, values } = toMatrix(matrix, "dots");
  checkTicks("dots", options, rows, cols);
  const { xTicks, yTicks } = options;
  return tagPlot({
    mark: "dots",
    rows,
    cols,
    values,
    ...defined({ xTicks, yTicks }),
    ...labelsOf({ title: `${nameOf(matrix)} ${shapeText([rows, cols])}`, x: "key", y: "query", ...options }),
  });
}

/** Options of `image`. */
export interface ImageOptions extends PlotLabels {
  /** Draws the lines of a patch grid every `grid` pixels (the patch size). */
  grid?: number;
  /** Patch indices (row-major over the grid) to outline. */
  highlight?: number[];
}

/**
 * An image: `[C, H, W]` with C = 1 or 3, `[H, W]` (gray), or `[H, W, 3]`.
 *
 * How values become intensities (one rule for the whole image, see
 * `normaliseIntensities` in render/plot.ts):
 * - all in [0, 1]: drawn as they are (0 black, 1 full);
 * - all in [0, 5]: divided by the largest value, so the brightest pixel is full;
 * - all in [0, 255] with a maximum above 5: bytes, divided by 255;
 * - anything else (negative values, above 255): stretched from min to max.
 *
 * `width`/`height` size the chart (in CSS pixels), not the picture.
 * @example image(img, { grid: 8, title: "32 x 32 image cut into 8 x 8 patches" })
 */
export function image(img: unknown, options: ImageOptions = {}): Spec<"image"> {
  if (!isTensorLike(img)) throw new Error(`image: expected a Tensor [C, H, W] or [H, W], got ${describe(img)}`);
  const shape = img.shape.length === 4 && img.shape[0] === 1 ? img.shape.slice(1) : img.shape;
  let channels: 1 | 3;
  let imageHeight: number;
  let imageWidth: number;
  let values = Array.from(img.data, Number);
  if (shape.length === 2) {
    [imageHeight, imageWidth] = shape;
    channels = 1;
  } else if (shape.length === 3 && (shape[0] === 1 || shape[0] === 3)) {
    [channels, imageHeight, imageWidth] = shape as [1 | 3, number, number];
  } else if (shape.length === 3 && shape[2] === 3) {
    [imageHeight, imageWidth] = shape;
    channels = 3;
    values = hwcToChw(values, imageHeight, imageWidth);
  } else {
    throw new Error(`image: expected shape [C, H, W] with C = 1 or 3, [H, W] or [H, W, 3], got ${shapeText(img.shape)}`);
  }
  const { grid, highlight } = options;
  if (grid !== undefined && (!Number.isInteger(grid) || grid <= 0 || imageHeight % grid || imageWidth % grid)) {
    throw new Error(`image: grid ${grid} must divide the image size ${imageHeight} x ${imageWidth}`);
  }
  return tagPlot({
    mark: "image",
    imageHeight,
    imageWidth,
    channels,
    values,
    ...defined({ grid, highlight }),
    ...labelsOf({ title: `image ${shapeText(img.shape)}`, ...options }),
  });
}

function hwcToChw(values: number[], height: number, width: number): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < height * width; i++) for (let c = 0; c < 3; c++) out[c * height * width + i] = values[i * 3 + c];
  return out;
}

/** Options of `patches`. */
export interface PatchesOptions extends PlotLabels {
  /** Side of a patch in pixels. */
  patchSize: number;
  /** 1 (gray) or 3 (RGB). */
  channels: 1 | 3;
  /** Tiles per row (default: as square as possible). */
  columns?: number;
}

/**
 * The rows of `patchify`'s output drawn as small tiles with gaps, in order.
 * Intensities follow the same rule as `image` (over all patches at once).
 * `width`/`height` size the chart; `columns` is the number of tiles per row.
 * @param patches `[N, C·p·p]`, each row laid out as `[C, p, p]`
 * @example patches(patchify(img, 8), { patchSize: 8, channels: 3 })
 */
export function patches(patchRows: unknown, options: PatchesOptions): Spec<"patches"> {
  const { rows, cols, values } = toMatrix(patchRows, "patches");
  const { patchSize, channels, columns } = options ?? ({} as PatchesOptions);
  if (!patchSize || (channels !== 1 && channels !== 3)) {
    throw new Error("patches: pass { patchSize, channels }, e.g. patches(p, { patchSize: 8, channels: 3 })");
  }
  if (cols !== channels * patchSize * patchSize) {
    throw new Error(
      `patches: each row must hold channels · patchSize² = ${channels} · ${patchSize}² = ${channels * patchSize * patchSize} values, got ${cols} (shape ${shapeText([rows, cols])})`,
    );
  }
  return tagPlot({
    mark: "patches",
    patches: rows,
    channels,
    patchSize,
    values,
    ...defined({ columns }),
    ...labelsOf({ title: `${rows} patches of ${patchSize} x ${patchSize}`, ...options }),
  });
}

/** One named series of `line`. */
export interface LineSeries {
  name: string;
  y: unknown;
  x?: unknown;
}

/**
 * Line chart of one or more series (losses, learning rates, ...).
 * @param series numbers (`[3, 2.1, 1.4]` or a 1-D tensor), a list of
 *   `{ name, y, x? }`, or an object `{ train: [...], test: [...] }`
 * @example line({ train: trainLoss, test: testLoss }, { title: "loss", x: "step", y: "cross-entropy", logY: true })
 */
export function line(series: unknown, options: PlotLabels & { logY?: boolean } = {}): Spec<"line"> {
  const list = normaliseSeries(series).map(({ name, y, x }) => {
    const ys = toNumbers(y, "line");
    const xs = x === undefined ? ys.map((_, i) => i) : toNumbers(x, "line");
    if (xs.length !== ys.length) throw new Error(`line: series "${name}" has ${xs.length} x values but ${ys.length} y values`);
    return { name, x: xs, y: ys };
  });
  const title = list.length === 1 ? `${list[0].y.length} values` : list.map((s) => s.name).join(" vs ");
  return tagPlot({ mark: "line", series: list, ...defined({ logY: options.logY }), ...labelsOf({ title, ...options }) });
}

function normaliseSeries(series: unknown): LineSeries[] {
  if (isTensorLike(series) || ArrayBuffer.isView(series)) return [{ name: "value", y: series }];
  if (Array.isArray(series)) {
    if (series.every((s) => typeof s === "number")) return [{ name: "value", y: series }];
    if (series.every((s) => typeof s === "object" && s !== null && "y" in s)) {
      return series.map((s, i) => ({ name: String(s.name ?? `series ${i + 1}`), y: s.y, x: s.x }));
    }
  } else if (typeof series === "object" && series !== null) {
    return Object.entries(series).map(([name, y]) => ({ name, y }));
  }
  throw new Error(`line: expected numbers, [{ name, y }] or { name: numbers }, got ${describe(series)}`);
}

/**
 * Bar chart, one bar per label.
 * @example bar(["the", "cat", "sat"], probs, { title: "next-token probabilities", y: "p" })
 */
export function bar(labels: unknown[], values: unknown, options: PlotLabels = {}): Spec<"bar"> {
  const numbers = toNumbers(values, "bar");
  if (!Array.isArray(labels) || labels.length !== numbers.length) {
    throw new Error(`bar: ${Array.isArray(labels) ? labels.length : 0} labels for ${numbers.length} values`);
  }
  return tagPlot({ mark: "bar", labels: labels.map(String), values: numbers, ...labelsOf({ title: `${numbers.length} values`, ...options }) });
}

/** A point of `scatter`. */
export interface ScatterPoint {
  x: number;
  y: number;
  label?: string;
  group?: string;
}

/**
 * Scatter plot, e.g. embeddings projected to 2-D.
 * @param points `[{ x, y, label?, group? }]`, or a `[n, 2]` tensor / number pairs
 * @example scatter(embedding2d, { labels: vocab, title: "token embeddings [20, 2]" })
 */
export function scatter(
  points: unknown,
  options: PlotLabels & { labels?: string[]; groups?: string[] } = {},
): Spec<"scatter"> {
  let list: ScatterPoint[];
  if (Array.isArray(points) && points.every((p) => typeof p === "object" && p !== null && "x" in p && "y" in p)) {
    list = points.map(({ x, y, label, group }) => ({ x: Number(x), y: Number(y), ...defined({ label, group }) }));
  } else {
    const { rows, cols, values } = toMatrix(points, "scatter");
    if (cols !== 2) throw new Error(`scatter: needs points of 2 coordinates ([n, 2]), got ${shapeText([rows, cols])}`);
    list = Array.from({ length: rows }, (_, i) => ({ x: values[2 * i], y: values[2 * i + 1] }));
  }
  list = list.map((p, i) => ({
    ...p,
    ...defined({ label: options.labels?.[i] ?? p.label, group: options.groups?.[i] ?? p.group }),
  }));
  return tagPlot({ mark: "scatter", points: list, ...labelsOf({ title: `${list.length} points`, ...options }) });
}

/**
 * Weights between n things as a graph: nodes on a circle, an edge from i to j
 * as strong (opaque, wide) as `weights[i][j]`.
 * @param weights `[n, n]`
 * @example graph(attn, { labels: tokens, threshold: 0.1, title: "attention as a graph" })
 */
export function graph(weights: unknown, options: PlotLabels & { labels?: string[]; threshold?: number } = {}): Spec<"graph"> {
  const { rows, cols, values } = toMatrix(weights, "graph");
  if (rows !== cols) throw new Error(`graph: needs square weights [n, n], got ${shapeText([rows, cols])}`);
  const nodes = options.labels?.map(String) ?? Array.from({ length: rows }, (_, i) => String(i));
  if (nodes.length !== rows) throw new Error(`graph: ${nodes.length} labels for ${rows} nodes`);
  const threshold = options.threshold ?? 0;
  const edges = [];
  for (let from = 0; from < rows; from++) {
    for (let to = 0; to < cols; to++) {
      const weight = values[from * cols + to];
      if (Math.abs(weight) > threshold) edges.push({ from, to, weight });
    }
  }
  return tagPlot({ mark: "graph", nodes, edges, ...labelsOf({ title: `weights ${shapeText([rows, cols])} as a graph`, ...options }) });
}

/**
 * Charts side by side (wrapping on narrow screens).
 * @example row(image(img), patches(p, { patchSize: 8, channels: 3 }))
 */
export function row(...plots: (PlotSpec | PlotLabels)[]): Spec<"row"> {
  const last = plots.at(-1);
  const labels = last && !("mark" in last) ? (plots.pop() as PlotLabels) : {};
  for (const plot of plots) {
    if (!plot || typeof plot !== "object" || !("mark" in plot)) throw new Error(`row: expects charts (heatmap(...), line(...), ...), got ${describe(plot)}`);
  }
  return tagPlot({ mark: "row", plots: plots as PlotSpec[], ...labelsOf(labels) });
}

function checkTicks(helper: string, options: { xTicks?: string[]; yTicks?: string[] }, rows: number, cols: number): void {
  if (options.xTicks && options.xTicks.length !== cols) {
    throw new Error(`${helper}: ${options.xTicks.length} xTicks for ${cols} columns`);
  }
  if (options.yTicks && options.yTicks.length !== rows) {
    throw new Error(`${helper}: ${options.yTicks.length} yTicks for ${rows} rows`);
  }
}

/** "matrix" for arrays, "tensor" for tensors: the default title's noun. */
function nameOf(input: unknown): string {
  return isTensorLike(input) ? "tensor" : "matrix";
}

/** Drops undefined fields so specs stay minimal (and snapshots stable). */
function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}
