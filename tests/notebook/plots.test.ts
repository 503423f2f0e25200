/**
 * Chart options and pixel values as the reader sees them: sizes that apply
 * to the chart and never to the data, how image values become intensities,
 * and what a dot in `dots` encodes. Checked on the drawn SVG.
 */
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { bar, dots, graph, heatmap, image, line, patches, row, scatter } from "../../src/notebook/charts/index";
import { BYTE_THRESHOLD, NEGATIVE_DOT_COLOR, normaliseIntensities, renderPlot } from "../../src/notebook/render/plot";
import { gridTipText, readPicture, type GridTip } from "../../src/notebook/charts/tips";
import { decodePng, pngOfDataUrl, type DecodedPng } from "./png-decode";
import type { PlotLabels, PlotSpec } from "../../src/notebook/protocol";
import { tensor } from "../../src/lib/index";

function draw(spec: PlotSpec): Element {
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  return renderPlot(spec, document as unknown as Document);
}

/** The chart's size, from its outermost SVG. */
function svgSize(chart: Element): { width: number; height: number } {
  const svg = chart.querySelector("svg")!;
  return { width: Number(svg.getAttribute("width")), height: Number(svg.getAttribute("height")) };
}

/** The chart's picture: its box in the SVG, its decoded pixels and its tooltip data. */
function raster(chart: Element): { x: number; y: number; width: number; height: number; png: DecodedPng; grid: GridTip; href: string } {
  const image = chart.querySelector("image.nb-raster");
  if (!image) throw new Error("no raster image");
  const n = (name: string) => Number(image.getAttribute(name));
  const png = decodePng(pngOfDataUrl(image.getAttribute("href")!));
  return { x: n("x"), y: n("y"), width: n("width"), height: n("height"), png, grid: JSON.parse(image.getAttribute("data-grid")!), href: image.getAttribute("href")! };
}

/** The RGB of pixel (x, y) of a decoded picture, as CSS writes it. */
function pixel(png: DecodedPng, x: number, y: number): string {
  const at = (y * png.width + x) * 4;
  return `rgb(${png.rgba[at]},${png.rgba[at + 1]},${png.rgba[at + 2]})`;
}

/** Pixels of the picture drawn square within the 1% that rounding the chart size to whole pixels allows. */
function expectSquarePixels(r: ReturnType<typeof raster>): void {
  expect(Math.abs(r.width / r.png.width / (r.height / r.png.height) - 1)).toBeLessThan(0.01);
}

/** A tall gray picture [8, 4]: 8 rows of 4 pixels, values in [0, 1]. */
const tall = tensor(Array.from({ length: 8 }, (_, y) => Array.from({ length: 4 }, (_, x) => (x + y) / 10)));

describe("label options never overwrite a chart's data", () => {
  const labels: Required<PlotLabels> = { title: "T", subtitle: "S", x: "X", y: "Y", width: 321, height: 123 };
  const square = [[0, 0.5], [0.25, 1]];
  // Typed by mark, so a new mark without a case here does not compile.
  const builders: Record<PlotSpec["mark"], (options: PlotLabels) => PlotSpec> = {
    heatmap: (options) => heatmap(square, options),
    dots: (options) => dots(square, options),
    image: (options) => image(tall, options),
    patches: (options) => patches(tall, { patchSize: 2, channels: 1, columns: 4, ...options }),
    line: (options) => line([3, 2, 1], options),
    bar: (options) => bar(["a", "b"], [1, 2], options),
    scatter: (options) => scatter(square, options),
    graph: (options) => graph(square, options),
    row: (options) => row(bar(["a"], [1]), options),
  };
  for (const [mark, build] of Object.entries(builders)) {
    it(`${mark}: the spec with labels is the spec without them plus the labels`, () => {
      // Helpers never default a size (the renderer does), so a size in a spec without options would be data under a label's name.
      expect(build({})).not.toHaveProperty("width");
      expect(build({})).not.toHaveProperty("height");
      expect(build(labels)).toEqual({ ...build({}), ...labels });
    });
  }
});

describe("image: width and height size the chart, never the picture", () => {
  it("keeps the picture's pixels when a chart width is given", () => {
    const spec = image(tall, { width: 300 });
    expect(spec).toMatchObject({ mark: "image", imageHeight: 8, imageWidth: 4, width: 300 });
    const chart = draw(spec);
    expect(svgSize(chart).width).toBe(300);
    const picture = raster(chart);
    expect([picture.png.width, picture.png.height]).toEqual([4, 8]);
    expectSquarePixels(picture);
    // The bottom-right pixel is still there, with its exact value in the tooltip.
    expect(gridTipText(picture.grid, 7, 3)).toBe("pixel (7, 3): 1");
  });

  it("follows the picture's aspect ratio from a given height alone", () => {
    const chart = draw(image(tall, { height: 250 }));
    expect(svgSize(chart).height).toBe(250);
    expectSquarePixels(raster(chart));
  });

  it("uses both sizes when both are given", () => {
    expect(svgSize(draw(image(tall, { width: 200, height: 180 })))).toEqual({ width: 200, height: 180 });
  });

  it("draws a 32 x 32 RGB picture as one element", () => {
    const chart = draw(image(tensor(Array.from({ length: 3 * 32 * 32 }, (_, i) => (i % 7) / 6), [3, 32, 32])));
    expect(chart.querySelectorAll("image")).toHaveLength(1);
    expect(chart.querySelectorAll("rect")).toHaveLength(0);
  });

  it("reads a large picture's values back from its PNG, to within 1/255 of its range", () => {
    const values = Array.from({ length: 3 * 32 * 32 }, (_, i) => -2 + ((i * 37) % 101) / 25); // [-2, 2]: stretched
    const picture = raster(draw(image(tensor(values, [3, 32, 32]))));
    expect(picture.grid.values).toBeUndefined(); // not in the HTML: 3,072 values
    const pixels = readPicture(picture.href)!;
    expect(Buffer.from(pixels).equals(Buffer.from(picture.png.rgba))).toBe(true); // the page's reader agrees with zlib
    const text = gridTipText(picture.grid, 5, 7, pixels)!;
    const shown = text.replace(/^pixel \(5, 7\): /, "").split(", ").map((t) => Number(t.replace("≈", "")));
    const exact = [0, 1, 2].map((c) => values[c * 1024 + 5 * 32 + 7]);
    shown.forEach((v, c) => expect(Math.abs(v - exact[c])).toBeLessThanOrEqual(4 / 255 + 0.005));
  });
});

describe("patches: columns lays out the tiles, width and height size the chart", () => {
  // 8 gray patches of 2 x 2, patch k filled with k / 7.
  const rows = tensor(Array.from({ length: 8 }, (_, k) => Array.from({ length: 4 }, () => k / 7)));

  it("puts `columns` tiles per row in a chart of the given width", () => {
    const chart = draw(patches(rows, { patchSize: 2, channels: 1, columns: 4, width: 400 }));
    expect(svgSize(chart).width).toBe(400);
    const picture = raster(chart);
    // Tiles of 2 px with 1 px gaps: 4 columns are 11 px wide, 2 rows 5 px high.
    expect([picture.png.width, picture.png.height]).toEqual([11, 5]);
    expectSquarePixels(picture);
    // Patch 4 starts the second row of tiles: left edge, below the first row and its gap.
    expect(gridTipText(picture.grid, 3, 0)).toBe("patch 4, pixel (0, 0): 0.5714");
    expect(pixel(picture.png, 0, 3)).toBe(`rgb(${Math.round((4 / 7) * 255)},${Math.round((4 / 7) * 255)},${Math.round((4 / 7) * 255)})`);
    // The gap between tiles is transparent and has no tooltip.
    expect(picture.png.rgba[(0 * 11 + 2) * 4 + 3]).toBe(0);
    expect(gridTipText(picture.grid, 0, 2)).toBeNull();
  });

  it("keeps pixels square from a given height alone", () => {
    const chart = draw(patches(rows, { patchSize: 2, channels: 1, columns: 2, height: 300 }));
    expect(svgSize(chart).height).toBe(300);
    expectSquarePixels(raster(chart));
  });
});

describe("normaliseIntensities: how image values become intensities", () => {
  it("uses values in [0, 1] as they are", () => {
    const scale = normaliseIntensities([0, 0.25, 0.5]);
    expect([0, 0.25, 0.5].map(scale)).toEqual([0, 0.25, 0.5]);
  });

  it("divides small positive ranges such as [0, 3] by their maximum, not by 255", () => {
    const scale = normaliseIntensities([0, 1.5, 3]);
    expect([0, 1.5, 3].map(scale)).toEqual([0, 0.5, 1]);
    expect(normaliseIntensities([0, BYTE_THRESHOLD])(BYTE_THRESHOLD)).toBe(1);
  });

  it("reads values up to 255 with a maximum above the threshold as bytes", () => {
    const scale = normaliseIntensities([0, 51, 200]);
    expect([0, 51, 255].map(scale)).toEqual([0, 0.2, 1]);
    expect(normaliseIntensities([0, BYTE_THRESHOLD + 1])(BYTE_THRESHOLD + 1)).toBeCloseTo((BYTE_THRESHOLD + 1) / 255, 12);
  });

  it("stretches ranges with negative values from min to max", () => {
    const scale = normaliseIntensities([-1, 0, 1]);
    expect([-1, 0, 1].map(scale)).toEqual([0, 0.5, 1]);
  });

  it("draws the brightest pixel of an image in [0, 3] white", () => {
    const { png } = raster(draw(image(tensor([[0, 1.5, 3]]))));
    expect(pixel(png, 2, 0)).toBe("rgb(255,255,255)");
    expect(pixel(png, 0, 0)).toBe("rgb(0,0,0)");
  });
});

describe("dots: area encodes |value|, colour encodes the sign", () => {
  /** Radius and fill of the dot whose tooltip ends with `: value`. */
  function dot(chart: Element, value: string): { r: number; fill: string | null } {
    const circle = [...chart.querySelectorAll("circle")].find((c) => c.getAttribute("data-tip")?.endsWith(`: ${value}`));
    if (!circle) throw new Error(`no dot for ${value}`);
    return { r: Number(circle.getAttribute("r")), fill: circle.getAttribute("fill") };
  }

  const chart = draw(dots([[1, -1, 0.25]]));

  it("gives a value a quarter of the area of one four times as large", () => {
    expect(dot(chart, "0.25").r ** 2 / dot(chart, "1").r ** 2).toBeCloseTo(1 / 4, 6);
  });

  it("draws -1 as large as 1, in the negative colour", () => {
    expect(dot(chart, "-1").r).toBeCloseTo(dot(chart, "1").r, 6);
    expect(dot(chart, "-1").fill).toBe(NEGATIVE_DOT_COLOR);
    expect(dot(chart, "1").fill).not.toBe(NEGATIVE_DOT_COLOR);
  });
});
