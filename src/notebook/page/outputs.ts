/**
 * A cell's output area on the page. Outputs of a new run replace the old ones
 * when the first of them arrives (not at the start), so a quick rerun does not
 * flash an empty box; until then the old output is marked stale.
 *
 * Drawing uses the same renderers as the build (`renderOutput`), loaded on the
 * first output so Observable Plot is not in the page's initial JavaScript.
 * Renderers build DOM nodes and set text with `textContent`: no user string
 * passes through `innerHTML`.
 *
 * Work is queued and done once per animation frame, for at most
 * `FRAME_BUDGET_MS` per frame: a cell that sends a thousand outputs costs the
 * page a few frames, not one long freeze. An output that fails to draw becomes
 * an error in its place, and the outputs after it are still drawn.
 */
import type { Output } from "../protocol";

type RenderModule = typeof import("../render/index");
let renderers: Promise<RenderModule> | undefined;

/** Loads the renderers once for the whole page. */
function loadRenderers(): Promise<RenderModule> {
  renderers ??= import("../render/index");
  return renderers;
}

/** Milliseconds of drawing per frame before the rest waits for the next frame. */
const FRAME_BUDGET_MS = 8;

type Step =
  | { kind: "begin" }
  | { kind: "add"; output: Output; outputId?: string; replace: boolean }
  | { kind: "finish" };

/** The output region of one cell. */
export class OutputArea {
  private clearPending = false;
  private readonly byOutputId = new Map<string, Element>();
  private readonly steps: Step[] = [];
  private scheduled = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};
  /** Blob URLs of the files this area offers (`download` outputs), released when their output goes. */
  private readonly blobUrls = new Map<Element, string>();

  constructor(private readonly element: HTMLElement) {}

  /** A run of this cell started: the current output becomes stale. */
  begin(): void {
    this.element.dataset.stale = "";
    this.queue({ kind: "begin" });
  }

  /** Shows one output; with `replace`, it takes the place of the earlier output with the same id (live charts). */
  add(output: Output, outputId?: string, replace = false): void {
    // Updates of one live chart waiting for the same frame: only the newest is drawn.
    const waiting = replace && outputId !== undefined ? this.steps.find((s) => s.kind === "add" && s.replace && s.outputId === outputId) : undefined;
    if (waiting?.kind === "add") waiting.output = output;
    else this.queue({ kind: "add", output, outputId, replace });
  }

  /** The run of this cell is over: an empty run clears the stale output. */
  finish(): void {
    this.queue({ kind: "finish" });
  }

  /** Marks the output as out of date (the code changed since it ran) or current again. */
  markStale(stale: boolean): void {
    if (stale) this.element.dataset.stale = "";
    else if (!this.clearPending) delete this.element.dataset.stale;
  }

  /** Resolves when everything queued so far is on the page. */
  settled(): Promise<void> {
    return this.idle;
  }

  private queue(step: Step): void {
    if (this.steps.length === 0 && !this.scheduled) this.idle = new Promise((resolve) => (this.markIdle = resolve));
    this.steps.push(step);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const frame = () => requestAnimationFrame(() => this.drawSome(undefined));
    loadRenderers().then(
      (module) => requestAnimationFrame(() => this.drawSome(module)),
      () => frame(),
    );
  }

  /** Applies queued steps until the frame's budget is spent; the rest waits for the next frame. */
  private drawSome(module: RenderModule | undefined): void {
    this.scheduled = false;
    const start = performance.now();
    let done = 0;
    while (done < this.steps.length && performance.now() - start < FRAME_BUDGET_MS) this.apply(this.steps[done++], module);
    this.steps.splice(0, done);
    if (this.steps.length) this.schedule();
    else this.markIdle();
  }

  private apply(step: Step, module: RenderModule | undefined): void {
    if (step.kind === "begin") {
      this.clearPending = true;
      this.element.dataset.stale = "";
      return;
    }
    this.takeOverIfPending();
    if (step.kind === "finish") return;
    const node = this.draw(step.output, module);
    const previous = step.outputId !== undefined ? this.byOutputId.get(step.outputId) : undefined;
    if (step.output.kind === "download") this.offer(node, step.output.bytes);
    if (step.replace && previous) this.release(previous);
    if (step.replace && previous?.isConnected) previous.replaceWith(node);
    else this.element.append(node);
    if (step.outputId !== undefined) this.byOutputId.set(step.outputId, node);
  }

  /** The output's DOM, or an error in its place when it cannot be drawn. */
  private draw(output: Output, module: RenderModule | undefined): Element {
    if (!module) return plainError("the page could not load its output renderers (check the connection and reload)");
    try {
      return module.renderOutput(output, document);
    } catch (error) {
      const message = `this output could not be drawn: ${describe(error)}`;
      try {
        return module.renderOutput({ kind: "error", error: { name: "RenderError", message } }, document);
      } catch {
        return plainError(message);
      }
    }
  }

  /**
   * Gives a download's link the bytes as a Blob URL. The type is always
   * `application/octet-stream`, whatever the cell names the file: the browser
   * then saves it instead of showing it, so a cell cannot make the page's
   * origin open a document of its making.
   */
  private offer(node: Element, bytes: Uint8Array): void {
    const link = node.querySelector<HTMLAnchorElement>(".nb-download-link");
    if (!link) return;
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: "application/octet-stream" }));
    link.href = url;
    this.blobUrls.set(node, url);
  }

  private release(node: Element): void {
    const url = this.blobUrls.get(node);
    if (url === undefined) return;
    // Later: a click on the link may still be starting its download.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    this.blobUrls.delete(node);
  }

  private takeOverIfPending(): void {
    if (!this.clearPending) return;
    this.clearPending = false;
    this.byOutputId.clear();
    for (const node of [...this.blobUrls.keys()]) this.release(node);
    this.element.replaceChildren();
    delete this.element.dataset.stale;
  }
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return "unknown error";
  }
}

function plainError(message: string): Element {
  const node = document.createElement("div");
  node.className = "nb-error";
  node.textContent = `RenderError: ${message}`;
  return node;
}
