/**
 * The registry of chart kinds: one module per kind, each with its helper
 * (spec builder and validation), its renderer and its description. Adding a
 * kind is one file plus one line here and one spec type in protocol.ts (see
 * docs/charts.md); the registry's type makes a missing kind a compile error.
 */
import type { PlotSpec } from "../protocol";
import type { ChartKind } from "./kind";
import { heatmapKind } from "./heatmap";
import { dotsKind } from "./dots";
import { imageKind } from "./image";
import { patchesKind } from "./patches";
import { lineKind } from "./line";
import { barKind } from "./bar";
import { scatterKind } from "./scatter";
import { graphKind } from "./graph";
import { rowKind } from "./row";

/** Every chart kind, by its spec's `mark`. */
export const CHARTS: { [M in PlotSpec["mark"]]: ChartKind<M> } = {
  heatmap: heatmapKind,
  dots: dotsKind,
  image: imageKind,
  patches: patchesKind,
  line: lineKind,
  bar: barKind,
  scatter: scatterKind,
  graph: graphKind,
  row: rowKind,
};

export { heatmap } from "./heatmap";
export { dots } from "./dots";
export { image } from "./image";
export { patches } from "./patches";
export { line } from "./line";
export { bar } from "./bar";
export { scatter } from "./scatter";
export { graph } from "./graph";
export { row } from "./row";
export type { HeatmapOptions } from "./heatmap";
export type { ImageOptions } from "./image";
export type { PatchesOptions } from "./patches";
export type { LineOptions, LineSeries } from "./line";
export type { BarOptions } from "./bar";
export type { ScatterPoint } from "./scatter";
export type { RowOptions } from "./row";
