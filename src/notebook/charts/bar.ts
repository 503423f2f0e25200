/**
 * `bar`: one bar per label. Labels stay flat when they fit, stand upright
 * when the bars are wide enough for a line of text, and are thinned
 * otherwise, so they never run together.
 */
import * as Plot from "@observablehq/plot";
import type { PlotLabels } from "../protocol";
import type { ChartKind, Of } from "./kind";
import { checkDomain, checkOptions, defined, labelsOf, readNumbers, tagPlot } from "./spec";
import { MAX_WIDTH, clip, indexAxis, range, textWidth } from "./layout";
import { formatNumber } from "./tips";

/** Most bars drawn; more is a line chart. */
export const MAX_BARS = 1000;

/** Options of `bar`. */
export interface BarOptions extends PlotLabels {
  /** Fixes the y range, e.g. [0, 1] for probabilities, so charts side by side compare. */
  yDomain?: [number, number];
}

/**
 * Bar chart, one bar per label.
 * @example bar(["the", "cat", "sat"], probs, { title: "next-token probabilities", y: "p", yDomain: [0, 1] })
 */
export function bar(labels: unknown[], values: unknown, options: BarOptions = {}): Of<"bar"> {
  checkOptions("bar", options, ["yDomain"]);
  checkDomain("bar", "yDomain", options.yDomain);
  const numbers = readNumbers(values, "bar", "bar");
  if (!Array.isArray(labels) || labels.length !== numbers.length) {
    throw new Error(`bar: ${Array.isArray(labels) ? labels.length : 0} labels for ${numbers.length} values`);
  }
  if (numbers.length === 0) throw new Error("bar: nothing to draw (no values)");
  if (numbers.length > MAX_BARS) throw new Error(`bar: ${numbers.length} bars are more than can be read (at most ${MAX_BARS}); use line(...) for a series this long`);
  return tagPlot({
    mark: "bar",
    labels: labels.map(String),
    values: numbers,
    ...defined({ yDomain: options.yDomain }),
    ...labelsOf({ title: `${numbers.length} values`, ...options }, [numbers.length]),
  });
}

function render(spec: Of<"bar">, doc: Document): Element {
  const count = spec.labels.length;
  // Wide enough for flat labels when the column allows it.
  const widest = Math.max(...spec.labels.map((l) => textWidth(clip(l))));
  const width = spec.width ?? Math.min(MAX_WIDTH, Math.max(240, count * Math.max(36, widest + 12) + 70));
  const marginLeft = 48;
  const axis = indexAxis(count, width - marginLeft - 20, spec.labels, true);
  const data = spec.values.map((value, i) => ({ i, value }));
  return Plot.plot({
    document: doc,
    title: spec.title,
    subtitle: spec.subtitle,
    width,
    height: spec.height ?? 280 + (axis.rotate ? axis.depth - 20 : 0),
    marginLeft,
    marginBottom: axis.depth + (spec.x ? 24 : 6),
    x: { type: "band", domain: range(count), ticks: axis.ticks, tickFormat: axis.format, tickRotate: axis.rotate, label: spec.x ?? null, labelOffset: axis.depth + 12 },
    y: { label: spec.y ?? "value", grid: true, ...(spec.yDomain ? { domain: spec.yDomain } : {}) },
    marks: [
      Plot.barY(data, { x: "i", y: "value", fill: "steelblue", title: (d: { i: number; value: number }) => `${spec.labels[d.i]}: ${formatNumber(d.value)}` }),
      Plot.ruleY([0]),
    ],
  });
}

export const barKind: ChartKind<"bar"> = {
  mark: "bar",
  build: bar,
  render,
  describe: (spec) => `bar chart of ${spec.values.length} values`,
};
