/**
 * `dots`: the attention-pattern view. Queries down, keys across, each dot's
 * area proportional to |value| (0 is no dot; the largest |value| fills its
 * cell); negative values in red so the sign is not lost. One circle per cell,
 * so it is for small matrices (a heatmap draws any size).
 */
import * as Plot from "@observablehq/plot";
import type { ChartKind, Of } from "./kind";
import type { HeatmapOptions } from "./heatmap";
import { bandAxis, matrixLayout } from "./heatmap";
import { checkOptions, checkTicks, defined, labelsOf, nameOf, readMatrix, tagPlot } from "./spec";
import { formatNumber } from "./tips";
import { shapeText } from "../engine/tensor-like";

/** Most cells `dots` draws (each is a circle in the page). */
export const MAX_DOTS = 64 * 64;

/** Fill of a negative value's dot (positive ones use the text colour). */
export const NEGATIVE_DOT_COLOR = "#d6604d";

/**
 * The attention-pattern view: each dot's area is proportional to |value|.
 * @param matrix `[queries, keys]` weights, usually rows summing to 1
 * @example dots(weights, { xTicks: tokens, yTicks: tokens, title: "who attends to whom {shape}" })
 */
export function dots(matrix: unknown, options: Omit<HeatmapOptions, "scheme" | "domain" | "diverging"> = {}): Of<"dots"> {
  checkOptions("dots", options, ["xTicks", "yTicks"]);
  const { rows, cols, values } = readMatrix(matrix, "dots");
  if (rows * cols === 0) throw new Error(`dots: nothing to draw in a matrix of shape ${shapeText([rows, cols])}`);
  if (rows * cols > MAX_DOTS) {
    throw new Error(`dots: ${shapeText([rows, cols])} is ${rows * cols} dots, more than can be read (at most ${MAX_DOTS}); use heatmap(...) for a matrix this size`);
  }
  checkTicks("dots", options, rows, cols);
  const { xTicks, yTicks } = options;
  return tagPlot({
    mark: "dots",
    rows,
    cols,
    values,
    ...defined({ xTicks: xTicks?.map(String), yTicks: yTicks?.map(String) }),
    ...labelsOf({ title: `${nameOf(matrix)} {shape}`, x: "key", y: "query", ...options }, [rows, cols]),
  });
}

interface Cell {
  row: number;
  col: number;
  value: number;
}

function render(spec: Of<"dots">, doc: Document): Element {
  const data: Cell[] = spec.values.map((value, i) => ({ row: Math.floor(i / spec.cols), col: i % spec.cols, value }));
  const layout = matrixLayout(spec);
  // The x axis is on top here: its room moves from the bottom margin to the top one.
  const marginTop = layout.marginBottom;
  const marginBottom = layout.marginTop;
  const cellSize = Math.min(layout.cellWidth, layout.cellHeight);
  const anyNegative = spec.values.some((v) => v < 0);
  const x = spec.x ?? "key";
  const y = spec.y ?? "query";
  return Plot.plot({
    document: doc,
    title: spec.title,
    subtitle: spec.subtitle,
    width: layout.width,
    height: layout.height,
    marginLeft: layout.marginLeft,
    marginRight: layout.marginRight,
    marginTop,
    marginBottom,
    x: { ...bandAxis(spec.cols, layout.xAxis, x, layout.width - 8), axis: "top" },
    y: bandAxis(spec.rows, layout.yAxis, y, layout.height - marginTop),
    r: { type: "sqrt", domain: [0, Math.max(1e-9, ...spec.values.map(Math.abs))], range: [0, Math.max(2, cellSize / 2 - 1)] },
    marks: [
      Plot.frame({ stroke: "currentColor", strokeOpacity: 0.15 }),
      Plot.dot(data, {
        x: "col",
        y: "row",
        r: (d: Cell) => Math.abs(d.value),
        // Only charts with negative values get a per-dot fill, so all-positive ones stay as they were.
        fill: anyNegative ? (d: Cell) => (d.value < 0 ? NEGATIVE_DOT_COLOR : "currentColor") : "currentColor",
        title: (d: Cell) => `${y} ${spec.yTicks?.[d.row] ?? d.row}, ${x} ${spec.xTicks?.[d.col] ?? d.col}: ${formatNumber(d.value)}`,
      }),
    ],
  });
}

export const dotsKind: ChartKind<"dots"> = {
  mark: "dots",
  build: dots,
  render,
  describe: (spec) => `dot grid of ${spec.rows} × ${spec.cols} values`,
};
