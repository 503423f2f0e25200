/**
 * `row`: charts side by side (wrapping on narrow screens). With `share`, the
 * charts get one colour domain (heatmaps) or one y domain (bars, lines), so
 * the row can be read as a comparison: a flat bar is short next to a tall one.
 */
import type { PlotLabels, PlotSpec } from "../protocol";
import type { ChartKind, Of } from "./kind";
import { checkOptions, labelsOf, tagPlot, defined } from "./spec";
import { extent } from "./layout";
import { el } from "../render/dom";
import { colorLegend } from "./heatmap";
import { heatmapColor } from "./color";
import { describe } from "../engine/tensor-like";

/** Room for a row of charts inside a cell's output box, and the gap between them (see `.nb-plot-row`). */
const ROW_WIDTH = 580;
const ROW_GAP = 16;

/** Options of `row`, passed as its last argument. */
export interface RowOptions extends PlotLabels {
  /** The scale the charts share: "color" (heatmaps) or "y" (bars and lines). */
  share?: "color" | "y";
}

/**
 * Charts side by side (wrapping on narrow screens); a last argument of
 * options gives the row a title or makes the charts share a scale.
 * @example row(bar(keys, softmax(s)), bar(keys, softmax(div(s, 10))), { share: "y" })
 */
export function row(...plots: (PlotSpec | RowOptions)[]): Of<"row"> {
  const last = plots.at(-1);
  const options = last && typeof last === "object" && !("mark" in last) ? (plots.pop() as RowOptions) : {};
  checkOptions("row", options, ["share"]);
  if (options.share !== undefined && options.share !== "color" && options.share !== "y") {
    throw new Error(`row: share must be "color" (heatmaps) or "y" (bars and lines), got ${JSON.stringify(options.share)}`);
  }
  plots.forEach((plot, i) => {
    if (!plot || typeof plot !== "object" || !("mark" in plot)) throw new Error(`row: argument ${i + 1} is not a chart (heatmap(...), line(...), ...): got ${describe(plot)}`);
  });
  if (plots.length === 0) throw new Error("row: pass at least one chart, e.g. row(heatmap(a), heatmap(b))");
  const charts = share(plots as PlotSpec[], options.share);
  return tagPlot({ mark: "row", plots: charts, ...defined({ share: options.share }), ...labelsOf(options) });
}

/** The charts with one domain for the shared scale (a domain a chart was given is kept). */
function share(plots: PlotSpec[], scale: "color" | "y" | undefined): PlotSpec[] {
  if (scale === "color") {
    const maps = plots.filter((p): p is Of<"heatmap"> => p.mark === "heatmap" && !p.domain);
    if (maps.length < 2) return plots;
    let [lo, hi] = extent(maps.flatMap((p) => p.values));
    // One sign-straddling chart makes the whole row diverging, centred on 0.
    if (maps.some((p) => p.diverging) || (lo < 0 && hi > 0)) [lo, hi] = [-Math.max(-lo, hi), Math.max(-lo, hi)];
    return plots.map((p) => (maps.includes(p as Of<"heatmap">) ? { ...p, domain: [lo, hi] as [number, number] } : p));
  }
  if (scale === "y") {
    const charts = plots.filter((p): p is Of<"bar"> | Of<"line"> => (p.mark === "bar" || p.mark === "line") && !p.yDomain);
    if (charts.length < 2) return plots;
    const values = charts.flatMap((p) => (p.mark === "bar" ? [0, ...p.values] : p.series.flatMap((s) => s.y)));
    const [lo, hi] = extent(values);
    return plots.map((p) => (charts.includes(p as Of<"bar">) ? { ...p, yDomain: [lo, hi] as [number, number] } : p));
  }
  return plots;
}

function sameColor(a: Of<"heatmap">, b: Of<"heatmap">): boolean {
  const [ca, cb] = [heatmapColor(a), heatmapColor(b)];
  return ca.scheme === cb.scheme && ca.domain[0] === cb.domain[0] && ca.domain[1] === cb.domain[1];
}

function render(spec: Of<"row">, doc: Document, draw: (spec: PlotSpec, doc: Document) => Element): Element {
  // Side by side they share the column; on a narrow screen the flex row wraps them.
  const width = Math.max(260, Math.floor((ROW_WIDTH - ROW_GAP * (spec.plots.length - 1)) / spec.plots.length));
  const fits = (plot: PlotSpec) => plot.width === undefined && plot.mark !== "row" && plot.mark !== "image" && plot.mark !== "patches";
  // Heatmaps that share one colour domain share one colour bar, drawn under the row.
  const shared = spec.share === "color" ? spec.plots.filter((p): p is Of<"heatmap"> => p.mark === "heatmap" && !!p.domain) : [];
  const oneLegend = shared.length > 1 && shared.every((p) => sameColor(p, shared[0]));
  const charts = spec.plots.map((plot) => {
    const sized = fits(plot) ? { ...plot, width } : plot;
    return draw(oneLegend && shared.includes(plot as Of<"heatmap">) ? { ...(sized as Of<"heatmap">), legend: false } : sized, doc);
  });
  const row = el(doc, "div", { class: "nb-plot-row" }, charts);
  const legend = oneLegend ? el(doc, "div", { class: "nb-plot-legend" }, [colorLegend(heatmapColor(shared[0]), doc)]) : null;
  if (!spec.title && !legend) return row;
  if (!spec.title) return el(doc, "div", { class: "nb-plot-group" }, [row, legend]);
  return el(doc, "figure", { class: "nb-plot-group" }, [el(doc, "figcaption", { text: spec.title }), row, legend]);
}

export const rowKind: ChartKind<"row"> = {
  mark: "row",
  build: row,
  render,
  describe: (spec) => `${spec.plots.length} charts side by side`,
};
