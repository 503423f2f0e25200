/**
 * Exact values on hover, focus and touch. Vector marks carry their text in a
 * `data-tip` attribute; a raster (one `<image>` for a whole grid) carries a
 * `GridTip` in `data-grid`, from which the page computes the text of the cell
 * under the pointer. The page script (render/tooltip.ts) shows either in one
 * small tooltip. This module imports only render/dom.ts (which imports
 * nothing), so that script stays tiny.
 */
import { formatNumber } from "../render/dom";

export { formatNumber };

/** The data behind a raster, enough to name any cell and its exact value. */
export interface GridTip {
  /** Cells across and down the image. */
  rows: number;
  cols: number;
  /**
   * "cell": a heatmap, `values` is [rows, cols];
   * "pixel": an image, `values` is [channels, rows, cols];
   * "patch": tiles of patches, `values` is [count, channels · size²], laid out by `patch`.
   */
  kind: "cell" | "pixel" | "patch";
  /** Exact values; left out of large pictures' HTML, whose values are read back from their PNG (see `bytes`). */
  values?: number[];
  /**
   * For a picture without `values`: its bytes map back to values as
   * `offset + byte / 255 · scale` (the inverse of its intensity rule),
   * so the tooltip shows them to within 1/255 of the range, marked "≈".
   */
  bytes?: { offset: number; scale: number };
  channels?: number;
  /** Axis names and tick labels of a heatmap. */
  x?: string;
  y?: string;
  xTicks?: string[];
  yTicks?: string[];
  /** A downsampled heatmap: each cell is the mean of a block of [rows, cols] source cells. */
  block?: [number, number];
  /** Layout of "patch" tiles: side, gap between tiles (pixels), tiles per row, number of patches. */
  patch?: { size: number; gap: number; columns: number; count: number };
}

/** Rasters with more values than this keep their exact values on the element only (not in the HTML). */
export const MAX_TIP_VALUES = 65536;
/** Pictures (images, patches) with more values than this read their tooltips back from their PNG in the HTML. */
export const MAX_PICTURE_TIP_VALUES = 1024;


/**
 * The tooltip of cell (row, col) of a raster, or null for a gap between
 * patches. `pixels` (RGBA bytes of the picture) stands in for `values` when
 * the picture's HTML holds no exact values.
 */
export function gridTipText(tip: GridTip, row: number, col: number, pixels?: Uint8Array): string | null {
  if (row < 0 || col < 0 || row >= tip.rows || col >= tip.cols) return null;
  const channels = tip.channels ?? 1;
  const fromPicture = (c: number) => {
    const byte = pixels![(row * tip.cols + col) * 4 + c];
    return `≈${formatNumber(Number((tip.bytes!.offset + (byte / 255) * tip.bytes!.scale).toPrecision(3)))}`;
  };
  if (tip.kind === "cell") {
    const value = formatNumber(tip.values![row * tip.cols + col]);
    if (tip.block) {
      const [by, bx] = tip.block;
      const span = (i: number, b: number) => (b === 1 ? String(i * b) : `${i * b}–${i * b + b - 1}`);
      return `${tip.y ?? "row"} ${span(row, by)}, ${tip.x ?? "column"} ${span(col, bx)}: mean ${value}`;
    }
    return `${tip.y ?? "row"} ${tip.yTicks?.[row] ?? row}, ${tip.x ?? "column"} ${tip.xTicks?.[col] ?? col}: ${value}`;
  }
  if (tip.kind === "pixel") {
    const plane = tip.rows * tip.cols;
    const at = row * tip.cols + col;
    const raw = Array.from({ length: channels }, (_, c) => (tip.values ? formatNumber(tip.values[c * plane + at]) : pixels ? fromPicture(c) : "?")).join(", ");
    return `pixel (${row}, ${col}): ${raw}`;
  }
  const { size, gap, columns, count } = tip.patch!;
  const cellRow = Math.floor(row / (size + gap));
  const cellCol = Math.floor(col / (size + gap));
  const i = row - cellRow * (size + gap);
  const j = col - cellCol * (size + gap);
  const k = cellRow * columns + cellCol;
  if (i >= size || j >= size || cellCol >= columns || k >= count) return null;
  const per = channels * size * size;
  const raw = Array.from({ length: channels }, (_, c) =>
    tip.values ? formatNumber(tip.values[k * per + c * size * size + i * size + j]) : pixels ? fromPicture(c) : "?",
  ).join(", ");
  return `patch ${k}, pixel (${i}, ${j}): ${raw}`;
}

/**
 * The RGBA bytes of a PNG data URL written by charts/png.ts (8-bit RGB,
 * RGBA or palette, stored deflate blocks, no filters): enough to read a
 * picture's pixels back in the page without a canvas.
 */
export function readPicture(dataUrl: string): Uint8Array | null {
  const binary = atob(dataUrl.slice(dataUrl.indexOf(",") + 1));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  let at = 8;
  let width = 0;
  let height = 0;
  let type = 0;
  let palette = new Uint8Array(0);
  const parts: Uint8Array[] = [];
  while (at + 8 <= bytes.length) {
    const length = view.getUint32(at);
    const name = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (name === "IHDR") [width, height, type] = [view.getUint32(at + 8), view.getUint32(at + 12), data[9]];
    else if (name === "PLTE") palette = data;
    else if (name === "IDAT") parts.push(data);
    at += 12 + length;
  }
  const stream = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((offset, p) => (stream.set(p, offset), offset + p.length), 0);
  // zlib header, then stored blocks: [final/type byte, LEN (2 bytes), NLEN (2 bytes), data].
  const raw: number[] = [];
  for (let p = 2; p < stream.length - 4; ) {
    if ((stream[p] >> 1) & 3) return null; // a compressed block: not written by our encoder
    const length = stream[p + 1] | (stream[p + 2] << 8);
    for (let k = 0; k < length; k++) raw.push(stream[p + 5 + k]);
    const last = stream[p] & 1;
    p += 5 + length;
    if (last) break;
  }
  const per = type === 2 ? 3 : type === 6 ? 4 : 1;
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const src = y * (1 + width * per) + 1 + x * per;
      const rgb = per === 1 ? palette.subarray(raw[src] * 3, raw[src] * 3 + 3) : [raw[src], raw[src + 1], raw[src + 2]];
      out.set([rgb[0], rgb[1], rgb[2], per === 4 ? raw[src + 3] : 255], (y * width + x) * 4);
    }
  }
  return out;
}

/** Points of a line or scatter chart in the chart's SVG coordinates, each with its tooltip: `[x, y, text]`. */
export type PointTips = [number, number, string][];

/** The index of the point nearest to (x, y), by distance along x first (lines) or in the plane. */
export function nearestPoint(points: PointTips, x: number, y: number): number {
  let best = -1;
  let bestDistance = Infinity;
  for (let i = 0; i < points.length; i++) {
    const d = (points[i][0] - x) ** 2 + 0.25 * (points[i][1] - y) ** 2;
    if (d < bestDistance) [best, bestDistance] = [i, d];
  }
  return best;
}
