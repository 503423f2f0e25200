/**
 * `<nb-cell>`: one cell on the page. It owns what the reader sees of the cell
 * (code, editor, edited mark, notices, outputs) and asks the page's
 * `<nb-notebook>` to run it with a bubbling `nb-run` event; the notebook calls
 * back the methods below as the worker reports.
 */
import type { CellError, Output } from "../protocol";
import { DEFAULT_TIMEOUT_MS } from "../cells";
import type { EditorHandle } from "./editor";
import { EditStore, editFromStorageEvent } from "./persistence";
import { OutputArea } from "./outputs";

/** Detail of the `nb-run` and `nb-stop` events a cell dispatches. */
export interface CellEventDetail {
  cellId: string;
}

const store = EditStore.fromWindow();

/** The custom element behind `src/components/Cell.astro`. */
export class NotebookCell extends HTMLElement {
  private editor: EditorHandle | undefined;
  private editorLoading: Promise<EditorHandle> | undefined;
  private code = "";
  private outputs!: OutputArea;
  /** Why the notice is showing: a "restored" note goes away on the next run, warnings stay. */
  private noticeKind: "restored" | "warning" | "" = "";
  /** The code the output on screen came from (the original code for the build's output). */
  private outputCode = "";

  /** The cell's id within its chapter. */
  get cellId(): string {
    return this.dataset.cellId!;
  }
  get chapter(): string {
    return this.dataset.chapter!;
  }
  /** The code the course ships (what Reset returns to). */
  get originalCode(): string {
    return this.dataset.code ?? "";
  }
  /** The code as the reader sees it now. */
  get currentCode(): string {
    return this.code;
  }
  /** Time limit in ms. */
  get timeoutMs(): number {
    return Number(this.dataset.timeout) || DEFAULT_TIMEOUT_MS;
  }
  /** `norun` cells are left out of Run all. */
  get runByHandOnly(): boolean {
    return this.hasAttribute("data-norun");
  }

  connectedCallback(): void {
    if (this.outputs) return;
    this.code = this.originalCode;
    this.outputCode = this.originalCode;
    this.outputs = new OutputArea(this.el(".nb-outputs"));
    this.el(".nb-run").addEventListener("click", () => this.requestRun());
    this.el(".nb-stop").addEventListener("click", () => this.emit("nb-stop"));
    this.el(".nb-reset").addEventListener("click", () => this.reset());
    const codeView = this.querySelector<HTMLElement>(".nb-code[data-editable]");
    if (codeView) {
      const startEditing = (at?: { x: number; y: number }) => void this.openEditor(true, at);
      codeView.addEventListener("click", (event) => startEditing({ x: event.clientX, y: event.clientY }));
      codeView.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && event.shiftKey) {
          event.preventDefault();
          this.requestRun();
        } else if (event.key === "Enter" || event.key.length === 1) {
          event.preventDefault();
          startEditing();
        }
      });
    }
    this.restoreEdit();
  }

  /** Asks the notebook to run this cell (Run button, Shift+Enter). */
  requestRun(): void {
    this.emit("nb-run");
  }

  /** The notebook is busy with another run: this cell waits for it. */
  queued(behind: string): void {
    this.dataset.state = "queued";
    this.el(".nb-timing").textContent = `waiting for ${behind}…`;
  }

  /** A queued run of this cell was dropped before it started. */
  dropped(because: string): void {
    if (this.dataset.state !== "queued") return;
    this.dataset.state = "dropped";
    this.el(".nb-timing").textContent = `not run: ${because}`;
  }

  /** Replaces the code (Use this solution), saves it as an edit and puts the cursor in the editor. */
  async useCode(code: string): Promise<void> {
    const editor = await this.openEditor(true);
    editor.setCode(code);
    this.codeChanged(code);
  }

  /** Puts the original code back and forgets the saved edit. */
  reset(): void {
    this.code = this.originalCode;
    this.editor?.setCode(this.originalCode);
    if (!this.editor) this.showStaticCode(undefined);
    const result = store.clear(this.editKey());
    this.updateEditedMark();
    this.markOutputStale();
    this.notice(result === "unavailable" ? "Reset to the original code (the saved edit could not be removed from this browser's storage)." : "");
    this.el(".nb-run").focus();
  }

  // --- Called by the notebook as the worker reports ---

  /** The worker started this cell. */
  started(): void {
    this.dataset.state = "running";
    if (this.noticeKind === "restored") this.notice("");
    this.el(".nb-stop").hidden = false;
    this.el(".nb-timing").textContent = "running…";
    this.outputCode = this.code;
    this.outputs.begin();
  }

  output(output: Output, outputId?: string, replace?: boolean): void {
    this.outputs.add(output, outputId, replace);
  }

  done(ms: number): void {
    this.ended("done", `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`);
  }

  failed(error: CellError): void {
    this.outputs.add({ kind: "error", error });
    this.ended("error", "error");
  }

  skipped(because: string): void {
    this.outputs.begin();
    this.outputs.add({ kind: "log", level: "warn", text: `Not run: ${because}` });
    this.ended("skipped", "not run");
  }

  /** The cell was stopped (time limit or Stop); the worker is gone. */
  stopped(message: string): void {
    if (this.dataset.state !== "running") this.outputs.begin();
    this.outputs.add({ kind: "stopped", message });
    this.ended("stopped", "stopped");
  }

  // --- Editing ---

  /** Replaces the highlighted code with the editor (loading CodeMirror the first time); `at` places the cursor. */
  private async openEditor(focus: boolean, at?: { x: number; y: number }): Promise<EditorHandle> {
    this.editorLoading ??= (async () => {
      const { mountEditor } = await import("./editor");
      const view = this.querySelector<HTMLElement>(".nb-code")!;
      const host = document.createElement("div");
      host.className = "nb-editor";
      view.replaceWith(host);
      this.editor = mountEditor(host, {
        code: this.code,
        label: `Code of cell ${this.cellId}`,
        onChange: (code) => this.codeChanged(code),
        onRun: () => this.requestRun(),
      });
      return this.editor;
    })();
    const editor = await this.editorLoading;
    if (focus) editor.focus(at);
    return editor;
  }

  private codeChanged(code: string): void {
    this.code = code;
    this.updateEditedMark();
    this.markOutputStale();
    const result = store.save(this.editKey(), code);
    this.notice(
      result === "unavailable"
        ? "This browser is not letting the page save your edit (storage is full or turned off). It stays here until you leave the page."
        : "",
    );
  }

  private restoreEdit(): void {
    const saved = store.load(this.editKey());
    if (saved.status === "restored") {
      this.code = saved.code;
      this.showStaticCode(saved.code);
      this.updateEditedMark();
      this.markOutputStale();
      const when = saved.savedAt !== undefined ? ` from ${new Date(saved.savedAt).toLocaleString()}` : "";
      this.notice(`Your edit${when} is restored. The output below is from the original code: press Run to update it.`, "restored");
    } else if (saved.status === "corrupt") {
      this.notice("A saved edit of this cell could not be read and was removed; the original code is shown.");
    }
    window.addEventListener("storage", (event) => this.otherTabSaved(event));
  }

  /** Another tab saved or reset this cell: say so, and offer its version (this tab's edit stays until the reader chooses). */
  private otherTabSaved(event: StorageEvent): void {
    const change = editFromStorageEvent(event, this.editKey());
    if (!change) return;
    const code = change.kind === "edited" ? change.code : this.originalCode;
    if (code === this.code) return;
    const text =
      change.kind === "edited"
        ? "This cell was edited in another tab. Its version is saved now; yours stays here until you load that one or edit this one (which saves yours)."
        : "This cell was reset in another tab. Your edit here stays until you load the original or edit this one (which saves yours).";
    this.notice(text);
    const load = document.createElement("button");
    load.type = "button";
    load.className = "nb-button nb-load-other";
    load.textContent = change.kind === "edited" ? "Load the other tab's version" : "Load the original";
    load.addEventListener("click", () => this.takeCode(code));
    this.el(".nb-notice").append(" ", load);
  }

  /** Shows `code` (from another tab) in the editor or the static view, without saving it again. */
  private takeCode(code: string): void {
    this.code = code;
    if (this.editor) this.editor.setCode(code);
    else this.showStaticCode(code === this.originalCode ? undefined : code);
    this.updateEditedMark();
    this.markOutputStale();
    this.notice("");
  }

  /** Shows `code` as plain text in the not-yet-edited view (`undefined`: the original highlighted code). */
  private showStaticCode(code: string | undefined): void {
    const view = this.querySelector<HTMLElement>(".nb-code");
    if (!view) return;
    if (code === undefined) {
      const original = view.querySelector(".nb-plain");
      if (original) view.querySelector("pre.shiki")?.removeAttribute("hidden");
      original?.remove();
      return;
    }
    const pre = document.createElement("pre");
    pre.className = "nb-plain";
    pre.textContent = code;
    view.querySelector("pre.shiki")?.setAttribute("hidden", "");
    view.querySelector(".nb-plain")?.remove();
    view.append(pre);
  }

  private updateEditedMark(): void {
    const edited = this.code !== this.originalCode;
    this.el(".nb-edited").hidden = !edited;
    this.el(".nb-reset").hidden = !edited;
    this.toggleAttribute("data-edited", edited);
  }

  // --- Helpers ---

  private ended(state: string, timing: string): void {
    this.dataset.state = state;
    this.el(".nb-stop").hidden = true;
    delete this.el(".nb-timing").dataset.saved;
    this.el(".nb-timing").textContent = timing;
    this.outputs.finish();
    this.markOutputStale();
  }

  /** Marks the output as out of date while the code on screen differs from the code it came from. */
  private markOutputStale(): void {
    if (this.dataset.state === "running" || this.dataset.state === "queued") return;
    const stale = this.code !== this.outputCode;
    this.outputs.markStale(stale);
    this.toggleAttribute("data-output-stale", stale);
    const timing = this.el(".nb-timing");
    if (stale) {
      timing.dataset.saved ??= timing.textContent ?? "";
      timing.textContent = "output is from the code before your edit";
    } else if (timing.dataset.saved !== undefined) {
      timing.textContent = timing.dataset.saved;
      delete timing.dataset.saved;
    }
  }

  private notice(text: string, kind: "restored" | "warning" = "warning"): void {
    this.noticeKind = text === "" ? "" : kind;
    const notice = this.el(".nb-notice");
    notice.textContent = text;
    notice.hidden = text === "";
  }

  private editKey() {
    return { chapter: this.chapter, cellId: this.cellId, originalCode: this.originalCode };
  }

  private emit(type: "nb-run" | "nb-stop"): void {
    this.dispatchEvent(new CustomEvent<CellEventDetail>(type, { bubbles: true, detail: { cellId: this.cellId } }));
  }

  private el(selector: string): HTMLElement {
    return this.querySelector<HTMLElement>(selector)!;
  }
}

if (!customElements.get("nb-cell")) customElements.define("nb-cell", NotebookCell);
