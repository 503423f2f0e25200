import { fileURLToPath } from "node:url";
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { renderOutput } from "../../src/notebook/render/index";
import { renderOutputsToHtml } from "../../src/notebook/render/html";
import { bar, dots, graph, heatmap, image, line, patches, row, scatter } from "../../src/notebook/charts/index";
import { toValueView } from "../../src/notebook/engine/values";
import type { Output } from "../../src/notebook/protocol";
import { tensor } from "../../src/lib/index";
import { expectMatchesFile } from "./snapshot";

const dir = fileURLToPath(new URL("./render/snapshots/", import.meta.url));

/** A seeded generator (mulberry32), so fixtures are the same on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Rounds long decimals and renumbers generated ids, as Observable Plot's
 * snapshot tests do. A raster's PNG stays in the file as its base64 bytes:
 * the same seeded tensor must give the same picture, byte for byte.
 */
function normalise(html: string): string {
  const ids = new Map<string, string>();
  return html
    .replace(/\d+\.\d{3,}/g, (n) => String(Number(Number(n).toFixed(2))))
    .replace(/plot-[0-9a-f]{6}(-\d+)?/g, (id) => {
      if (!ids.has(id)) ids.set(id, `plot-${ids.size}`);
      return ids.get(id)!;
    })
    .replace(/></g, ">\n<");
}

const rand = random(42);
const softmaxRows = (rows: number, cols: number) =>
  Array.from({ length: rows }, () => {
    const e = Array.from({ length: cols }, () => Math.exp(3 * rand()));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });
const tokens = ["the", "cat", "sat", "down"];
const weights = softmaxRows(4, 4);
const rgb = tensor(Array.from({ length: 3 }, (_, c) => Array.from({ length: 8 }, (_, y) => Array.from({ length: 8 }, (_, x) => (c === 0 ? x / 7 : c === 1 ? y / 7 : 0.5)))));

const plots = {
  heatmap: heatmap(weights, { title: "attention weights [4, 4]", x: "key", y: "query", xTicks: tokens, yTicks: tokens, domain: [0, 1] }),
  "heatmap-diverging": heatmap([[-1, 0.5], [0.25, 2]], { title: "gradient [2, 2]", diverging: true }),
  "heatmap-averaged": heatmap(tensor(Array.from({ length: 40 * 1030 }, () => rand() - 0.5), [40, 1030]), { title: "wide {shape}" }),
  dots: dots(weights, { title: "who attends to whom", xTicks: tokens, yTicks: tokens }),
  image: image(rgb, { grid: 4, highlight: [3], title: "image [3, 8, 8] in 4 x 4 patches" }),
  patches: patches(tensor(Array.from({ length: 4 }, (_, k) => Array.from({ length: 3 * 4 * 4 }, (_, i) => ((k + i) % 7) / 6))), { patchSize: 4, channels: 3, title: "patches [4, 48]" }),
  line: line([{ name: "train", y: [2.3, 1.2, 0.8, 0.6] }, { name: "test", y: [2.4, 1.5, 1.1, 1.0] }], { title: "loss", x: "epoch", y: "cross-entropy" }),
  bar: bar(tokens, [0.1, 0.6, 0.2, 0.1], { title: "next-token probabilities", y: "p" }),
  scatter: scatter([[0, 1], [1, 0.5], [0.3, 0.2]], { labels: ["a", "b", "c"], title: "embeddings [3, 2]" }),
  graph: graph(weights, { labels: tokens, threshold: 0.2, title: "attention as a graph" }),
  row: row(heatmap([[1, 0], [0, 1]], { title: "identity [2, 2]" }), bar(["x", "y"], [1, 2], { title: "two bars" })),
  "row-shared": row(bar(tokens, [0.25, 0.25, 0.25, 0.25], { title: "flat" }), bar(tokens, [0.97, 0.01, 0.01, 0.01], { title: "peaked" }), { share: "y", title: "temperatures" }),
};

describe("renderOutput: one snapshot per plot mark", () => {
  for (const [name, plot] of Object.entries(plots)) {
    it(name, () => {
      const html = renderOutputsToHtml([{ kind: "plot", plot }]);
      expect(html).toContain(plot.title ?? "");
      expectMatchesFile(normalise(html), `${dir}${name}.html`);
    });
  }
});

describe("renderOutput: charts are single labelled images for screen readers", () => {
  for (const [name, plot] of Object.entries(plots)) {
    it(name, () => {
      const { document } = parseHTML("<!doctype html><html><body></body></html>");
      const chart = renderOutput({ kind: "plot", plot }, document);
      const svgs = Array.from(chart.querySelectorAll("svg")).filter((svg) => !svg.parentElement?.closest("svg"));
      // Legend swatches (coloured squares beside series names) are hidden; every other svg is one labelled image.
      const images = svgs.filter((svg) => svg.getAttribute("aria-hidden") !== "true");
      expect(images.length).toBeGreaterThan(0);
      for (const svg of images) {
        expect(svg.getAttribute("role")).toBe("img");
        expect(svg.getAttribute("aria-label")).toBeTruthy();
      }
      for (const swatch of svgs.filter((svg) => !images.includes(svg))) {
        expect(swatch.parentElement?.getAttribute("class")).toMatch(/-swatch\b/);
        expect(swatch.hasAttribute("role") || swatch.hasAttribute("aria-label")).toBe(false);
      }
      // An aria-label on an element without a role is what axe reports as "serious".
      const stray = Array.from(chart.querySelectorAll("[aria-label]")).filter((node) => node.tagName.toLowerCase() !== "svg" && !node.getAttribute("role") && node.tagName.toLowerCase() !== "table");
      expect(stray.map((node) => node.tagName)).toEqual([]);
    });
  }
});

describe("renderOutput: values, logs, tables, checks, errors", () => {
  const outputs: Record<string, Output[]> = {
    values: [
      { kind: "value", value: toValueView(3.14159) },
      { kind: "value", value: toValueView("multi\nline") },
      { kind: "value", value: toValueView({ heads: 2, dims: [4, 8], fn: (a: number) => a }) },
    ],
    "tensor-small": [{ kind: "value", value: toValueView(tensor([[1, 2, 3], [4, 5, 6]])) }],
    "tensor-large": [{ kind: "value", value: toValueView(tensor(softmaxRows(10, 10))) }],
    misc: [
      { kind: "log", level: "warn", text: "careful" },
      { kind: "table", columns: ["token", "p"], rows: [["cat", 0.6], ["dog", 0.4]], caption: "top tokens" },
      { kind: "check", passed: true, title: "rows sum to 1", message: "" },
      { kind: "check", passed: false, title: "shape", message: "expected [4, 4]" },
      { kind: "error", error: { name: "ShapeError", message: "matmul: [1, 3] @ [1, 3]", line: 4, column: 1, stack: 'at (cell "a", line 4, column 1)' } },
      { kind: "stopped", message: "Stopped after 10 s." },
    ],
  };
  for (const [name, list] of Object.entries(outputs)) {
    it(name, () => expectMatchesFile(normalise(renderOutputsToHtml(list)), `${dir}${name}.html`));
  }

  it("never interprets a reader's string as markup", () => {
    const { document } = parseHTML("<!doctype html><html><body></body></html>");
    const evil = '<img src=x onerror="alert(1)">';
    const nodes = [
      renderOutput({ kind: "value", value: toValueView(evil) }, document as unknown as Document),
      renderOutput({ kind: "log", level: "log", text: evil }, document as unknown as Document),
      renderOutput({ kind: "error", error: { name: evil, message: evil } }, document as unknown as Document),
      renderOutput({ kind: "table", columns: [evil], rows: [[evil]] }, document as unknown as Document),
      renderOutput({ kind: "plot", plot: bar([evil], [1], { title: evil }) }, document as unknown as Document),
    ];
    for (const node of nodes) {
      expect(node.querySelector("img")).toBeNull();
      expect(node.textContent).toContain(evil);
    }
  });

  it("labels each output with the class names the site styles", () => {
    const html = renderOutputsToHtml([
      { kind: "check", passed: false, title: "t", message: "m" },
      { kind: "value", value: toValueView(tensor([1, 2])) },
    ]);
    expect(html).toMatch(/class="nb-output nb-output--check"/);
    expect(html).toMatch(/nb-check nb-check--fail/);
    expect(html).toMatch(/nb-value nb-tensor/);
  });
});
