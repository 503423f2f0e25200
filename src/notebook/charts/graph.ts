/** `graph`: weights between n things as nodes on a circle and arrows as strong as the weights. */
import * as Plot from "@observablehq/plot";
import type { PlotLabels } from "../protocol";
import type { ChartKind, Of } from "./kind";
import { checkOptions, labelsOf, readMatrix, tagPlot } from "./spec";
import { formatNumber } from "./tips";
import { shapeText } from "../engine/tensor-like";

/** Most nodes drawn; beyond this a circle of labels is unreadable. */
export const MAX_NODES = 64;

/**
 * Weights between n things as a graph: nodes on a circle, an edge from i to j
 * as strong (opaque, wide) as `weights[i][j]`.
 * @param weights `[n, n]`
 * @example graph(attn, { labels: tokens, threshold: 0.1, title: "attention as a graph" })
 */
export function graph(weights: unknown, options: PlotLabels & { labels?: string[]; threshold?: number } = {}): Of<"graph"> {
  checkOptions("graph", options, ["labels", "threshold"]);
  const { rows, cols, values } = readMatrix(weights, "graph");
  if (rows !== cols) throw new Error(`graph: needs square weights [n, n], got ${shapeText([rows, cols])}`);
  if (rows === 0 || rows > MAX_NODES) throw new Error(`graph: needs 1 to ${MAX_NODES} nodes, got ${rows}`);
  const nodes = options.labels?.map(String) ?? Array.from({ length: rows }, (_, i) => String(i));
  if (nodes.length !== rows) throw new Error(`graph: ${nodes.length} labels for ${rows} nodes`);
  const threshold = options.threshold ?? 0;
  if (typeof threshold !== "number" || !Number.isFinite(threshold)) throw new Error(`graph: threshold must be a number, got ${String(threshold)}`);
  const edges = [];
  for (let from = 0; from < rows; from++) {
    for (let to = 0; to < cols; to++) {
      const weight = values[from * cols + to];
      if (Math.abs(weight) > threshold) edges.push({ from, to, weight });
    }
  }
  return tagPlot({ mark: "graph", nodes, edges, ...labelsOf({ title: `weights {shape} as a graph`, ...options }, [rows, cols]) });
}

function render(spec: Of<"graph">, doc: Document): Element {
  const n = spec.nodes.length;
  const at = (i: number) => ({ x: Math.cos((2 * Math.PI * i) / n - Math.PI / 2), y: Math.sin((2 * Math.PI * i) / n - Math.PI / 2) });
  const nodes = spec.nodes.map((name, i) => ({ name, ...at(i) }));
  const strongest = Math.max(1e-9, ...spec.edges.map((e) => Math.abs(e.weight)));
  const links = spec.edges
    .filter((e) => e.from !== e.to)
    .map((e) => ({ ...e, x1: at(e.from).x, y1: at(e.from).y, x2: at(e.to).x, y2: at(e.to).y, strength: Math.abs(e.weight) / strongest }));
  const loops = spec.edges.filter((e) => e.from === e.to).map((e) => ({ ...nodes[e.from], strength: Math.abs(e.weight) / strongest, weight: e.weight }));
  const size = spec.width ?? 360;
  return Plot.plot({
    document: doc,
    title: spec.title,
    subtitle: spec.subtitle,
    width: size,
    height: spec.height ?? size,
    inset: 40,
    x: { axis: null, domain: [-1, 1] },
    y: { axis: null, domain: [-1, 1] },
    marks: [
      // Bent arrows keep i -> j and j -> i apart.
      Plot.arrow(links, {
        x1: "x1",
        y1: "y1",
        x2: "x2",
        y2: "y2",
        stroke: "steelblue",
        strokeOpacity: (d: { strength: number }) => 0.1 + 0.9 * d.strength,
        strokeWidth: (d: { strength: number }) => 0.5 + 3.5 * d.strength,
        bend: 15,
        headLength: 6,
        insetEnd: 8,
        title: (d: { from: number; to: number; weight: number }) => `${spec.nodes[d.from]} → ${spec.nodes[d.to]}: ${formatNumber(d.weight)}`,
      }),
      Plot.dot(loops, { x: "x", y: "y", r: (d: { strength: number }) => 8 + 8 * d.strength, stroke: "steelblue", strokeOpacity: 0.6, title: (d: { name: string; weight: number }) => `${d.name} → itself: ${formatNumber(d.weight)}` }),
      Plot.dot(nodes, { x: "x", y: "y", r: 6, fill: "currentColor" }),
      Plot.text(nodes, { x: (d: { x: number }) => d.x * 1.18, y: (d: { y: number }) => d.y * 1.18, text: "name", fontSize: 12 }),
    ],
  });
}

export const graphKind: ChartKind<"graph"> = {
  mark: "graph",
  build: graph,
  render,
  describe: (spec) => `graph of ${spec.nodes.length} nodes and ${spec.edges.length} edges`,
};
