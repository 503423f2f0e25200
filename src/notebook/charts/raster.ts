/**
 * Dense data as one picture: a grid of colours becomes a PNG (png.ts) drawn
 * as a single `<image>` inside the chart's SVG, over the same scales, axes
 * and legend a cell-by-cell chart would have. A [512, 512] heatmap is then a
 * few dozen elements instead of 262,144 rects, in the page and in the build.
 */
import { encodePng, pngDataUrl, type PngPixels } from "./png";
import { MAX_PICTURE_TIP_VALUES, MAX_TIP_VALUES, type GridTip, type PointTips } from "./tips";

/** Where the picture goes, in the chart's SVG coordinates. */
export interface RasterBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Plot's scales as a custom mark receives them (only what we use). */
type Scales = { x?: ((v: unknown) => number) & { bandwidth?: () => number }; y?: ((v: unknown) => number) & { bandwidth?: () => number } };

/** The chart's size and margins, as Plot gives them to a custom mark. */
export interface Dimensions {
  width: number;
  height: number;
  marginTop: number;
  marginRight: number;
  marginBottom: number;
  marginLeft: number;
}

/** The box covering bands 0..cols-1 and 0..rows-1 of band scales. */
export function bandBox(scales: Scales, rows: number, cols: number): RasterBox {
  const x = scales.x!(0);
  const y = scales.y!(0);
  return { x, y, width: scales.x!(cols - 1) + scales.x!.bandwidth!() - x, height: scales.y!(rows - 1) + scales.y!.bandwidth!() - y };
}

/** The box covering [0, wide] x [0, high] of continuous scales (y reversed: 0 at the top). */
export function linearBox(scales: Scales, wide: number, high: number): RasterBox {
  const x = scales.x!(0);
  const y = scales.y!(0);
  return { x, y, width: scales.x!(wide) - x, height: scales.y!(high) - y };
}

/**
 * A Plot mark (a render function) drawing `pixels` as one `<image>` in the
 * box `place` computes from the scales, with `tip` for the page's tooltip.
 */
export function rasterMark(pixels: PngPixels, tip: GridTip | null, place: (scales: Scales, dimensions: Dimensions) => RasterBox) {
  const href = pngDataUrl(encodePng(pixels));
  return (_index: unknown, scales: Scales, _values: unknown, dimensions: Dimensions, context: { document: Document }): SVGElement => {
    const box = place(scales, dimensions);
    const image = context.document.createElementNS("http://www.w3.org/2000/svg", "image") as SVGElement;
    image.setAttribute("class", "nb-raster");
    for (const [name, value] of Object.entries(box)) image.setAttribute(name, String(round(value)));
    image.setAttribute("preserveAspectRatio", "none");
    image.setAttribute("href", href);
    // Browsers smooth a scaled-up picture; cells must stay sharp squares.
    image.setAttribute("style", "image-rendering:pixelated");
    if (!tip) return image;
    // The tooltip's data: in the HTML when small enough, otherwise on the element only (a page render).
    const values = tip.values ?? [];
    if (tip.bytes && values.length > MAX_PICTURE_TIP_VALUES) {
      // A large picture: the page reads its values back from the PNG (to within 1/255 of its range).
      image.setAttribute("data-grid", JSON.stringify({ ...tip, values: undefined }));
    } else if (values.length <= MAX_TIP_VALUES) {
      image.setAttribute("data-grid", JSON.stringify({ ...tip, values: values.map(compact) }));
    }
    (image as unknown as { gridTip?: GridTip }).gridTip = tip;
    return image;
  };
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

/** 4 significant digits: what the tooltip prints, and a shorter page. */
function compact(v: number): number {
  return Number.isInteger(v) ? v : Number(v.toPrecision(4));
}

/**
 * A Plot mark that draws nothing visible but records every point's position
 * and tooltip (`data-points` on an empty group), so the page can show the
 * nearest point's exact value without one element per point.
 */
export function pointTipsMark<T>(data: T[], x: (d: T) => number, y: (d: T) => number, text: (d: T) => string) {
  return (_index: unknown, scales: { x?: (v: number) => number; y?: (v: number) => number }, _values: unknown, _dimensions: unknown, context: { document: Document }): SVGElement => {
    const group = context.document.createElementNS("http://www.w3.org/2000/svg", "g") as SVGElement;
    group.setAttribute("class", "nb-points");
    const points: PointTips = data.map((d) => [round(scales.x!(x(d))), round(scales.y!(y(d))), text(d)]);
    group.setAttribute("data-points", JSON.stringify(points));
    return group;
  };
}
