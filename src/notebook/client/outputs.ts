/**
 * A cell's output area on the page. Outputs of a new run replace the old ones
 * when the first of them arrives (not at the start), so a quick rerun does not
 * flash an empty box; until then the old output is marked stale.
 *
 * Drawing uses the same renderers as the build (`renderOutput`), loaded on the
 * first output so Observable Plot is not in the page's initial JavaScript.
 * Renderers build DOM nodes and set text with `textContent`: no user string
 * passes through `innerHTML`.
 */
import type { Output } from "../protocol";

type RenderModule = typeof import("../render/index");
let renderers: Promise<RenderModule> | undefined;

/** Loads the renderers once for the whole page. */
function loadRenderers(): Promise<RenderModule> {
  renderers ??= import("../render/index");
  return renderers;
}

/** The output region of one cell. */
export class OutputArea {
  private clearPending = false;
  private readonly byOutputId = new Map<string, Element>();
  /** Keeps outputs in arrival order even though drawing waits for the renderers to load. */
  private drawing: Promise<void> = Promise.resolve();

  constructor(private readonly element: HTMLElement) {}

  /** A run of this cell started: the current output becomes stale. */
  begin(): void {
    this.clearPending = true;
    this.element.dataset.stale = "";
  }

  /** Shows one output; with `replace`, it takes the place of the earlier output with the same id (live charts). */
  add(output: Output, outputId?: string, replace = false): Promise<void> {
    this.drawing = this.drawing.then(async () => {
      const { renderOutput } = await loadRenderers();
      const node = renderOutput(output, document);
      this.takeOverIfPending();
      const previous = outputId !== undefined ? this.byOutputId.get(outputId) : undefined;
      if (replace && previous?.isConnected) previous.replaceWith(node);
      else this.element.append(node);
      if (outputId !== undefined) this.byOutputId.set(outputId, node);
    });
    return this.drawing;
  }

  /** The run of this cell is over: an empty run clears the stale output. */
  finish(): Promise<void> {
    this.drawing = this.drawing.then(() => this.takeOverIfPending());
    return this.drawing;
  }

  private takeOverIfPending(): void {
    if (!this.clearPending) return;
    this.clearPending = false;
    this.byOutputId.clear();
    this.element.replaceChildren();
    delete this.element.dataset.stale;
  }
}
