/**
 * Renders a `ValueView` by type: numbers and strings as text, arrays and
 * objects as collapsible trees, tensors as their shape plus a table (small
 * ones) or a heatmap (larger 2-D ones) and the library's printout.
 */
import type { ValueView } from "../protocol";
import { el, formatNumber } from "./dom";
import { renderPlot } from "./plot";

type TensorView = Extract<ValueView, { type: "tensor" }>;

/** Tensors up to this many values show as a table of numbers. */
const TABLE_LIMIT = 64;

export function renderValue(view: ValueView, doc: Document): Element {
  if (view.type === "tensor") return renderTensor(view, doc);
  if (view.type === "array" || view.type === "object") return renderTree(view, doc, true);
  return el(doc, view.type === "string" ? "pre" : "span", { class: `nb-value nb-value--${view.type}`, text: inline(view) });
}

/** One-line text of a view (objects abbreviated), used for leaves and summaries. */
function inline(view: ValueView): string {
  switch (view.type) {
    case "number":
      return formatNumber(view.value);
    case "string":
      return view.value;
    case "boolean":
      return String(view.value);
    case "undefined":
    case "null":
      return view.type;
    case "bigint":
      return `${view.value}n`;
    case "function":
      return view.signature === "class" ? `class ${view.name}` : `ƒ ${view.name}${view.signature}`;
    case "tensor":
      return `Tensor ${shapeText(view.shape)}`;
    case "array":
      return `Array(${view.length})`;
    case "object":
      return view.constructorName === "Object" ? "{…}" : view.constructorName;
  }
}

function preview(view: Extract<ValueView, { type: "array" | "object" }>): string {
  const leaf = (v: ValueView) => (v.type === "string" ? JSON.stringify(v.value) : inline(v));
  if (view.type === "array") {
    const items = view.items.slice(0, 8).map(leaf);
    return `Array(${view.length}) [${items.join(", ")}${view.length > items.length ? ", …" : ""}]`;
  }
  const entries = view.entries.slice(0, 5).map(([k, v]) => `${k}: ${leaf(v)}`);
  const name = view.constructorName === "Object" ? "" : `${view.constructorName} `;
  return `${name}{${entries.join(", ")}${view.entries.length > entries.length || view.truncated ? ", …" : ""}}`;
}

function renderTree(view: Extract<ValueView, { type: "array" | "object" }>, doc: Document, open: boolean): Element {
  const children: [string, ValueView][] = view.type === "array" ? view.items.map((item, i) => [String(i), item]) : view.entries;
  if (children.length === 0) {
    return el(doc, "span", { class: "nb-value nb-value--object", text: view.truncated ? inline(view) : preview(view) });
  }
  const list = el(
    doc,
    "ul",
    {},
    children.map(([key, child]) =>
      el(doc, "li", {}, [
        el(doc, "span", { class: "nb-value-key", text: `${key}: ` }),
        child.type === "array" || child.type === "object" ? renderTree(child, doc, false) : child.type === "tensor" ? renderTensor(child, doc) : el(doc, "span", { class: `nb-value--${child.type}`, text: child.type === "string" ? JSON.stringify(child.value) : inline(child) }),
      ]),
    ),
  );
  if (view.truncated) list.appendChild(el(doc, "li", { class: "nb-value-more", text: "…" }));
  return el(doc, "details", { class: "nb-value nb-value--object", attrs: open ? { open: "" } : {} }, [
    el(doc, "summary", { text: preview(view) }),
    list,
  ]);
}

function renderTensor(view: TensorView, doc: Document): Element {
  const size = view.shape.reduce((a, b) => a * b, 1);
  const heading = el(doc, "div", {
    class: "nb-tensor-shape",
    text: `Tensor ${shapeText(view.shape)}${view.requiresGrad ? " · requires grad" : ""}`,
  });
  const body: Element[] = [heading];
  const matrix = asMatrix(view.shape);
  if (matrix && size <= TABLE_LIMIT && !view.truncated) {
    body.push(tensorTable(view, matrix, doc));
  } else {
    if (matrix && !view.truncated) {
      body.push(renderPlot({ mark: "heatmap", rows: matrix.rows, cols: matrix.cols, values: view.values, title: `tensor ${shapeText(view.shape)}` }, doc));
    }
    body.push(el(doc, "pre", { class: "nb-tensor-text", text: view.text }));
  }
  return el(doc, "div", { class: "nb-value nb-tensor" }, body);
}

/** Rows and columns of a shape that is a matrix once axes of size 1 are dropped (a vector is one row). */
function asMatrix(shape: number[]): { rows: number; cols: number } | undefined {
  const axes = shape.filter((d) => d !== 1);
  if (axes.length === 0) return { rows: 1, cols: 1 };
  if (axes.length === 1) return shape.at(-1) === 1 && shape.length > 1 ? { rows: axes[0], cols: 1 } : { rows: 1, cols: axes[0] };
  if (axes.length === 2) return { rows: axes[0], cols: axes[1] };
  return undefined;
}

function tensorTable(view: TensorView, { rows, cols }: { rows: number; cols: number }, doc: Document): Element {
  const body = el(doc, "tbody");
  for (let r = 0; r < rows; r++) {
    const tr = el(doc, "tr");
    for (let c = 0; c < cols; c++) tr.appendChild(el(doc, "td", { text: formatNumber(view.values[r * cols + c]) }));
    body.appendChild(tr);
  }
  return el(doc, "table", { class: "nb-table nb-tensor-table", attrs: { "aria-label": `values of a tensor of shape ${shapeText(view.shape)}` } }, [body]);
}

function shapeText(shape: number[]): string {
  return `[${shape.join(", ")}]`;
}
