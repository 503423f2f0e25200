/**
 * "Save SVG" and "Save PNG" under every chart on the page: the charts the
 * build pre-rendered and every chart a run draws later (a `MutationObserver`
 * on each output area sees them arrive, also each redraw of a live chart).
 * The buttons are plain buttons, in the tab order after their chart; the
 * work (chart-svg.ts) is fetched on the first click, so pages that never
 * export a chart do not load it.
 */

/** Marks an output that already has its buttons. */
const READY = "data-nb-exportable";

/** Adds the buttons to every chart output inside `outputs` that has none yet. */
function decorate(outputs: Element): void {
  const cellId = outputs.closest<HTMLElement>("nb-cell")?.dataset.cellId ?? "chart";
  const charts = Array.from(outputs.querySelectorAll(":scope > .nb-output--plot"));
  charts.forEach((output, index) => {
    if (output.hasAttribute(READY)) return;
    output.setAttribute(READY, "");
    const number = charts.length > 1 ? `-${index + 1}` : "";
    const name = `${cellId}${number}`;
    const which = charts.length > 1 ? `chart ${index + 1} of cell ${cellId}` : `the chart of cell ${cellId}`;
    const actions = output.ownerDocument.createElement("div");
    actions.className = "nb-chart-actions";
    for (const format of ["svg", "png"] as const) {
      const button = output.ownerDocument.createElement("button");
      button.type = "button";
      button.className = "nb-button nb-chart-save";
      button.dataset.format = format;
      button.textContent = `Save ${format.toUpperCase()}`;
      button.setAttribute("aria-label", `Save ${which} as ${format.toUpperCase()}`);
      button.addEventListener("click", () => void save(output, format, `${name}.${format}`, button));
      actions.append(button);
    }
    output.append(actions);
  });
}

/** Builds the file and hands it to the browser as a download; a failure says so on the button's line. */
async function save(output: Element, format: "svg" | "png", fileName: string, button: HTMLButtonElement): Promise<void> {
  const chart = output.querySelector(".nb-plot-row, .nb-plot");
  if (!chart) return;
  button.disabled = true;
  try {
    const { chartToSvg, pictureToPng } = await import("./chart-svg");
    const picture = await chartToSvg(chart);
    const blob = format === "svg" ? new Blob([picture.svg], { type: "image/svg+xml" }) : await pictureToPng(picture, 2);
    const url = URL.createObjectURL(blob);
    const link = output.ownerDocument.createElement("a");
    link.href = url;
    link.download = fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    button.removeAttribute("title");
  } catch (error) {
    button.title = `Could not save: ${error instanceof Error ? error.message : String(error)}`;
    console.warn(`notebook: could not save ${fileName}:`, error);
  } finally {
    button.disabled = false;
  }
}

/** Decorates every chart on the page now and whenever an output area changes. */
export function setUpChartExport(doc: Document = document): void {
  for (const outputs of Array.from(doc.querySelectorAll(".nb-outputs"))) {
    if (outputs.hasAttribute("data-nb-export-watch")) continue;
    outputs.setAttribute("data-nb-export-watch", "");
    decorate(outputs);
    new MutationObserver(() => decorate(outputs)).observe(outputs, { childList: true });
  }
}

setUpChartExport();
