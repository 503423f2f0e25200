/**
 * `patches`: the rows of `patchify`'s output drawn as tiles with gaps, in
 * order, as one PNG `<image>` (the gaps are transparent). Intensities follow
 * the same rule as `image`, over all patches at once.
 */
import * as Plot from "@observablehq/plot";
import type { PlotLabels } from "../protocol";
import type { ChartKind, Of } from "./kind";
import { checkOptions, defined, labelsOf, readMatrix, tagPlot } from "./spec";
import { MAX_WIDTH } from "./layout";
import { linearBox, rasterMark } from "./raster";
import { intensityRule, normaliseIntensities, pictureSize, toByte } from "./image";
import { shapeText } from "../engine/tensor-like";

/** Most tiles drawn; more patches than this is a mistake (use a heatmap of the patch matrix). */
export const MAX_PATCHES = 4096;

/** Options of `patches`. */
export interface PatchesOptions extends PlotLabels {
  /** Side of a patch in pixels. */
  patchSize: number;
  /** 1 (gray) or 3 (RGB). */
  channels: 1 | 3;
  /** Tiles per row (default: as square as possible). */
  columns?: number;
}

/**
 * The rows of `patchify`'s output drawn as small tiles with gaps, in order.
 * `width`/`height` size the chart; `columns` is the number of tiles per row.
 * @param patches `[N, C·p·p]`, each row laid out as `[C, p, p]`
 * @example patches(patchify(img, 8), { patchSize: 8, channels: 3 })
 */
export function patches(patchRows: unknown, options: PatchesOptions): Of<"patches"> {
  checkOptions("patches", options, ["patchSize", "channels", "columns"]);
  const { patchSize, channels, columns } = options ?? ({} as PatchesOptions);
  if (!Number.isInteger(patchSize) || patchSize <= 0 || (channels !== 1 && channels !== 3)) {
    throw new Error("patches: pass { patchSize, channels }, e.g. patches(p, { patchSize: 8, channels: 3 })");
  }
  const { rows, cols, values } = readMatrix(patchRows, "patches");
  if (cols !== channels * patchSize * patchSize) {
    throw new Error(
      `patches: each row must hold channels · patchSize² = ${channels} · ${patchSize}² = ${channels * patchSize * patchSize} values, got ${cols} (shape ${shapeText([rows, cols])})`,
    );
  }
  if (rows === 0 || rows > MAX_PATCHES) throw new Error(`patches: needs 1 to ${MAX_PATCHES} patches, got ${rows}`);
  if (columns !== undefined && (!Number.isInteger(columns) || columns <= 0)) throw new Error(`patches: columns must be a positive whole number, got ${columns}`);
  return tagPlot({
    mark: "patches",
    patches: rows,
    channels,
    patchSize,
    values,
    ...defined({ columns }),
    ...labelsOf({ title: `${rows} patches of ${patchSize} x ${patchSize}`, ...options }, [rows, cols]),
  });
}

function render(spec: Of<"patches">, doc: Document): Element {
  const p = spec.patchSize;
  const columns = spec.columns ?? Math.ceil(Math.sqrt(spec.patches));
  const rows = Math.ceil(spec.patches / columns);
  const gap = Math.max(1, Math.round(p / 4));
  const wide = columns * (p + gap) - gap;
  const high = rows * (p + gap) - gap;
  const scale = normaliseIntensities(spec.values);
  const perPatch = spec.channels * p * p;
  // [high, wide, 4]: transparent gaps, so the page's background shows between tiles in either theme.
  const rgba = new Uint8Array(wide * high * 4);
  for (let k = 0; k < spec.patches; k++) {
    const left = (k % columns) * (p + gap);
    const top = Math.floor(k / columns) * (p + gap);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        const at = ((top + i) * wide + left + j) * 4;
        for (let c = 0; c < 3; c++) rgba[at + c] = toByte(scale, spec.values[k * perPatch + (spec.channels === 3 ? c : 0) * p * p + i * p + j]);
        rgba[at + 3] = 255;
      }
    }
  }
  // `margin: 10` on every side.
  const size = pictureSize(spec, wide, high, Math.min(MAX_WIDTH, Math.max(160, columns * 48)), [20, 20]);
  return Plot.plot({
    document: doc,
    title: spec.title,
    subtitle: spec.subtitle,
    ...size,
    margin: 10,
    x: { domain: [0, wide], axis: null },
    y: { domain: [0, high], reverse: true, axis: null },
    marks: [
      rasterMark(
        { kind: "rgba", width: wide, height: high, data: rgba },
        { kind: "patch", rows: high, cols: wide, channels: spec.channels, values: spec.values, bytes: intensityRule(spec.values), patch: { size: p, gap, columns, count: spec.patches } },
        (scales) => linearBox(scales, wide, high),
      ),
    ],
  });
}

export const patchesKind: ChartKind<"patches"> = {
  mark: "patches",
  build: patches,
  render,
  describe: (spec) => `${spec.patches} patches of ${spec.patchSize} × ${spec.patchSize} pixels`,
};
