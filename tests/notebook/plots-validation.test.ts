/**
 * Bad input fails in the reader's cell with an Error that says what is wrong
 * (the cell shows it; the output area and the page are untouched): unknown
 * options, unknown colour schemes, NaN and Infinity, absurd sizes, wrong shapes.
 */
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { renderPlot } from "../../src/notebook/render/plot";
import { bar, dots, graph, heatmap, image, line, patches, row, scatter } from "../../src/notebook/charts/index";
import { MAX_VALUES } from "../../src/notebook/charts/spec";
import { tensor } from "../../src/lib/index";

/** A tensor-like of `length` values that allocates nothing (a sparse array). */
function huge(shape: number[]) {
  return { shape, data: new Array<number>(shape.reduce((a, b) => a * b, 1)) };
}

describe("options", () => {
  it("names an unknown option and suggests the nearest one", () => {
    expect(() => heatmap([[1]], { titel: "x" } as never)).toThrow(/heatmap: unknown option "titel"; did you mean "title"\?/);
    expect(() => bar(["a"], [1], { domain: [0, 1] } as never)).toThrow(/bar: unknown option "domain"/);
    expect(() => line([1, 2], { logy: true } as never)).toThrow(/did you mean "logY"/);
  });

  it("rejects options that are not an object", () => {
    expect(() => heatmap([[1]], "title" as never)).toThrow(/heatmap: options must be an object/);
  });

  it("checks the types of label options", () => {
    expect(() => heatmap([[1]], { title: 3 } as never)).toThrow(/title must be a string/);
    expect(() => heatmap([[1]], { width: -5 })).toThrow(/width is the chart's size in CSS pixels/);
    expect(() => heatmap([[1]], { height: Number.NaN })).toThrow(/height/);
  });

  it("rejects a colour scheme Plot does not know, such as one with a stray space", () => {
    expect(() => heatmap([[1, 2]], { scheme: "Viridis " })).toThrow(/unknown colour scheme "Viridis "; did you mean "viridis"\?/);
    expect(() => heatmap([[1, 2]], { scheme: "rainbow-ish" })).toThrow(/unknown colour scheme/);
    expect(heatmap([[1, 2]], { scheme: "Blues" }).scheme).toBe("Blues");
  });

  it("checks domains", () => {
    expect(() => heatmap([[1, 2]], { domain: [1, 0] })).toThrow(/domain must be \[low, high\] with low < high/);
    expect(() => bar(["a"], [1], { yDomain: [0, Infinity] })).toThrow(/yDomain/);
  });

  it("checks row's share", () => {
    expect(() => row(bar(["a"], [1]), { share: "x" } as never)).toThrow(/row: share must be "color"/);
    expect(() => row(bar(["a"], [1]), 3 as never)).toThrow(/row: argument 2 is not a chart/);
  });
});

describe("values", () => {
  it("names where a NaN or an Infinity is", () => {
    expect(() => heatmap([[1, 2], [Number.NaN, 4]])).toThrow(/heatmap: NaN at row 1, column 0; charts need finite numbers/);
    expect(() => bar(["a", "b"], [1, Infinity])).toThrow(/bar: Infinity at bar 1/);
    expect(() => line({ loss: [1, -Infinity] })).toThrow(/line: -Infinity at series "loss", point 1/);
    expect(() => image(tensor([[0, Number.NaN]]))).toThrow(/image: NaN/);
    expect(() => scatter([{ x: 1, y: Number.NaN }])).toThrow(/scatter: NaN at point 0/);
    expect(() => dots([[Number.NaN]])).toThrow(/dots: NaN/);
    expect(() => graph([[0, Number.NaN], [1, 0]])).toThrow(/graph: NaN/);
    expect(() => patches(tensor([[Number.NaN, 0, 0, 0]]), { patchSize: 2, channels: 1 })).toThrow(/patches: NaN/);
  });

  it("refuses a [1e8]-long row before copying it", () => {
    const pattern = new RegExp(`100,000,000 values are more than a chart can show \\(at most ${MAX_VALUES.toLocaleString("en-US")}\\)`);
    expect(() => heatmap(huge([1e8]))).toThrow(pattern);
    expect(() => line(huge([1e8]))).toThrow(pattern);
    expect(() => bar([], huge([1e8]))).toThrow(pattern);
    expect(() => image(huge([1e4, 1e4]))).toThrow(pattern);
  });

  it("refuses empty data", () => {
    expect(() => heatmap(tensor([], [0, 3]))).toThrow(/heatmap: nothing to draw/);
    expect(() => bar([], [])).toThrow(/bar: nothing to draw/);
  });

  it("draws an empty line chart as a frame that says it waits for points (a live chart starts empty)", () => {
    const spec = line([{ name: "loss", x: [], y: [] }, { name: "accuracy", x: [], y: [] }], { x: "step" });
    const { document } = parseHTML("<!doctype html><html><body></body></html>");
    const node = renderPlot(spec, document as unknown as Document);
    expect(node.textContent).toContain("No points yet");
    expect(node.querySelector("svg")).not.toBeNull();
  });

  it("refuses more marks than can be read, pointing to the chart that can", () => {
    expect(() => dots(tensor(new Array(100 * 100).fill(0), [100, 100]))).toThrow(/use heatmap\(\.\.\.\) for a matrix this size/);
    expect(() => bar(Array.from({ length: 2000 }, String), new Array(2000).fill(1))).toThrow(/use line\(\.\.\.\)/);
  });

  it("checks tick labels and highlights", () => {
    expect(() => heatmap([[1, 2]], { xTicks: ["a"] })).toThrow(/1 xTicks for 2 columns/);
    expect(() => image(tensor([[0, 1], [1, 0]]), { highlight: [0] })).toThrow(/pass grid too/);
    expect(() => image(tensor([[0, 1], [1, 0]]), { grid: 1, highlight: [9] })).toThrow(/patch indices from 0 to 3/);
  });
});
