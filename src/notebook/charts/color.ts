/**
 * Colour scales of heatmaps. Signed data gets a diverging scale centred on 0
 * by default (white is 0, red and blue the two signs), so a reader never
 * mistakes "small" for "negative"; other data gets viridis over its range.
 */
import * as Plot from "@observablehq/plot";
import { closest } from "./spec";
import { extent } from "./layout";

/** Continuous colour schemes Observable Plot knows (lower case). */
export const SEQUENTIAL_SCHEMES = [
  "viridis", "magma", "inferno", "plasma", "cividis", "turbo", "cubehelix", "warm", "cool",
  "blues", "greens", "greys", "oranges", "purples", "reds",
  "bugn", "bupu", "gnbu", "orrd", "pubu", "pubugn", "purd", "rdpu", "ylgn", "ylgnbu", "ylorbr", "ylorrd",
] as const;
export const DIVERGING_SCHEMES = ["rdbu", "burd", "brbg", "prgn", "piyg", "puor", "rdgy", "rdylbu", "rdylgn", "spectral", "buylrd"] as const;
const SCHEMES: readonly string[] = [...SEQUENTIAL_SCHEMES, ...DIVERGING_SCHEMES];

/** Throws for a scheme Plot does not know (e.g. "Viridis " with a space), suggesting the nearest. */
export function checkScheme(helper: string, scheme: unknown): void {
  if (scheme === undefined) return;
  if (typeof scheme !== "string" || !SCHEMES.includes(scheme.toLowerCase())) {
    const near = typeof scheme === "string" ? closest(scheme, SCHEMES) : undefined;
    throw new Error(
      `${helper}: unknown colour scheme ${JSON.stringify(scheme)}${near ? `; did you mean "${near}"?` : ""} (known: ${SCHEMES.join(", ")})`,
    );
  }
}

/** The colour scale of a heatmap: its domain, scheme, and whether it is centred on 0. */
export interface HeatmapColor {
  domain: [number, number];
  scheme: string;
  diverging: boolean;
}

/**
 * Diverging (symmetric around 0) when asked, or by default when the values
 * (or the given domain) have both signs; sequential viridis otherwise.
 */
export function heatmapColor(spec: { values: number[]; scheme?: string; domain?: [number, number]; diverging?: boolean }): HeatmapColor {
  const data = spec.domain ?? extent(spec.values);
  const signed = data[0] < 0 && data[1] > 0;
  const diverging = spec.diverging ?? (signed && !(spec.scheme && !isDiverging(spec.scheme)));
  if (diverging) {
    const m = Math.max(1e-9, Math.abs(data[0]), Math.abs(data[1]));
    return { domain: [-m, m], scheme: (spec.scheme ?? "rdbu").toLowerCase(), diverging };
  }
  return { domain: data, scheme: (spec.scheme ?? "viridis").toLowerCase(), diverging };
}

function isDiverging(scheme: string): boolean {
  return (DIVERGING_SCHEMES as readonly string[]).includes(scheme.toLowerCase());
}

/** Plot's options for the colour scale. */
export function plotColor(color: HeatmapColor): Plot.ScaleOptions {
  return { type: "linear", scheme: color.scheme as Plot.ColorScheme, domain: color.domain };
}

/** 256 colours along the scale, as [256, 3] bytes (a PNG palette), and the index of a value. */
export function palette(color: HeatmapColor): { bytes: Uint8Array; index: (v: number) => number } {
  const scale = Plot.scale({ color: plotColor(color) });
  const [lo, hi] = color.domain;
  const bytes = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) bytes.set(parseColor(String(scale.apply(lo + ((hi - lo) * i) / 255))), i * 3);
  const span = hi - lo || 1;
  return { bytes, index: (v) => Math.max(0, Math.min(255, Math.round(((v - lo) / span) * 255))) };
}

/** "rgb(1, 2, 3)" or "#010203" -> [1, 2, 3]. */
export function parseColor(css: string): [number, number, number] {
  const rgb = /rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/.exec(css);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(css);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  return [0, 0, 0];
}

/**
 * Whether text on a cell of this colour should be black (light cells) or
 * white (dark cells), from the colour's relative luminance.
 */
export function inkOn([r, g, b]: [number, number, number]): "black" | "white" {
  const luminance = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  return luminance > 0.5 ? "black" : "white";
}
