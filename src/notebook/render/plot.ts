/**
 * Draws a `PlotSpec` with Observable Plot into `doc` (the page's document, or
 * linkedom's at build time). One function per mark; every chart gets its
 * title, axis labels and a size that fits the column (Plot's SVG scales down
 * with `max-width: 100%`). Hover tooltips come from the `title` channel, which
 * also works in the static build output.
 */
import * as Plot from "@observablehq/plot";
import type { PlotSpec } from "../protocol";
import { el, formatNumber } from "./dom";

type Of<M extends PlotSpec["mark"]> = Extract<PlotSpec, { mark: M }>;

/** Widest chart we draw, in CSS pixels (the content column of the site). */
const MAX_WIDTH = 640;
/** Room for a row of charts inside a cell's output box, and the gap between them (see `.nb-plot-row`). */
const ROW_WIDTH = 580;
const ROW_GAP = 16;

/** Renders any spec; a `row` becomes a wrapping flex container of charts. */
export function renderPlot(spec: PlotSpec, doc: Document): Element {
  if (spec.mark === "row") {
    // Side by side they share the column; on a narrow screen the flex row wraps them.
    const share = Math.max(260, Math.floor((ROW_WIDTH - ROW_GAP * (spec.plots.length - 1)) / spec.plots.length));
    const charts = spec.plots.map((plot) => renderPlot(plot.width === undefined && plot.mark !== "row" && plot.mark !== "image" && plot.mark !== "patches" ? { ...plot, width: share } : plot, doc));
    const row = el(doc, "div", { class: "nb-plot-row" }, charts);
    if (!spec.title) return row;
    return el(doc, "figure", { class: "nb-plot-group" }, [el(doc, "figcaption", { text: spec.title }), row]);
  }
  const chart = MARKS[spec.mark](spec as never, doc);
  labelForScreenReaders(chart, describe(spec));
  return el(doc, "div", { class: `nb-plot nb-plot--${spec.mark}` }, [chart]);
}

/**
 * Plot puts `aria-label` on inner `<g>` groups that have no role, which screen
 * readers ignore and accessibility checkers flag. A chart is one image to a
 * screen reader: each top-level `<svg>` gets `role="img"` and a label (its own,
 * or a description of the spec), and inner labels are dropped. Legend swatches
 * are hidden from it: their series names are already text.
 */
function labelForScreenReaders(chart: Element, description: string): void {
  const svgs = chart.tagName.toLowerCase() === "svg" ? [chart] : Array.from(chart.querySelectorAll("svg"));
  for (const svg of svgs) {
    if (/-swatch\b/.test(svg.parentElement?.getAttribute("class") ?? "")) {
      // A legend swatch: a coloured square next to its series name, which is text already.
      svg.setAttribute("aria-hidden", "true");
      continue;
    }
    for (const inner of Array.from(svg.querySelectorAll("[aria-label]"))) inner.removeAttribute("aria-label");
    svg.setAttribute("role", "img");
    if (!svg.getAttribute("aria-label")) svg.setAttribute("aria-label", description);
  }
}

/** One sentence a screen reader can say about a chart: its title and what it draws. */
function describe(spec: Exclude<PlotSpec, { mark: "row" }>): string {
  const what =
    spec.mark === "heatmap" || spec.mark === "dots" ? `${spec.mark === "dots" ? "dot grid" : "heatmap"} of ${spec.rows} × ${spec.cols} values`
    : spec.mark === "image" ? `image of ${spec.imageHeight} × ${spec.imageWidth} pixels`
    : spec.mark === "patches" ? `${spec.patches} patches of ${spec.patchSize} × ${spec.patchSize} pixels`
    : spec.mark === "line" ? `line chart of ${spec.series.map((s) => s.name).join(", ")}`
    : spec.mark === "bar" ? `bar chart of ${spec.values.length} values`
    : spec.mark === "scatter" ? `scatter plot of ${spec.points.length} points`
    : `graph of ${spec.nodes.length} nodes and ${spec.edges.length} edges`;
  return spec.title ? `${spec.title}: ${what}` : what;
}

const MARKS: { [M in Exclude<PlotSpec["mark"], "row">]: (spec: Of<M>, doc: Document) => Element } = {
  heatmap: renderHeatmap,
  dots: renderDots,
  image: renderImage,
  patches: renderPatches,
  line: renderLine,
  bar: renderBar,
  scatter: renderScatter,
  graph: renderGraph,
};

interface MatrixCell {
  row: number;
  col: number;
  value: number;
}

function matrixCells(spec: { rows: number; cols: number; values: number[] }): MatrixCell[] {
  return spec.values.map((value, i) => ({ row: Math.floor(i / spec.cols), col: i % spec.cols, value }));
}

/** Ordinal axis for matrix indices: the given tick labels, thinned to at most ~24 ticks. */
function indexAxis(count: number, labels: string[] | undefined, label: string) {
  const step = Math.ceil(count / 24);
  return {
    domain: range(count),
    label,
    tickFormat: (i: number) => labels?.[i] ?? String(i),
    ticks: range(count).filter((i) => i % step === 0),
  };
}

/** Chart width and cell-based height for a matrix, within the column. */
function matrixSize(spec: { rows: number; cols: number; width?: number; height?: number }, legendRoom = 0) {
  const cell = Math.max(4, Math.min(40, Math.floor(((spec.width ?? MAX_WIDTH) - 80) / spec.cols)));
  const width = spec.width ?? Math.min(MAX_WIDTH, spec.cols * cell + 80);
  const height = spec.height ?? Math.min(MAX_WIDTH, spec.rows * cell + 60 + legendRoom);
  return { width, height };
}

function cellTitle(spec: { xTicks?: string[]; yTicks?: string[]; x?: string; y?: string }) {
  return (d: MatrixCell) =>
    `${spec.y ?? "row"} ${spec.yTicks?.[d.row] ?? d.row}, ${spec.x ?? "column"} ${spec.xTicks?.[d.col] ?? d.col}: ${formatNumber(d.value)}`;
}

function renderHeatmap(spec: Of<"heatmap">, doc: Document): Element {
  const data = matrixCells(spec);
  const showNumbers = spec.rows * spec.cols <= 64;
  const color = heatmapColor(spec);
  const [lo, hi] = color.domain;
  const chart = Plot.plot({
    document: doc,
    title: spec.title,
    subtitle: spec.subtitle,
    ...matrixSize(spec),
    marginLeft: 60,
    padding: 0,
    x: indexAxis(spec.cols, spec.xTicks, spec.x ?? `column (${spec.cols})`),
    y: indexAxis(spec.rows, spec.yTicks, spec.y ?? `row (${spec.rows})`),
    color,
    marks: [
      Plot.cell(data, { x: "col", y: "row", fill: "value", title: cellTitle(spec), inset: 0.5 }),
      showNumbers
        ? Plot.text(data, {
            x: "col",
            y: "row",
            text: (d: MatrixCell) => formatNumber(d.value),
            fill: (d: MatrixCell) => (d.value - lo > (hi - lo) / 2 ? "black" : "white"),
            fontSize: 10,
          })
        : null,
    ],
  });
  return el(doc, "div", { class: "nb-plot-stack" }, [chart, colorLegend(color, doc)]);
}

type ColorOptions = Plot.ScaleOptions & { domain: [number, number] };

/** Heatmap colors: viridis over the data's range, or a red-blue scheme symmetric around 0. */
function heatmapColor(spec: Of<"heatmap">): ColorOptions {
  if (spec.diverging) {
    const m = spec.domain ? Math.max(...spec.domain.map(Math.abs)) : Math.max(1e-9, ...spec.values.map(Math.abs));
    return { type: "linear", scheme: (spec.scheme ?? "rdbu") as Plot.ColorScheme, domain: [-m, m] };
  }
  return { type: "linear", scheme: (spec.scheme ?? "viridis") as Plot.ColorScheme, domain: spec.domain ?? extent(spec.values) };
}

/**
 * A color bar drawn with rects. Plot's own ramp legend paints on a canvas,
 * which the build's DOM does not have; this one is the same SVG everywhere.
 */
function colorLegend(color: ColorOptions, doc: Document): Element {
  const [lo, hi] = color.domain;
  const steps = 32;
  const bands = range(steps).map((i) => ({ x1: lo + ((hi - lo) * i) / steps, x2: lo + ((hi - lo) * (i + 1)) / steps }));
  return Plot.plot({
    document: doc,
    width: 260,
    height: 46,
    marginTop: 4,
    marginLeft: 20,
    marginRight: 20,
    marginBottom: 28,
    x: { domain: [lo, hi], label: "value", ticks: 4, tickFormat: formatNumber },
    y: { axis: null },
    color,
    ariaLabel: `color scale from ${formatNumber(lo)} to ${formatNumber(hi)}`,
    marks: [Plot.rect(bands, { x1: "x1", x2: "x2", y1: 0, y2: 1, fill: (d: { x1: number; x2: number }) => (d.x1 + d.x2) / 2 })],
  });
}

/** Fill of a negative value's dot in `dots` (positive ones use the text color). */
export const NEGATIVE_DOT_COLOR = "#d6604d";

/** Dot area is proportional to |value| (Plot's `r` scale is a square root); negative values are red. */
function renderDots(spec: Of<"dots">, doc: Document): Element {
  const data = matrixCells(spec);
  const size = matrixSize(spec);
  const cellSize = Math.min((size.width - 80) / spec.cols, (size.height - 60) / spec.rows);
  const anyNegative = spec.values.some((v) => v < 0);
  return Plot.plot({
    document: doc,
    title: spec.title,
    subtitle: spec.subtitle,
    ...size,
    marginLeft: 60,
    x: { ...indexAxis(spec.cols, spec.xTicks, spec.x ?? "key"), type: "band", axis: "top" },
    y: { ...indexAxis(spec.rows, spec.yTicks, spec.y ?? "query"), type: "band" },
    r: { type: "sqrt", domain: [0, Math.max(1e-9, ...spec.values.map(Math.abs))], range: [0, Math.max(2, cellSize / 2 - 1)] },
    marks: [
      Plot.frame({ stroke: "currentColor", strokeOpacity: 0.15 }),
      Plot.dot(data, {
        x: "col",
        y: "row",
        r: (d: MatrixCell) => Math.abs(d.value),
        // Only charts with negative values get a per-dot fill, so all-positive ones stay as they were.
        fill: anyNegative ? (d: MatrixCell) => (d.value < 0 ? NEGATIVE_DOT_COLOR : "currentColor") : "currentColor",
        title: cellTitle(spec),
      }),
    ],
  });
}

/**
 * Largest maximum that is still read as intensities rather than bytes: a
 * picture of bytes (0..255) almost always has a pixel brighter than 5, and
 * an intensity image scaled by a small factor (e.g. [0, 3]) never has.
 */
export const BYTE_THRESHOLD = 5;

/**
 * Maps an image's raw values to [0, 1], with one rule for the whole image
 * (documented for readers on `image()` in plots.ts):
 * - all in [0, 1]: as they are;
 * - all in [0, BYTE_THRESHOLD]: divided by the maximum (brightest pixel = 1);
 * - all in [0, 255] with a maximum above BYTE_THRESHOLD: bytes, divided by 255;
 * - otherwise (negative values, or above 255): stretched from min to max.
 */
export function normaliseIntensities(values: number[]): (v: number) => number {
  const [lo, hi] = extent(values);
  if (lo >= 0 && hi <= 1) return (v) => v;
  if (lo >= 0 && hi <= BYTE_THRESHOLD) return (v) => v / hi;
  if (lo >= 0 && hi <= 255) return (v) => v / 255;
  const span = hi - lo || 1;
  return (v) => (v - lo) / span;
}

/**
 * The chart size that draws a picture `wide` x `high` (in picture units) with
 * square pixels: a given `width` or `height` wins and the other follows the
 * aspect ratio; `margins` is the room [left + right, top + bottom] around it.
 */
function pictureSize(
  spec: { width?: number; height?: number },
  wide: number,
  high: number,
  defaultWidth: number,
  [marginX, marginY]: [number, number],
): { width: number; height: number } {
  const width = spec.width ?? (spec.height !== undefined ? Math.round(((spec.height - marginY) * wide) / high) + marginX : defaultWidth);
  const height = spec.height ?? Math.round(((width - marginX) * high) / wide) + marginY;
  return { width, height };
}

function colorOf(values: number[], channels: 1 | 3, planeSize: number, index: number, scale: (v: number) => number): string {
  const byte = (v: number) => Math.round(Math.min(1, Math.max(0, scale(v))) * 255);
  if (channels === 1) {
    const g = byte(values[index]);
    return `rgb(${g},${g},${g})`;
  }
  return `rgb(${byte(values[index])},${byte(values[planeSize + index])},${byte(values[2 * planeSize + index])})`;
}

interface Pixel {
  x: number;
  y: number;
  color: string;
  title: string;
}

/** Largest side drawn pixel by pixel; bigger images are sampled down (each rect is an SVG element). */
const MAX_IMAGE_SIDE = 96;

function renderImage(spec: Of<"image">, doc: Document): Element {
  const { imageHeight, imageWidth } = spec;
  const step = Math.max(1, Math.ceil(Math.max(imageHeight, imageWidth) / MAX_IMAGE_SIDE));
  const scale = normaliseIntensities(spec.values);
  const plane = imageHeight * imageWidth;
  const pixels: Pixel[] = [];
  for (let y = 0; y < imageHeight; y += step) {
    for (let x = 0; x < imageWidth; x += step) {
      const index = y * imageWidth + x;
      const raw = spec.channels === 1 ? formatNumber(spec.values[index]) : [0, 1, 2].map((c) => formatNumber(spec.values[c * plane + index])).join(", ");
      pixels.push({ x, y, color: colorOf(spec.values, spec.channels, plane, index, scale), title: `pixel (${y}, ${x}): ${raw}` });
    }
  }
  // Margins: 40 left + 20 right, 20 top + 30 bottom (Plot's defaults with marginLeft 40).
  const side = Math.min(320, Math.max(160, imageWidth * 4));
  const size = pictureSize(spec, imageWidth, imageHeight, side + 60, [60, 50]);
  const marks: Plot.Markish[] = [
    Plot.rect(pixels, { x1: "x", x2: (d: Pixel) => d.x + step, y1: "y", y2: (d: Pixel) => d.y + step, fill: "color", title: "title" }),
  ];
  if (spec.grid) {
    const g = spec.grid;
    marks.push(Plot.ruleX(range(imageWidth / g + 1).map((i) => i * g), { stroke: "white", strokeWidth: 1 }));
    marks.push(Plot.ruleY(range(imageHeight / g + 1).map((i) => i * g), { stroke: "white", strokeWidth: 1 }));
    const perRow = imageWidth / g;
    const outlined = (spec.highlight ?? []).map((k) => ({ x: (k % perRow) * g, y: Math.floor(k / perRow) * g }));
    marks.push(Plot.rect(outlined, { x1: "x", x2: (d: { x: number }) => d.x + g, y1: "y", y2: (d: { y: number }) => d.y + g, stroke: "orange", strokeWidth: 3, fill: "none" }));
  }
  return Plot.plot({
    document: doc,
    title: spec.title,
    subtitle: spec.subtitle,
    ...size,
    marginLeft: 40,
    x: { domain: [0, imageWidth], label: spec.x ?? `x (${imageWidth} px)` },
    y: { domain: [0, imageHeight], reverse: true, label: spec.y ?? `y (${imageHeight} px)` },
    color: { type: "identity" },
    marks,
  });
}

function renderPatches(spec: Of<"patches">, doc: Document): Element {
  const p = spec.patchSize;
  const columns = spec.columns ?? Math.ceil(Math.sqrt(spec.patches));
  const rows = Math.ceil(spec.patches / columns);
  const gap = Math.max(1, Math.round(p / 4));
  const scale = normaliseIntensities(spec.values);
  const perPatch = spec.channels * p * p;
  const pixels: Pixel[] = [];
  for (let k = 0; k < spec.patches; k++) {
    const values = spec.values.slice(k * perPatch, (k + 1) * perPatch);
    const left = (k % columns) * (p + gap);
    const top = Math.floor(k / columns) * (p + gap);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        pixels.push({ x: left + j, y: top + i, color: colorOf(values, spec.channels, p * p, i * p + j, scale), title: `patch ${k}, pixel (${i}, ${j})` });
      }
    }
  }
  const fullWidth = columns * (p + gap) - gap;
  const fullHeight = rows * (p + gap) - gap;
  // `margin: 10` on every side.
  const size = pictureSize(spec, fullWidth, fullHeight, Math.min(MAX_WIDTH, Math.max(160, columns * 48)), [20, 20]);
  return Plot.plot({
    document: doc,
    title: spec.title,
    subtitle: spec.subtitle,
    ...size,
    margin: 10,
    marginTop: 10,
    x: { domain: [0, fullWidth], axis: null },
    y: { domain: [0, fullHeight], reverse: true, axis: null },
    color: { type: "identity" },
    marks: [Plot.rect(pixels, { x1: "x", x2: (d: Pixel) => d.x + 1, y1: "y", y2: (d: Pixel) => d.y + 1, fill: "color", title: "title" })],
  });
}

interface LinePoint {
  series: string;
  x: number;
  y: number;
}

function renderLine(spec: Of<"line">, doc: Document): Element {
  const data: LinePoint[] = spec.series.flatMap((s) => s.x.map((x, i) => ({ series: s.name, x, y: s.y[i] })));
  const several = spec.series.length > 1;
  return Plot.plot({
    document: doc,
    title: spec.title,
    subtitle: spec.subtitle,
    width: spec.width ?? MAX_WIDTH,
    height: spec.height ?? 320,
    grid: true,
    x: { label: spec.x ?? "step" },
    y: { label: spec.y ?? "value", ...(spec.logY ? { type: "log" } : {}) },
    color: several ? { legend: true } : undefined,
    marks: [
      Plot.line(data, { x: "x", y: "y", stroke: several ? "series" : "currentColor", z: "series" }),
      data.length <= 200
        ? Plot.dot(data, { x: "x", y: "y", r: 2, fill: several ? "series" : "currentColor", title: (d: LinePoint) => `${d.series} at ${formatNumber(d.x)}: ${formatNumber(d.y)}` })
        : null,
    ],
  });
}

function renderBar(spec: Of<"bar">, doc: Document): Element {
  const data = spec.values.map((value, i) => ({ i, value, label: spec.labels[i] }));
  const rotate = spec.labels.length > 10 || spec.labels.some((l) => l.length > 6);
  return Plot.plot({
    document: doc,
    title: spec.title,
    subtitle: spec.subtitle,
    width: spec.width ?? Math.min(MAX_WIDTH, Math.max(240, spec.labels.length * 36 + 60)),
    height: spec.height ?? 300,
    marginBottom: rotate ? 70 : 40,
    x: { domain: range(spec.labels.length), tickFormat: (i: number) => spec.labels[i], label: spec.x ?? null, tickRotate: rotate ? -45 : 0 },
    y: { label: spec.y ?? "value", grid: true },
    marks: [
      Plot.barY(data, { x: "i", y: "value", fill: "steelblue", title: (d: { label: string; value: number }) => `${d.label}: ${formatNumber(d.value)}` }),
      Plot.ruleY([0]),
    ],
  });
}

function renderScatter(spec: Of<"scatter">, doc: Document): Element {
  const grouped = spec.points.some((p) => p.group !== undefined);
  const labelled = spec.points.some((p) => p.label !== undefined) && spec.points.length <= 60;
  type P = (typeof spec.points)[number];
  return Plot.plot({
    document: doc,
    title: spec.title,
    subtitle: spec.subtitle,
    width: spec.width ?? 480,
    height: spec.height ?? 400,
    grid: true,
    inset: 10,
    x: { label: spec.x ?? "x" },
    y: { label: spec.y ?? "y" },
    color: grouped ? { legend: true } : undefined,
    marks: [
      Plot.dot(spec.points, {
        x: "x",
        y: "y",
        fill: grouped ? "group" : "currentColor",
        r: 3,
        title: (p: P) => `${p.label ?? ""}${p.label ? " " : ""}(${formatNumber(p.x)}, ${formatNumber(p.y)})`,
      }),
      labelled ? Plot.text(spec.points, { x: "x", y: "y", text: "label", dy: -8, fontSize: 11 }) : null,
    ],
  });
}

function renderGraph(spec: Of<"graph">, doc: Document): Element {
  const n = spec.nodes.length;
  const at = (i: number) => ({ x: Math.cos((2 * Math.PI * i) / n - Math.PI / 2), y: Math.sin((2 * Math.PI * i) / n - Math.PI / 2) });
  const nodes = spec.nodes.map((name, i) => ({ name, ...at(i) }));
  const strongest = Math.max(1e-9, ...spec.edges.map((e) => Math.abs(e.weight)));
  const links = spec.edges
    .filter((e) => e.from !== e.to)
    .map((e) => ({ ...e, x1: at(e.from).x, y1: at(e.from).y, x2: at(e.to).x, y2: at(e.to).y, strength: Math.abs(e.weight) / strongest }));
  const loops = spec.edges.filter((e) => e.from === e.to).map((e) => ({ ...nodes[e.from], strength: Math.abs(e.weight) / strongest, weight: e.weight }));
  const size = spec.width ?? 360;
  return Plot.plot({
    document: doc,
    title: spec.title,
    subtitle: spec.subtitle,
    width: size,
    height: spec.height ?? size,
    inset: 40,
    x: { axis: null, domain: [-1, 1] },
    y: { axis: null, domain: [-1, 1] },
    marks: [
      // Bent arrows keep i -> j and j -> i apart.
      Plot.arrow(links, {
        x1: "x1",
        y1: "y1",
        x2: "x2",
        y2: "y2",
        stroke: "steelblue",
        strokeOpacity: (d: { strength: number }) => 0.1 + 0.9 * d.strength,
        strokeWidth: (d: { strength: number }) => 0.5 + 3.5 * d.strength,
        bend: 15,
        headLength: 6,
        insetEnd: 8,
        title: (d: { from: number; to: number; weight: number }) => `${spec.nodes[d.from]} → ${spec.nodes[d.to]}: ${formatNumber(d.weight)}`,
      }),
      Plot.dot(loops, { x: "x", y: "y", r: (d: { strength: number }) => 8 + 8 * d.strength, stroke: "steelblue", strokeOpacity: 0.6, title: (d: { name: string; weight: number }) => `${d.name} → itself: ${formatNumber(d.weight)}` }),
      Plot.dot(nodes, { x: "x", y: "y", r: 6, fill: "currentColor" }),
      Plot.text(nodes, { x: (d: { x: number }) => d.x * 1.18, y: (d: { y: number }) => d.y * 1.18, text: "name", fontSize: 12 }),
    ],
  });
}

function range(n: number): number[] {
  return Array.from({ length: Math.max(0, Math.floor(n)) }, (_, i) => i);
}

function extent(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === Infinity ? [0, 1] : lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}
