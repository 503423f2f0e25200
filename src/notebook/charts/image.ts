/**
 * `image`: a picture, drawn as one PNG `<image>` (so a 32 x 32 RGB picture is
 * one element, not 1,024 rects), with pixel axes, an optional patch grid and
 * outlined patches. Pictures larger than the chart can show are sampled.
 */
import * as Plot from "@observablehq/plot";
import type { PlotLabels } from "../protocol";
import type { ChartKind, Of } from "./kind";
import { checkCount, checkFinite, checkOptions, defined, labelsOf, tagPlot } from "./spec";
import { extent, integerTicks } from "./layout";
import { linearBox, rasterMark } from "./raster";
import { el } from "../render/dom";
import { describe, isTensorLike, shapeText } from "../engine/tensor-like";

/** Longest side drawn pixel for pixel; larger pictures keep every `step`-th pixel (with a note). */
export const MAX_IMAGE_SIDE = 512;

/**
 * Largest maximum that is still read as intensities rather than bytes: a
 * picture of bytes (0..255) almost always has a pixel brighter than 5, and
 * an intensity image scaled by a small factor (e.g. [0, 3]) never has.
 */
export const BYTE_THRESHOLD = 5;

/** Options of `image`. */
export interface ImageOptions extends PlotLabels {
  /** Draws the lines of a patch grid every `grid` pixels (the patch size). */
  grid?: number;
  /** Patch indices (row-major over the grid) to outline. */
  highlight?: number[];
}

/**
 * An image: `[C, H, W]` with C = 1 or 3, `[H, W]` (gray), or `[H, W, 3]`.
 *
 * How values become intensities (one rule for the whole image, see
 * `normaliseIntensities`):
 * - all in [0, 1]: drawn as they are (0 black, 1 full);
 * - all in [0, 5]: divided by the largest value, so the brightest pixel is full;
 * - all in [0, 255] with a maximum above 5: bytes, divided by 255;
 * - anything else (negative values, above 255): stretched from min to max.
 *
 * `width`/`height` size the chart (in CSS pixels), not the picture.
 * @example image(img, { grid: 8, title: "img {shape} cut into 8 x 8 patches" })
 */
export function image(img: unknown, options: ImageOptions = {}): Of<"image"> {
  checkOptions("image", options, ["grid", "highlight"]);
  if (!isTensorLike(img)) throw new Error(`image: expected a Tensor [C, H, W] or [H, W], got ${describe(img)}`);
  checkCount("image", img.data.length);
  const shape = img.shape.length === 4 && img.shape[0] === 1 ? img.shape.slice(1) : img.shape;
  let channels: 1 | 3;
  let imageHeight: number;
  let imageWidth: number;
  let values = Array.from(img.data, Number);
  if (shape.length === 2) {
    [imageHeight, imageWidth] = shape;
    channels = 1;
  } else if (shape.length === 3 && (shape[0] === 1 || shape[0] === 3)) {
    [channels, imageHeight, imageWidth] = shape as [1 | 3, number, number];
  } else if (shape.length === 3 && shape[2] === 3) {
    [imageHeight, imageWidth] = shape;
    channels = 3;
    values = hwcToChw(values, imageHeight, imageWidth);
  } else {
    throw new Error(`image: expected shape [C, H, W] with C = 1 or 3, [H, W] or [H, W, 3], got ${shapeText(img.shape)}`);
  }
  if (imageHeight * imageWidth === 0) throw new Error(`image: nothing to draw in a picture of shape ${shapeText(img.shape)}`);
  checkFinite("image", values, (i) => `value ${i} (channel ${Math.floor(i / (imageHeight * imageWidth))})`);
  const { grid, highlight } = options;
  if (grid !== undefined && (!Number.isInteger(grid) || grid <= 0 || imageHeight % grid || imageWidth % grid)) {
    throw new Error(`image: grid ${grid} must divide the image size ${imageHeight} x ${imageWidth}`);
  }
  if (highlight !== undefined) {
    const count = grid ? (imageHeight / grid) * (imageWidth / grid) : 0;
    if (!grid) throw new Error("image: highlight outlines patches of the grid; pass grid too, e.g. { grid: 8, highlight: [0] }");
    if (!Array.isArray(highlight) || highlight.some((k) => !Number.isInteger(k) || k < 0 || k >= count)) {
      throw new Error(`image: highlight must list patch indices from 0 to ${count - 1}, got ${JSON.stringify(highlight)}`);
    }
  }
  const sampled = sample(values, channels, imageHeight, imageWidth);
  return tagPlot({
    mark: "image",
    imageHeight: sampled.height,
    imageWidth: sampled.width,
    channels,
    values: sampled.values,
    ...defined({ grid: grid && grid / sampled.step, highlight, ...(sampled.step > 1 ? { step: sampled.step, source: [imageHeight, imageWidth] as [number, number] } : {}) }),
    ...labelsOf({ title: `image {shape}`, ...options }, img.shape),
  });
}

/** Keeps every `step`-th pixel so neither side exceeds MAX_IMAGE_SIDE. */
function sample(values: number[], channels: number, height: number, width: number): { values: number[]; height: number; width: number; step: number } {
  const step = Math.ceil(Math.max(height, width) / MAX_IMAGE_SIDE);
  if (step === 1) return { values, height, width, step };
  const h = Math.ceil(height / step);
  const w = Math.ceil(width / step);
  const out: number[] = [];
  for (let c = 0; c < channels; c++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.push(values[c * height * width + y * step * width + x * step]);
  return { values: out, height: h, width: w, step };
}

function hwcToChw(values: number[], height: number, width: number): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < height * width; i++) for (let c = 0; c < 3; c++) out[c * height * width + i] = values[i * 3 + c];
  return out;
}

/**
 * Maps an image's raw values to [0, 1], with one rule for the whole image
 * (documented for readers on `image()`):
 * - all in [0, 1]: as they are;
 * - all in [0, BYTE_THRESHOLD]: divided by the maximum (brightest pixel = 1);
 * - all in [0, 255] with a maximum above BYTE_THRESHOLD: bytes, divided by 255;
 * - otherwise (negative values, or above 255): stretched from min to max.
 */
export function normaliseIntensities(values: number[]): (v: number) => number {
  const { offset, scale } = intensityRule(values);
  return (v) => (v - offset) / scale;
}

/** The rule of `normaliseIntensities` as intensity = (v - offset) / scale. */
export function intensityRule(values: number[]): { offset: number; scale: number } {
  const [lo, hi] = extent(values);
  if (lo >= 0 && hi <= 1) return { offset: 0, scale: 1 };
  if (lo >= 0 && hi <= BYTE_THRESHOLD) return { offset: 0, scale: hi };
  if (lo >= 0 && hi <= 255) return { offset: 0, scale: 255 };
  return { offset: lo, scale: hi - lo || 1 };
}

/** The byte (0..255) of a raw value under `scale`. */
export function toByte(scale: (v: number) => number, v: number): number {
  return Math.round(Math.min(1, Math.max(0, scale(v))) * 255);
}

/**
 * The chart size that draws a picture `wide` x `high` (in picture units) with
 * square pixels: a given `width` or `height` wins and the other follows the
 * aspect ratio; `margins` is the room [left + right, top + bottom] around it.
 */
export function pictureSize(
  spec: { width?: number; height?: number },
  wide: number,
  high: number,
  defaultWidth: number,
  [marginX, marginY]: [number, number],
): { width: number; height: number } {
  const width = spec.width ?? (spec.height !== undefined ? Math.round(((spec.height - marginY) * wide) / high) + marginX : defaultWidth);
  const height = spec.height ?? Math.round(((width - marginX) * high) / wide) + marginY;
  return { width, height };
}

/** [H, W, 3] bytes of a planar [C, H, W] picture (gray repeated in all three). */
function rgbBytes(values: number[], channels: 1 | 3, height: number, width: number): Uint8Array {
  const scale = normaliseIntensities(values);
  const plane = height * width;
  const out = new Uint8Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = toByte(scale, values[(channels === 3 ? c : 0) * plane + i]);
  }
  return out;
}

function render(spec: Of<"image">, doc: Document): Element {
  const { imageHeight: high, imageWidth: wide } = spec;
  // Margins: 40 left + 20 right, 20 top + 30 bottom.
  const side = Math.min(320, Math.max(160, wide * 4));
  const size = pictureSize(spec, wide, high, side + 60, [60, 50]);
  const step = spec.step ?? 1;
  const marks: Plot.Markish[] = [
    rasterMark(
      { kind: "rgb", width: wide, height: high, data: rgbBytes(spec.values, spec.channels, high, wide) },
      { kind: "pixel", rows: high, cols: wide, channels: spec.channels, values: spec.values, bytes: intensityRule(spec.values) },
      (scales) => linearBox(scales, wide, high),
    ),
  ];
  if (spec.grid) {
    const g = spec.grid;
    marks.push(Plot.ruleX(Array.from({ length: wide / g + 1 }, (_, i) => i * g), { stroke: "white", strokeWidth: 1 }));
    marks.push(Plot.ruleY(Array.from({ length: high / g + 1 }, (_, i) => i * g), { stroke: "white", strokeWidth: 1 }));
    const perRow = wide / g;
    const outlined = (spec.highlight ?? []).map((k) => ({ x: (k % perRow) * g, y: Math.floor(k / perRow) * g }));
    marks.push(Plot.rect(outlined, { x1: "x", x2: (d: { x: number }) => d.x + g, y1: "y", y2: (d: { y: number }) => d.y + g, stroke: "orange", strokeWidth: 3, fill: "none" }));
  }
  const chart = Plot.plot({
    document: doc,
    title: spec.title,
    subtitle: spec.subtitle,
    ...size,
    marginLeft: 40,
    x: { domain: [0, wide], label: spec.x ?? `x (${wide * step} px)`, ticks: integerTicks(0, wide, size.width - 60, 32), tickFormat: (v: number) => String(v * step) },
    y: { domain: [0, high], reverse: true, label: spec.y ?? `y (${high * step} px)`, ticks: integerTicks(0, high, size.height - 50, 24), tickFormat: (v: number) => String(v * step) },
    marks,
  });
  if (!spec.step) return chart;
  const note = el(doc, "p", { class: "nb-plot-note", text: `Sampled from ${shapeText(spec.source!)}: every ${spec.step}th pixel is shown.` });
  return el(doc, "div", { class: "nb-plot-stack" }, [chart, note]);
}

export const imageKind: ChartKind<"image"> = {
  mark: "image",
  build: image,
  render,
  describe: (spec) => `image of ${spec.imageHeight} × ${spec.imageWidth} pixels`,
};
