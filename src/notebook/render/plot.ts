/**
 * Draws a `PlotSpec` into `doc` (the page's document, or linkedom's at build
 * time) with the renderer of its chart kind (`charts/<kind>.ts`, found in the
 * registry `charts/index.ts`), then makes the chart one labelled image for
 * screen readers and a focusable target for the value tooltip
 * (render/tooltip.ts): every mark's `<title>` becomes a `data-tip` attribute,
 * so a chart with many marks has half the elements and one tooltip style.
 */
import type { PlotSpec } from "../protocol";
import { CHARTS } from "../charts/index";
import { el } from "./dom";

export { NEGATIVE_DOT_COLOR } from "../charts/dots";
export { BYTE_THRESHOLD, normaliseIntensities } from "../charts/image";

/** Renders any spec; a `row` becomes a wrapping flex container of charts. */
export function renderPlot(spec: PlotSpec, doc: Document): Element {
  const kind = CHARTS[spec.mark] as (typeof CHARTS)[PlotSpec["mark"]] | undefined;
  if (!kind) throw new Error(`unknown chart kind ${JSON.stringify((spec as { mark?: unknown }).mark)}`);
  if (spec.mark === "row") return CHARTS.row.render(spec, doc, renderPlot);
  const chart = (kind.render as (spec: PlotSpec, doc: Document, draw: typeof renderPlot) => Element)(spec, doc, renderPlot);
  const description = (kind.describe as (spec: PlotSpec) => string)(spec);
  prepareForReaders(chart, spec.title ? `${spec.title}: ${description}` : description);
  // Dense matrices keep a readable size on a phone and scroll sideways inside the output box.
  const wide = (spec.mark === "heatmap" || spec.mark === "dots") && spec.cols > 16 && (spec.width ?? 640) >= 460;
  return el(doc, "div", { class: `nb-plot nb-plot--${spec.mark}${wide ? " nb-plot--wide" : ""}` }, [chart]);
}

/**
 * Plot puts `aria-label` on inner `<g>` groups that have no role, which screen
 * readers ignore and accessibility checkers flag. A chart is one image to a
 * screen reader: each top-level `<svg>` gets `role="img"` and a label (its own,
 * or a description of the spec), and inner labels are dropped. Legend swatches
 * are hidden from it: their series names are already text. A chart with
 * values to read (marks with a tooltip, or a raster) can take keyboard focus.
 */
function prepareForReaders(chart: Element, description: string): void {
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
    for (const title of Array.from(svg.querySelectorAll("title"))) {
      title.parentElement?.setAttribute("data-tip", title.textContent ?? "");
      title.remove();
    }
    if (svg.querySelector("[data-tip], [data-grid], [data-points]")) {
      svg.setAttribute("tabindex", "0");
      svg.setAttribute("class", `${svg.getAttribute("class") ?? ""} nb-tippable`.trim());
    }
  }
}
