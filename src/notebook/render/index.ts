/**
 * The one renderer of cell outputs, used by the page (real DOM) and by the
 * build (linkedom, see html.ts). It only creates elements and sets text; no
 * user string ever goes through `innerHTML`.
 *
 * Class names the site styles:
 *   nb-output (+ nb-output--<kind>)  wrapper of every output
 *   nb-value (+ nb-value--<type>)    a value shown by type; objects are <details>
 *   nb-tensor                        a tensor: nb-tensor-shape, nb-tensor-table, nb-tensor-text
 *   nb-plot (+ nb-plot--<mark>)      a chart; nb-plot-row wraps side-by-side charts
 *   nb-log (+ nb-log--<level>)       console output
 *   nb-error                         an error: nb-error-name, nb-error-position, nb-error-stack
 *   nb-check nb-check--pass|--fail   an exercise verdict: nb-check-title, nb-check-message
 *   nb-stopped                       a cell stopped by its time limit or by Stop
 *   nb-table                         a table from `table(...)` (also tensor tables)
 *   nb-download                      a file a cell offers (`download`): nb-download-link (the page
 *                                    gives it a Blob URL), nb-download-about (size, description)
 */
import type { CellError, Output } from "../protocol";
import { el } from "./dom";
import { renderPlot } from "./plot";
import { renderValue } from "./value";

export { renderPlot } from "./plot";
export { renderValue } from "./value";

/** Renders one output as an element of `doc`. */
export function renderOutput(output: Output, doc: Document): Element {
  return el(doc, "div", { class: `nb-output nb-output--${output.kind}` }, [renderContent(output, doc)]);
}

function renderContent(output: Output, doc: Document): Element {
  switch (output.kind) {
    case "value":
      return renderValue(output.value, doc);
    case "plot":
      return renderPlot(output.plot, doc);
    case "log":
      return el(doc, "pre", { class: `nb-log nb-log--${output.level}`, text: output.text });
    case "table":
      return renderTable(output, doc);
    case "check":
      return renderCheck(output, doc);
    case "error":
      return renderError(output.error, doc);
    case "stopped":
      return el(doc, "div", { class: "nb-stopped", text: output.message });
    case "download":
      return renderDownload(output, doc);
  }
}

/**
 * A link to save the file; its `href` (a Blob URL of the bytes) is set by the
 * page (page/outputs.ts), so a build-time rendering says how to get the file.
 */
function renderDownload(output: Extract<Output, { kind: "download" }>, doc: Document): Element {
  const about = [formatBytes(output.bytes?.byteLength ?? 0), output.description].filter(Boolean).join(" · ");
  return el(doc, "div", { class: "nb-download" }, [
    el(doc, "a", { class: "nb-button nb-download-link", text: `Save ${output.name}`, attrs: { download: output.name } }),
    el(doc, "span", { class: "nb-download-about", text: ` ${about}` }),
  ]);
}

/** 1234567 -> "1.2 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function renderTable(output: Extract<Output, { kind: "table" }>, doc: Document): Element {
  const head = el(doc, "thead", {}, [el(doc, "tr", {}, output.columns.map((c) => el(doc, "th", { text: c, attrs: { scope: "col" } })))]);
  const body = el(
    doc,
    "tbody",
    {},
    output.rows.map((row) => el(doc, "tr", {}, row.map((cell) => el(doc, "td", { text: String(cell) })))),
  );
  return el(doc, "table", { class: "nb-table" }, [output.caption ? el(doc, "caption", { text: output.caption }) : null, head, body]);
}

function renderCheck(output: Extract<Output, { kind: "check" }>, doc: Document): Element {
  const verdict = output.passed ? "pass" : "fail";
  return el(doc, "div", { class: `nb-check nb-check--${verdict}` }, [
    el(doc, "span", { class: "nb-check-icon", text: output.passed ? "✓" : "✗", attrs: { "aria-hidden": "true" } }),
    el(doc, "span", { class: "nb-check-title", text: `${output.passed ? "Passed" : "Not yet"}: ${output.title}` }),
    output.passed || !output.message ? null : el(doc, "span", { class: "nb-check-message", text: output.message }),
  ]);
}

/** An error with where it happened (`line L, column C`) and the trimmed stack. */
export function renderError(error: CellError, doc: Document): Element {
  const position = error.line !== undefined ? `line ${error.line}${error.column !== undefined ? `, column ${error.column}` : ""}` : "";
  return el(doc, "div", { class: "nb-error" }, [
    el(doc, "span", { class: "nb-error-name", text: error.name }),
    el(doc, "span", { class: "nb-error-message", text: `: ${error.message}` }),
    position ? el(doc, "span", { class: "nb-error-position", text: ` (${position})` }) : null,
    error.stack ? el(doc, "pre", { class: "nb-error-stack", text: error.stack }) : null,
  ]);
}
