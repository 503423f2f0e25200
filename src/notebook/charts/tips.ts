/**
 * Exact values on hover, focus and touch. Vector marks carry their text in a
 * `data-tip` attribute; a raster (one `<image>` for a whole grid) carries a
 * `GridTip` in `data-grid`, from which the page computes the text of the cell
 * under the pointer. The page script (render/tooltip.ts) shows either in one
 * small tooltip. This module has no dependencies so that script stays tiny.
 */

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
  values: number[];
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

/** Rasters with more values than this keep their tip on the element only (not in the HTML). */
export const MAX_TIP_VALUES = 65536;

/** A number as readers expect it: integers whole, others to 4 significant digits. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/** The tooltip of cell (row, col) of a raster, or null for a gap between patches. */
export function gridTipText(tip: GridTip, row: number, col: number): string | null {
  if (row < 0 || col < 0 || row >= tip.rows || col >= tip.cols) return null;
  const channels = tip.channels ?? 1;
  if (tip.kind === "cell") {
    const value = formatNumber(tip.values[row * tip.cols + col]);
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
    const raw = Array.from({ length: channels }, (_, c) => formatNumber(tip.values[c * plane + at])).join(", ");
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
  const raw = Array.from({ length: channels }, (_, c) => formatNumber(tip.values[k * per + c * size * size + i * size + j])).join(", ");
  return `patch ${k}, pixel (${i}, ${j}): ${raw}`;
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
