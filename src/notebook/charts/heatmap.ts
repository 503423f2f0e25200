/**
 * `heatmap`: a matrix as coloured cells, drawn as one picture (raster.ts)
 * whatever its size, with index or named ticks thinned to what fits, the
 * numbers printed in the cells only when they fit, and a colour bar.
 * Signed data gets a diverging scale centred on 0 by default.
 */
import * as Plot from "@observablehq/plot";
import type { PlotLabels } from "../protocol";
import type { ChartKind, Of } from "./kind";
import { checkDomain, checkOptions, checkTicks, defined, labelsOf, nameOf, readMatrix, tagPlot } from "./spec";
import { checkScheme, heatmapColor, inkOn, palette, type HeatmapColor } from "./color";
import { FONT, MAX_WIDTH, clip, extent, indexAxis, niceTicks, range, textWidth } from "./layout";
import { bandBox, rasterMark } from "./raster";
import { formatNumber } from "./tips";
import { el } from "../render/dom";
import { shapeText } from "../engine/tensor-like";

/** Largest side drawn cell by cell in the picture; longer sides are averaged down in blocks (with a note). */
export const MAX_HEATMAP_SIDE = 512;

/** Options of `heatmap`. */
export interface HeatmapOptions extends PlotLabels {
  /** Labels of the columns (e.g. key tokens) and rows (e.g. query tokens). */
  xTicks?: string[];
  yTicks?: string[];
  /** A colour scheme name, e.g. "viridis", "blues", "rdbu". */
  scheme?: string;
  /** Fixes the colour scale, e.g. [0, 1] for probabilities. */
  domain?: [number, number];
  /** Centres the colours on 0. Default: true when the values have both signs. */
  diverging?: boolean;
}

const OPTIONS = ["xTicks", "yTicks", "scheme", "domain", "diverging"] as const;

/**
 * A matrix as coloured cells; hover, focus or touch a cell to read its value.
 * Write `{shape}` in a label to show the data's shape there.
 * @param matrix `[rows, cols]` tensor or number rows (a 1-D tensor is one row)
 * @example heatmap(weights, { title: "attention weights {shape}", x: "key", y: "query", domain: [0, 1] })
 */
export function heatmap(matrix: unknown, options: HeatmapOptions = {}): Of<"heatmap"> {
  checkOptions("heatmap", options, OPTIONS);
  const { rows, cols, values } = readMatrix(matrix, "heatmap");
  if (rows === 0 || cols === 0) throw new Error(`heatmap: nothing to draw in a matrix of shape ${shapeText([rows, cols])}`);
  checkTicks("heatmap", options, rows, cols);
  const { xTicks, yTicks, scheme, domain, diverging } = options;
  checkScheme("heatmap", scheme);
  checkDomain("heatmap", "domain", domain);
  if (diverging !== undefined && typeof diverging !== "boolean") throw new Error(`heatmap: diverging must be true or false, got ${String(diverging)}`);
  const pooled = pool(values, rows, cols);
  return tagPlot({
    mark: "heatmap",
    rows: pooled.rows,
    cols: pooled.cols,
    values: pooled.values,
    ...defined({
      xTicks: pooled.block ? undefined : xTicks?.map(String),
      yTicks: pooled.block ? undefined : yTicks?.map(String),
      scheme,
      domain,
      diverging,
      block: pooled.block,
      source: pooled.block ? ([rows, cols] as [number, number]) : undefined,
    }),
    ...labelsOf({ title: `${nameOf(matrix)} {shape}`, ...options }, [rows, cols]),
  });
}

/** Averages blocks so neither side exceeds MAX_HEATMAP_SIDE: [rows, cols] -> [ceil(rows / by), ceil(cols / bx)]. */
function pool(values: number[], rows: number, cols: number): { rows: number; cols: number; values: number[]; block?: [number, number] } {
  const by = Math.ceil(rows / MAX_HEATMAP_SIDE);
  const bx = Math.ceil(cols / MAX_HEATMAP_SIDE);
  if (by === 1 && bx === 1) return { rows, cols, values };
  const outRows = Math.ceil(rows / by);
  const outCols = Math.ceil(cols / bx);
  const sums = new Float64Array(outRows * outCols);
  const counts = new Float64Array(outRows * outCols);
  for (let r = 0; r < rows; r++) {
    const base = Math.floor(r / by) * outCols;
    for (let c = 0; c < cols; c++) {
      sums[base + Math.floor(c / bx)] += values[r * cols + c];
      counts[base + Math.floor(c / bx)]++;
    }
  }
  return { rows: outRows, cols: outCols, values: Array.from(sums, (s, i) => s / counts[i]), block: [by, bx] };
}

/** The layout of a matrix chart: size, margins and both axes. */
export function matrixLayout(spec: { rows: number; cols: number; xTicks?: string[]; yTicks?: string[]; width?: number; height?: number }, reserve = 0) {
  const probe = indexAxis(spec.rows, spec.rows * 16, spec.yTicks, false);
  // Room for the tick labels and, left of them, the upright axis label.
  const marginLeft = probe.depth + 20;
  const marginRight = 12;
  const marginTop = 12;
  const width = spec.width ?? Math.min(MAX_WIDTH, Math.max(220, marginLeft + marginRight + spec.cols * 40));
  const plotWidth = width - marginLeft - marginRight;
  const cellWidth = plotWidth / spec.cols;
  const xAxis = indexAxis(spec.cols, plotWidth, spec.xTicks, true);
  const marginBottom = xAxis.depth + 24;
  // Cells as tall as wide, but a short wide matrix still gets some height and a tall one stops at 560 px.
  const plotHeight = spec.height !== undefined
    ? Math.max(20, spec.height - marginTop - marginBottom - reserve)
    : Math.min(560, Math.max(spec.rows * Math.min(cellWidth, 40), Math.min(spec.rows * 16, 160)));
  const yAxis = indexAxis(spec.rows, plotHeight, spec.yTicks, false);
  const height = spec.height ?? Math.round(plotHeight + marginTop + marginBottom);
  return { width, height, marginLeft, marginRight, marginTop, marginBottom, xAxis, yAxis, cellWidth, cellHeight: plotHeight / spec.rows };
}

/** Plot options of an index axis. */
export function bandAxis(count: number, axis: ReturnType<typeof indexAxis>, label: string, room = Infinity) {
  return {
    type: "band" as const,
    domain: range(count),
    ticks: axis.ticks,
    tickFormat: axis.format,
    tickRotate: axis.rotate,
    // Labels alone mark the cells (a tick mark per label would double the elements of a dense chart).
    tickSize: 0,
    // An axis label never runs past the chart: longer ones are cut with an ellipsis.
    label: clip(label, Math.max(6, Math.floor(room / textWidth("m")))),
    labelOffset: axis.depth + 10,
    padding: 0,
  };
}

function render(spec: Of<"heatmap">, doc: Document): Element {
  const color = heatmapColor(spec);
  const layout = matrixLayout(spec);
  const colors = palette(color);
  const indices = new Uint8Array(spec.values.length);
  for (let i = 0; i < indices.length; i++) indices[i] = colors.index(spec.values[i]);
  const xLabel = spec.x ?? `column (${spec.source?.[1] ?? spec.cols})`;
  const yLabel = spec.y ?? `row (${spec.source?.[0] ?? spec.rows})`;
  const marks: Plot.Markish[] = [
    rasterMark(
      { kind: "indexed", width: spec.cols, height: spec.rows, data: indices, palette: colors.bytes },
      { kind: "cell", rows: spec.rows, cols: spec.cols, values: spec.values, x: xLabel, y: yLabel, ...defined({ xTicks: spec.xTicks, yTicks: spec.yTicks, block: spec.block }) },
      (scales) => bandBox(scales, spec.rows, spec.cols),
    ),
  ];
  const labels = cellLabels(spec, layout, colors);
  if (labels) marks.push(labels);
  const chart = Plot.plot({
    document: doc,
    title: spec.title,
    subtitle: spec.subtitle,
    width: layout.width,
    height: layout.height,
    marginLeft: layout.marginLeft,
    marginRight: layout.marginRight,
    marginTop: layout.marginTop,
    marginBottom: layout.marginBottom,
    x: bandAxis(spec.cols, layout.xAxis, xLabel, layout.width - 8),
    y: bandAxis(spec.rows, layout.yAxis, yLabel, layout.height - layout.marginBottom),
    marks,
  });
  const note = spec.block
    ? el(doc, "p", { class: "nb-plot-note", text: `Averaged down from ${shapeText(spec.source!)} to ${shapeText([spec.rows, spec.cols])}: each cell is the mean of a ${spec.block[0]} × ${spec.block[1]} block.` })
    : null;
  const legend = spec.legend === false ? null : colorLegend(color, doc, Math.min(260, layout.width));
  return el(doc, "div", { class: "nb-plot-stack" }, [chart, legend, note]);
}

/**
 * The text of every cell, with one number of decimals for the whole matrix
 * (2 significant digits of its largest magnitude), so 0.0001 next to 0.6
 * reads "0" rather than a long "0.0001"; the tooltip has the exact value.
 */
function cellTexts(values: number[]): string[] {
  const largest = Math.max(...values.map(Math.abs));
  const decimals = largest === 0 ? 0 : Math.min(6, Math.max(0, 1 - Math.floor(Math.log10(largest))));
  return values.map((v) => {
    const text = Number.isInteger(v) ? String(v) : String(Number(v.toFixed(decimals)));
    return text === "-0" ? "0" : text;
  });
}

/** The numbers inside the cells, when every one fits its cell (and there are few enough to read). */
function cellLabels(spec: Of<"heatmap">, layout: ReturnType<typeof matrixLayout>, colors: ReturnType<typeof palette>): Plot.Markish | null {
  if (spec.values.length > 400) return null;
  const texts = cellTexts(spec.values);
  const widest = Math.max(...texts.map((t) => textWidth(t)));
  if (widest + 4 > layout.cellWidth || FONT + 4 > layout.cellHeight) return null;
  const ink = (i: number) => inkOn(rgbAt(colors.bytes, colors.index(spec.values[i])));
  return Plot.text(range(spec.values.length), {
    x: (i: number) => i % spec.cols,
    y: (i: number) => Math.floor(i / spec.cols),
    text: (i: number) => texts[i],
    fill: ink,
    fontSize: FONT,
    ariaHidden: "true",
  });
}

function rgbAt(bytes: Uint8Array, index: number): [number, number, number] {
  return [bytes[index * 3], bytes[index * 3 + 1], bytes[index * 3 + 2]];
}

/** A colour bar as one picture, with a tick at 0 for a diverging scale. */
export function colorLegend(color: HeatmapColor, doc: Document, width = 260): Element {
  const [lo, hi] = color.domain;
  const colors = palette(color);
  const ramp = new Uint8Array(256);
  for (let i = 0; i < 256; i++) ramp[i] = i;
  const ticks = niceTicks(lo, hi, Math.max(2, Math.floor(width / 60)));
  return Plot.plot({
    document: doc,
    width,
    height: 38,
    marginTop: 4,
    marginLeft: 20,
    marginRight: 20,
    marginBottom: 20,
    // No axis label: a colour bar under a heatmap reads as its values (and says so to screen readers).
    x: { domain: [lo, hi], label: null, ticks, tickFormat: formatNumber },
    y: { axis: null, domain: [0, 1] },
    ariaLabel: `colour scale from ${formatNumber(lo)} to ${formatNumber(hi)}`,
    marks: [
      rasterMark({ kind: "indexed", width: 256, height: 1, data: ramp, palette: colors.bytes }, null, (scales, d) => ({
        x: scales.x!(lo),
        y: d.marginTop,
        width: scales.x!(hi) - scales.x!(lo),
        height: d.height - d.marginTop - d.marginBottom,
      })),
    ],
  });
}


export const heatmapKind: ChartKind<"heatmap"> = {
  mark: "heatmap",
  build: heatmap,
  render,
  describe: (spec) => `heatmap of ${spec.source ? `${spec.source[0]} × ${spec.source[1]}` : `${spec.rows} × ${spec.cols}`} values from ${formatNumber(extent(spec.values)[0])} to ${formatNumber(extent(spec.values)[1])}`,
};
