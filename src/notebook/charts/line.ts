/**
 * `line`: one or more series (losses, learning rates, ...). Step axes (all x
 * whole numbers) get whole-number ticks; series longer than the chart can
 * show are averaged in buckets (with a note). Hover, focus or touch reads the
 * nearest point.
 */
import * as Plot from "@observablehq/plot";
import type { PlotLabels } from "../protocol";
import type { ChartKind, Of } from "./kind";
import { checkDomain, checkOptions, defined, labelsOf, readNumbers, tagPlot } from "./spec";
import { MAX_WIDTH, integerTicks } from "./layout";
import { pointTipsMark } from "./raster";
import { formatNumber } from "./tips";
import { el } from "../render/dom";
import { describe, isTensorLike } from "../engine/tensor-like";

/** Most points drawn per series; longer series are averaged in buckets. */
export const MAX_LINE_POINTS = 1000;

/** One named series of `line`. */
export interface LineSeries {
  name: string;
  y: unknown;
  x?: unknown;
}

/** Options of `line`. */
export interface LineOptions extends PlotLabels {
  /** A logarithmic y axis (all values must be positive). */
  logY?: boolean;
  /** Fixes the y range, e.g. [0, 3] to compare with another chart. */
  yDomain?: [number, number];
}

/**
 * Line chart of one or more series.
 * @param series numbers (`[3, 2.1, 1.4]` or a 1-D tensor), a list of
 *   `{ name, y, x? }`, or an object `{ train: [...], test: [...] }`
 * @example line({ train: trainLoss, test: testLoss }, { title: "loss", x: "step", y: "cross-entropy", logY: true })
 */
export function line(series: unknown, options: LineOptions = {}): Of<"line"> {
  checkOptions("line", options, ["logY", "yDomain"]);
  checkDomain("line", "yDomain", options.yDomain);
  let thinned = 1;
  const list = normaliseSeries(series).map(({ name, y, x }) => {
    const ys = readNumbers(y, "line", `series "${name}", point`);
    const xs = x === undefined ? ys.map((_, i) => i) : readNumbers(x, "line", `series "${name}", x`);
    if (xs.length !== ys.length) throw new Error(`line: series "${name}" has ${xs.length} x values but ${ys.length} y values`);
    if (options.logY && ys.some((v) => v <= 0)) throw new Error(`line: logY needs positive values, but series "${name}" has ${formatNumber(Math.min(...ys))}`);
    const bucket = Math.ceil(xs.length / MAX_LINE_POINTS);
    thinned = Math.max(thinned, bucket);
    return bucket === 1 ? { name, x: xs, y: ys } : { name, x: means(xs, bucket), y: means(ys, bucket) };
  });
  // Empty series are allowed: a live chart (`display(line(...))`, then `update`) starts before its first point.
  const title = list.length === 1 ? `${list[0].y.length} values` : list.map((s) => s.name).join(" vs ");
  return tagPlot({
    mark: "line",
    series: list,
    ...defined({ logY: options.logY, yDomain: options.yDomain, thinned: thinned > 1 ? thinned : undefined }),
    ...labelsOf({ title, ...options }),
  });
}

function means(values: number[], bucket: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i += bucket) {
    const part = values.slice(i, i + bucket);
    out.push(part.reduce((a, b) => a + b, 0) / part.length);
  }
  return out;
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

interface Point {
  series: string;
  x: number;
  y: number;
}

function render(spec: Of<"line">, doc: Document): Element {
  const data: Point[] = spec.series.flatMap((s) => s.x.map((x, i) => ({ series: s.name, x, y: s.y[i] })));
  const several = spec.series.length > 1;
  const width = spec.width ?? MAX_WIDTH;
  const xs = data.map((d) => d.x);
  const steps = xs.every(Number.isInteger);
  const empty = data.length === 0;
  const [lo, hi] = empty ? [0, 1] : [Math.min(...xs), Math.max(...xs)];
  const chart = Plot.plot({
    document: doc,
    title: spec.title,
    subtitle: spec.subtitle,
    width,
    height: spec.height ?? 320,
    grid: true,
    x: { label: spec.x ?? "step", ...(empty ? { domain: [lo, hi] } : {}), ...(steps ? { ticks: integerTicks(lo, hi, width - 60, 60), tickFormat: (v: number) => String(v) } : {}) },
    y: { label: spec.y ?? "value", ...(spec.logY ? { type: "log" } : {}), ...(spec.yDomain ? { domain: spec.yDomain } : empty ? { domain: [0, 1] } : {}) },
    // The series' names, not the data, give the colours: a live chart with no points yet keeps its legend of names.
    color: several ? { type: "categorical", domain: spec.series.map((s) => s.name), legend: true } : undefined,
    marks: [
      Plot.line(data, { x: "x", y: "y", stroke: several ? "series" : "currentColor", z: "series" }),
      data.length <= 60 ? Plot.dot(data, { x: "x", y: "y", r: 2, fill: several ? "series" : "currentColor" }) : null,
      pointTipsMark(data, (d) => d.x, (d) => d.y, (d) => `${several ? `${d.series}, ` : ""}${spec.x ?? "step"} ${formatNumber(d.x)}: ${formatNumber(d.y)}`),
    ],
  });
  const note = empty ? "No points yet: the lines appear as the values arrive." : spec.thinned ? `Averaged in buckets of ${spec.thinned} points to fit the chart.` : undefined;
  if (!note) return chart;
  return el(doc, "div", { class: "nb-plot-stack" }, [chart, el(doc, "p", { class: "nb-plot-note", text: note })]);
}

export const lineKind: ChartKind<"line"> = {
  mark: "line",
  build: line,
  render,
  describe: (spec) => `line chart of ${spec.series.map((s) => s.name).join(", ")}`,
};
