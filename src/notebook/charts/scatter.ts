/** `scatter`: points in the plane (e.g. embeddings projected to 2-D), optionally labelled and grouped. */
import * as Plot from "@observablehq/plot";
import type { PlotLabels } from "../protocol";
import type { ChartKind, Of } from "./kind";
import { checkCount, checkFinite, checkOptions, defined, labelsOf, readMatrix, tagPlot } from "./spec";
import { formatNumber } from "./tips";
import { shapeText } from "../engine/tensor-like";

/** Most points drawn (each is a circle in the page). */
export const MAX_POINTS = 10000;

/** A point of `scatter`. */
export interface ScatterPoint {
  x: number;
  y: number;
  label?: string;
  group?: string;
}

/**
 * Scatter plot, e.g. embeddings projected to 2-D.
 * @param points `[{ x, y, label?, group? }]`, or a `[n, 2]` tensor / number pairs
 * @example scatter(embedding2d, { labels: vocab, title: "token embeddings {shape}" })
 */
export function scatter(points: unknown, options: PlotLabels & { labels?: string[]; groups?: string[] } = {}): Of<"scatter"> {
  checkOptions("scatter", options, ["labels", "groups"]);
  let list: ScatterPoint[];
  if (Array.isArray(points) && points.length > 0 && points.every((p) => typeof p === "object" && p !== null && "x" in p && "y" in p)) {
    checkCount("scatter", points.length * 2);
    list = points.map(({ x, y, label, group }) => ({ x: Number(x), y: Number(y), ...defined({ label, group }) }));
    checkFinite("scatter", list.flatMap((p) => [p.x, p.y]), (i) => `point ${Math.floor(i / 2)}`);
  } else {
    const { rows, cols, values } = readMatrix(points, "scatter");
    if (cols !== 2) throw new Error(`scatter: needs points of 2 coordinates ([n, 2]), got ${shapeText([rows, cols])}`);
    list = Array.from({ length: rows }, (_, i) => ({ x: values[2 * i], y: values[2 * i + 1] }));
  }
  if (list.length > MAX_POINTS) throw new Error(`scatter: ${list.length} points are more than can be drawn (at most ${MAX_POINTS}); plot a sample`);
  for (const name of ["labels", "groups"] as const) {
    const given = options[name];
    if (given !== undefined && (!Array.isArray(given) || given.length !== list.length)) {
      throw new Error(`scatter: ${name} must have one entry per point (${list.length}), got ${Array.isArray(given) ? given.length : typeof given}`);
    }
  }
  list = list.map((p, i) => ({
    ...p,
    ...defined({ label: options.labels?.[i] ?? p.label, group: options.groups?.[i] ?? p.group }),
  }));
  return tagPlot({ mark: "scatter", points: list, ...labelsOf({ title: `${list.length} points`, ...options }, [list.length, 2]) });
}

function render(spec: Of<"scatter">, doc: Document): Element {
  const grouped = spec.points.some((p) => p.group !== undefined);
  const labelled = spec.points.some((p) => p.label !== undefined) && spec.points.length <= 60;
  type P = (typeof spec.points)[number];
  return Plot.plot({
    document: doc,
    title: spec.title,
    subtitle: spec.subtitle,
    width: spec.width ?? 480,
    height: spec.height ?? 400,
    grid: true,
    inset: 10,
    x: { label: spec.x ?? "x" },
    y: { label: spec.y ?? "y" },
    color: grouped ? { legend: true } : undefined,
    marks: [
      Plot.dot(spec.points, {
        x: "x",
        y: "y",
        fill: grouped ? "group" : "currentColor",
        r: 3,
        title: (p: P) => `${p.label ?? ""}${p.label ? " " : ""}(${formatNumber(p.x)}, ${formatNumber(p.y)})`,
      }),
      labelled ? Plot.text(spec.points, { x: "x", y: "y", text: "label", dy: -8, fontSize: 11 }) : null,
    ],
  });
}

export const scatterKind: ChartKind<"scatter"> = {
  mark: "scatter",
  build: scatter,
  render,
  describe: (spec) => `scatter plot of ${spec.points.length} points`,
};
