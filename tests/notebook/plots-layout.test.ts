/**
 * Charts readable by construction and comparable, checked on the drawn SVG:
 * no blank pictures, no overlapping tick labels, numbers in cells only where
 * they fit, whole-number step axes, titles from the data's shape, shared and
 * diverging colour scales, huge inputs averaged down into few elements; and
 * the PNG encoder against Node's zlib.
 */
import { parseHTML } from "linkedom";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bar, heatmap, image, line, row } from "../../src/notebook/charts/index";
import { renderPlot } from "../../src/notebook/render/plot";
import { indexAxis, textWidth } from "../../src/notebook/charts/layout";
import { CHARTS } from "../../src/notebook/charts/index";
import { heatmapColor } from "../../src/notebook/charts/color";
import { encodePng } from "../../src/notebook/charts/png";
import type { PlotSpec } from "../../src/notebook/protocol";
import { tensor } from "../../src/lib/index";
import { decodePng } from "./png-decode";

function draw(spec: PlotSpec): Element {
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  return renderPlot(spec, document as unknown as Document);
}

/** A seeded generator (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function matrix(rows: number, cols: number, seed = 1, lo = 0): number[][] {
  const rand = random(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => lo + rand()));
}

/** Tick labels of the chart's x axis, [centre x, text], from Plot's labelled group (drawn without the screen-reader pass that drops such labels). */
function xTickLabels(spec: PlotSpec): { x: number; text: string }[] {
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const chart = (CHARTS[spec.mark].render as (s: PlotSpec, d: Document, r: typeof renderPlot) => Element)(spec, document as unknown as Document, renderPlot);
  const group = chart.querySelector('g[aria-label="x-axis tick label"]')!;
  return [...group.querySelectorAll("text")].map((t) => ({
    x: Number(/translate\(([\d.-]+)/.exec(t.getAttribute("transform") ?? "")![1]),
    text: t.textContent ?? "",
  }));
}

describe("no blank charts", () => {
  it("draws the [16, 192] patch matrix beside another chart with a visible area", () => {
    const chart = draw(row(image(tensor(matrix(32, 32))), heatmap(matrix(16, 192), { title: "patch matrix tokens {shape}" })));
    const picture = chart.querySelectorAll("image.nb-raster")[1]!;
    expect(Number(picture.getAttribute("width"))).toBeGreaterThan(100);
    expect(Number(picture.getAttribute("height"))).toBeGreaterThan(100);
    expect(chart.textContent).toContain("patch matrix tokens [16, 192]");
  });
});

describe("tick labels never overlap", () => {
  it("for any axis, labels are at least their own width apart (flat) or a line apart (upright)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 40, max: 800 }), fc.boolean(), fc.boolean(), (count, length, named, horizontal) => {
        const names = named ? Array.from({ length: count }, (_, i) => `token ${i * 7}`) : undefined;
        const axis = indexAxis(count, length, names, horizontal);
        const band = length / count;
        for (let k = 1; k < axis.ticks.length; k++) {
          const gap = (axis.ticks[k] - axis.ticks[k - 1]) * band;
          const need = horizontal && axis.rotate === 0 ? (textWidth(axis.format(axis.ticks[k])) + textWidth(axis.format(axis.ticks[k - 1]))) / 2 : 10;
          expect(gap).toBeGreaterThanOrEqual(need);
        }
      }),
    );
  });

  it("thins the index ticks of a [17, 48] heatmap 200 px wide to round steps that fit", () => {
    const labels = xTickLabels(heatmap(matrix(17, 48), { width: 200 }));
    expect(labels.map((l) => l.text)).toEqual(["0", "10", "20", "30", "40"]);
    for (let k = 1; k < labels.length; k++) expect(labels[k].x - labels[k - 1].x).toBeGreaterThan(textWidth(labels[k].text));
  });

  it("keeps every bar's name, flat when there is room", () => {
    const names = ["3 (hundreds)", "4 (tens)", "5 (ones)"];
    const labels = xTickLabels(bar(names, [1, 2, 3]));
    expect(labels.map((l) => l.text)).toEqual(names);
    for (let k = 1; k < labels.length; k++) {
      expect(labels[k].x - labels[k - 1].x).toBeGreaterThanOrEqual((textWidth(names[k]) + textWidth(names[k - 1])) / 2);
    }
  });

  it("labels a step axis with whole numbers", () => {
    const losses = Array.from({ length: 300 }, (_, i) => 2 / (1 + i / 50));
    const labels = xTickLabels(line(losses, { x: "step" }));
    expect(labels.length).toBeGreaterThan(2);
    for (const { text } of labels) expect(text).toMatch(/^\d+$/);
  });
});

describe("numbers inside heatmap cells", () => {
  const weights = matrix(8, 8, 3);
  it("are printed when they fit their cells", () => {
    expect(draw(heatmap(weights, { width: 640 })).querySelectorAll("svg")[0].querySelectorAll("text").length).toBe(64 + 8 + 8 + 2);
  });
  it("are left out when the cells are too small for them", () => {
    const narrow = draw(heatmap(weights, { width: 200 }));
    // Only the 8 + 8 tick labels and the 2 axis labels.
    expect(narrow.querySelectorAll("svg")[0].querySelectorAll("text").length).toBe(8 + 8 + 2);
  });
});

describe("titles from the data's shape", () => {
  it("replaces {shape} in labels with the tensor's shape", () => {
    expect(heatmap(tensor(matrix(16, 192)), { title: "patch matrix tokens {shape}" }).title).toBe("patch matrix tokens [16, 192]");
    expect(heatmap(tensor(matrix(64, 32)), { title: "position embeddings P {shape}" }).title).toBe("position embeddings P [64, 32]");
    expect(bar(["a", "b"], [1, 2], { title: "p {shape}" }).title).toBe("p [2]");
  });
  it("defaults to the shape", () => {
    expect(heatmap(tensor(matrix(3, 5))).title).toBe("tensor [3, 5]");
  });
});

describe("comparable charts", () => {
  it("gives signed data a diverging scale centred on 0 by default", () => {
    expect(heatmapColor({ values: [-1, 0.5, 3] })).toEqual({ domain: [-3, 3], scheme: "rdbu", diverging: true });
    expect(heatmapColor({ values: [0, 0.5, 1] })).toEqual({ domain: [0, 1], scheme: "viridis", diverging: false });
    expect(heatmapColor({ values: [-1, 1], diverging: false }).diverging).toBe(false);
  });

  it("shares one colour domain across a row's heatmaps", () => {
    const shared = row(heatmap([[0, 0.1]]), heatmap([[0, 0.9]]), { share: "color" });
    expect(shared.plots.map((p) => (p as { domain?: number[] }).domain)).toEqual([[0, 0.9], [0, 0.9]]);
  });

  it("shares one y domain across a row's bars, so a flat softmax looks flat", () => {
    const flat = bar(["a", "b"], [0.5, 0.5]);
    const peaked = bar(["a", "b"], [0.99, 0.01]);
    const shared = row(flat, peaked, { share: "y" });
    expect(shared.plots.map((p) => (p as { yDomain?: number[] }).yDomain)).toEqual([[0, 0.99], [0, 0.99]]);
  });

  it("draws one colour bar for heatmaps that share it", () => {
    const chart = draw(row(heatmap([[0, 0.1]]), heatmap([[0, 0.9]]), { share: "color" }));
    // Two pictures of cells and one colour bar.
    expect(chart.querySelectorAll("image.nb-raster")).toHaveLength(3);
    expect(chart.querySelectorAll(".nb-plot-legend")).toHaveLength(1);
  });

  it("keeps a domain the reader gave", () => {
    const shared = row(heatmap([[0, 0.1]], { domain: [0, 1] }), heatmap([[0, 0.5]]), heatmap([[0, 0.9]]), { share: "color" });
    expect(shared.plots.map((p) => (p as { domain?: number[] }).domain)).toEqual([[0, 1], [0, 0.9], [0, 0.9]]);
  });
});

describe("dense data", () => {
  it("draws a [512, 512] heatmap as a few dozen elements (under 100)", () => {
    const chart = draw(heatmap(tensor(matrix(512, 512, 7, -0.5))));
    expect(chart.querySelectorAll("*").length).toBeLessThan(100);
    expect(chart.querySelectorAll("image.nb-raster")).toHaveLength(2); // the cells and the colour bar
  });

  it("averages a [1000, 1000] heatmap down to [500, 500] and says so", () => {
    const spec = heatmap(tensor(matrix(1000, 1000)));
    expect([spec.rows, spec.cols, spec.block, spec.source, spec.title]).toEqual([500, 500, [2, 2], [1000, 1000], "tensor [1000, 1000]"]);
    const chart = draw(spec);
    expect(chart.querySelector(".nb-plot-note")?.textContent).toMatch(/Averaged down from \[1000, 1000\] to \[500, 500\]/);
    expect(chart.querySelectorAll("*").length).toBeLessThan(100);
  });

  it("averages the blocks exactly", () => {
    const spec = heatmap([Array.from({ length: 1026 }, (_, i) => i)]);
    expect(spec.cols).toBe(342);
    expect(spec.values.slice(0, 2)).toEqual([1, 4]);
  });
});

describe("PNG encoder, read back by zlib", () => {
  it("round-trips RGB, RGBA and palette pictures", () => {
    const rgb = encodePng({ kind: "rgb", width: 2, height: 1, data: new Uint8Array([255, 0, 0, 0, 0, 255]) });
    expect(Array.from(decodePng(rgb).rgba)).toEqual([255, 0, 0, 255, 0, 0, 255, 255]);
    const rgba = encodePng({ kind: "rgba", width: 1, height: 2, data: new Uint8Array([1, 2, 3, 0, 4, 5, 6, 255]) });
    expect(Array.from(decodePng(rgba).rgba)).toEqual([1, 2, 3, 0, 4, 5, 6, 255]);
    const indexed = encodePng({ kind: "indexed", width: 3, height: 1, data: new Uint8Array([1, 0, 1]), palette: new Uint8Array([9, 9, 9, 7, 8, 9]) });
    expect(Array.from(decodePng(indexed).rgba)).toEqual([7, 8, 9, 255, 9, 9, 9, 255, 7, 8, 9, 255]);
  });

  it("splits data larger than one stored block (65,535 bytes)", () => {
    const width = 300;
    const height = 300;
    const data = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 7) % 256);
    const decoded = decodePng(encodePng({ kind: "rgb", width, height, data }));
    expect([decoded.width, decoded.height]).toEqual([width, height]);
    const back = decoded.rgba.filter((_, i) => i % 4 !== 3);
    expect(Buffer.from(back).equals(Buffer.from(data))).toBe(true);
  });
});
