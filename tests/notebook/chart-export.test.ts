/**
 * A chart's SVG made standalone (page/chart-svg.ts `inlineSvg`): drawn by the
 * real renderers in linkedom, with a stub for the page's computed style. The
 * file must parse on its own, keep every mark, carry the colours the page
 * computed instead of `currentColor` or CSS variables, hold its pictures as
 * `data:` URLs and give each mark's value as a `<title>`. The layout of the
 * whole chart (title, legend, rows) needs a real browser: see
 * tests/e2e/print-export.test.ts.
 */
import { DOMParser, parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { renderOutput } from "../../src/notebook/render/index";
import { bar, heatmap, line } from "../../src/notebook/charts/index";
import { inlineSvg, type StyleOf } from "../../src/notebook/page/chart-svg";
import type { PlotSpec } from "../../src/notebook/protocol";
import { tensor } from "../../src/lib/index";

const { document } = parseHTML("<!doctype html><html><body></body></html>");

/** What a dark page computes: light text, and every mark's fill resolved to a colour. */
const darkStyle: StyleOf = (element) => ({
  getPropertyValue: (name: string) =>
    ({ color: "rgb(230, 230, 235)", fill: element.getAttribute("fill")?.startsWith("#") ? element.getAttribute("fill")! : "rgb(230, 230, 235)", "font-family": "system-ui", "font-size": "10px" })[name] ?? "",
});

/** The chart's main `<svg>` as a standalone file, parsed back. */
function exported(spec: PlotSpec) {
  const output = renderOutput({ kind: "plot", plot: spec }, document);
  const svgs = Array.from(output.querySelectorAll("svg")).filter((svg) => svg.getAttribute("role") === "img");
  const original = svgs[svgs.length - 1];
  const text = inlineSvg(original, darkStyle).outerHTML;
  const parsed = new DOMParser().parseFromString(text, "image/svg+xml");
  return { original, text, file: parsed.documentElement as unknown as Element };
}

describe("inlineSvg: a chart's SVG that stands on its own", () => {
  it("keeps every bar, and each bar's value as a <title>", () => {
    const { original, file } = exported(bar(["a", "b", "c"], [3, -1, 2], { title: "bars" }));
    const bars = (root: Element) => root.querySelectorAll("rect").length;
    expect(bars(file)).toBe(bars(original));
    expect(bars(file)).toBeGreaterThanOrEqual(3);
    const tips = Array.from(original.querySelectorAll("[data-tip]")).map((e) => e.getAttribute("data-tip"));
    expect(tips.length).toBeGreaterThan(0);
    expect(Array.from(file.querySelectorAll("title")).map((t) => t.textContent)).toEqual(tips);
  });

  it("writes computed colours instead of currentColor and CSS variables, and drops page-only attributes", () => {
    const { text, file } = exported(line([{ name: "loss", x: [0, 1, 2], y: [3, 2, 1] }], { title: "loss" }));
    expect(text).not.toMatch(/currentColor/i);
    expect(text).not.toMatch(/var\(/);
    expect(text).toContain("rgb(230, 230, 235)");
    expect(file.querySelector("[tabindex], [data-tip], style")).toBeNull();
    expect(file.querySelectorAll("path").length).toBeGreaterThan(0);
  });

  it("keeps a heatmap's picture inline as a PNG data URL", () => {
    const { file } = exported(heatmap(tensor([[1, 2], [3, 4]]), { title: "weights" }));
    const images = Array.from(file.querySelectorAll("image"));
    expect(images).toHaveLength(1);
    expect(images[0].getAttribute("href")).toMatch(/^data:image\/png;base64,/);
  });
});
