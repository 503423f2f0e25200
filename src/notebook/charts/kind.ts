/**
 * What every chart kind provides, in one module per kind (`heatmap.ts`,
 * `bar.ts`, ...), registered in `index.ts`: the helper cells call (builds and
 * checks a `PlotSpec`), the renderer that draws it with Observable Plot into
 * any `Document` (the page's, or linkedom's at build time), and a one-line
 * description for screen readers.
 */
import type { PlotSpec } from "../protocol";

/** The spec of one chart kind. */
export type Of<M extends PlotSpec["mark"]> = Extract<PlotSpec, { mark: M }>;

/** How a renderer draws nested charts (only `row` needs it). */
export type DrawChart = (spec: PlotSpec, doc: Document) => Element;

/** One chart kind. */
export interface ChartKind<M extends PlotSpec["mark"]> {
  mark: M;
  /** The helper of the `"notebook"` module (e.g. `heatmap`); throws a clear Error for bad input. */
  build: (...args: never[]) => Of<M>;
  /** Draws a spec built by `build`. */
  render: (spec: Of<M>, doc: Document, draw: DrawChart) => Element;
  /** What the chart shows, for screen readers ("heatmap of 4 × 4 values"). */
  describe: (spec: Of<M>) => string;
}
