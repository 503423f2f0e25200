/**
 * `<nb-cell>`: one cell on the page. It owns what the reader sees of the cell
 * (code, editor, edited mark, notices, outputs) and asks the page's
 * `<nb-notebook>` to run it with a bubbling `nb-run` event; the notebook calls
 * back the methods below as the worker reports.
 */
import type { CellError, Output } from "../protocol";
import { cellOptionsFromJson, type CellOptions } from "../compile/cells";
import type { EditorHandle } from "./editor";
import { EditStore, editFromStorageEvent } from "./persistence";
import { OutputArea } from "./outputs";
import { filePicker, type FileAnswer, type FileRequest } from "./file-picker";
import { insertText, makeEditable, surfaceState, surfaceText } from "./editor-surface";
import { copyCellLink, linkBanner } from "./shared-code";

/** Detail of the `nb-run` and `nb-stop` events a cell dispatches. */
export interface CellEventDetail {
  cellId: string;
}

/** Detail of the `nb-checked` event: a run of the cell ended and its `check` outputs, as validated by the page, all passed or not. */
export interface CheckEventDetail {
  cellId: string;
  passed: boolean;
}

const store = EditStore.fromWindow();

type EditorModule = typeof import("./editor");
let editorModule: Promise<EditorModule> | undefined;
/** Set once the editor module has arrived, so a cell can take over in the same task as an input. */
let loadedEditor: EditorModule | undefined;

/** Starts fetching the editor (once; again after a failure). */
function loadEditor(): Promise<EditorModule> {
  editorModule ??= import("./editor").then(
    (module) => (loadedEditor = module),
    (error: unknown) => {
      editorModule = undefined;
      throw error;
    },
  );
  return editorModule;
}

/** How long the editor may take to arrive before a cell says it is loading. */
const LOADING_SIGN_MS = 150;

/** The custom element behind `src/components/Cell.astro`. */
export class NotebookCell extends HTMLElement {
  private editor: EditorHandle | undefined;
  private code = "";
  /** The pre-rendered code, editable until the editor takes over (null afterwards, or for read-only cells). */
  private surface: HTMLElement | null = null;
  /** Its markup as shipped, for Reset before the editor has taken over. */
  private surfaceHtml = "";
  /** The code when the reader started typing into the surface (one undo in the editor returns to it). */
  private surfaceBase = "";
  /** The reader is editing (clicked or typed): take over as soon as the editor is there. */
  private wantsEditor = false;
  private composing = false;
  private pointerDown = false;
  /** Escape was the last key: the next Tab leaves, as in the editor. */
  private escaped = false;
  private outputs!: OutputArea;
  /** Why the notice is showing: a "restored" note goes away on the next run, warnings stay. */
  private noticeKind: "restored" | "warning" | "" = "";
  /** The code the output on screen came from (the original code for the build's output). */
  private outputCode = "";
  private parsedOptions?: CellOptions;
  /** The file picker of an `openFile` the cell awaits. */
  private picker: HTMLElement | undefined;
  /** Verdicts of the `check` outputs of the run in progress. */
  private checks: boolean[] = [];
  /** The code on screen came from a share link and is saved only when the reader runs or edits it. */
  private unsavedLink = false;

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
  /** The cell's options, as the build wrote them (`data-options`, one `CellOptions` JSON). */
  get options(): CellOptions {
    return (this.parsedOptions ??= cellOptionsFromJson(this.dataset.options));
  }
  /** Time limit in ms. */
  get timeoutMs(): number {
    return this.options.timeout;
  }
  /** `norun` cells are left out of Run all. */
  get runByHandOnly(): boolean {
    return this.options.norun;
  }

  connectedCallback(): void {
    if (this.outputs) return;
    this.code = this.originalCode;
    this.outputCode = this.originalCode;
    this.outputs = new OutputArea(this.el(".nb-outputs"));
    this.el(".nb-run").addEventListener("click", () => this.requestRun());
    this.el(".nb-stop").addEventListener("click", () => this.emit("nb-stop"));
    this.el(".nb-reset").addEventListener("click", () => this.reset());
    this.querySelector(".nb-share")?.addEventListener("click", () => void copyCellLink(this));
    this.surface = this.querySelector<HTMLElement>(".nb-code[data-editable]");
    if (this.surface) {
      this.surfaceHtml = this.surface.innerHTML;
      this.setUpSurface(this.surface);
    }
    this.restoreEdit();
    this.surfaceBase = this.code;
  }

  /** Asks the notebook to run this cell (Run button, Shift+Enter). */
  requestRun(): void {
    if (this.unsavedLink) this.codeChanged(this.code);
    this.querySelector(".nb-link-banner")?.remove();
    this.emit("nb-run");
  }

  /**
   * Shows code from a share link, with a banner; never runs it. A saved edit
   * of the reader's own stays until they choose the linked code. `changed`:
   * the link was made from another version of the cell's original code.
   */
  openLinkedCode(code: string, changed: boolean): HTMLElement {
    this.querySelector<HTMLDetailsElement>(".nb-hidden-code")?.setAttribute("open", "");
    const conflict = this.code !== this.originalCode && this.code !== code;
    const adopt = () => {
      if (code === this.code) return;
      this.takeCode(code);
      this.unsavedLink = code !== this.originalCode;
    };
    const banner = linkBanner({ cellId: this.cellId, changed, conflictCode: conflict ? code : undefined, adopt });
    this.querySelector(".nb-link-banner")?.remove();
    this.el(".nb-toolbar").after(banner);
    if (!conflict) adopt();
    return banner;
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
    const editor = await this.openEditor();
    editor.setCode(code);
    this.codeChanged(code);
    editor.focus();
  }

  /** Puts the original code back and forgets the saved edit. */
  reset(): void {
    this.code = this.originalCode;
    this.unsavedLink = false;
    this.querySelector(".nb-link-banner")?.remove();
    this.editor?.setCode(this.originalCode);
    if (!this.editor) this.showStaticCode(undefined);
    this.surfaceBase = this.originalCode;
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
    this.checks = [];
    this.outputs.begin();
  }

  output(output: Output, outputId?: string, replace?: boolean): void {
    if (output.kind === "check") this.checks.push(output.passed);
    this.outputs.add(output, outputId, replace);
  }

  done(ms: number): void {
    this.ended("done", `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`);
    if (this.checks.length === 0) return;
    const detail: CheckEventDetail = { cellId: this.cellId, passed: this.checks.every(Boolean) };
    this.dispatchEvent(new CustomEvent<CheckEventDetail>("nb-checked", { bubbles: true, detail }));
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

  /** The running cell awaits a file (`openFile`): a picker under the cell, focused, until the reader answers or the cell ends. */
  askForFile(request: FileRequest, answer: (reply: FileAnswer) => void): void {
    this.picker?.remove();
    this.picker = filePicker(document, this.cellId, request, answer);
    this.append(this.picker);
    this.picker.querySelector("input")?.focus({ preventScroll: false });
  }

  /** The cell was stopped (time limit or Stop); the worker is gone. */
  stopped(message: string): void {
    if (this.dataset.state !== "running") this.outputs.begin();
    this.outputs.add({ kind: "stopped", message });
    this.ended("stopped", "stopped");
  }

  // --- Editing ---

  /**
   * The surface takes keys from the start (see editor-surface.ts); meanwhile
   * the editor is fetched when the pointer or the focus heads for the code,
   * and takes over once the reader clicks or types.
   */
  private setUpSurface(surface: HTMLElement): void {
    makeEditable(surface);
    const prefetch = () => void loadEditor().catch(() => undefined);
    surface.addEventListener("pointerenter", prefetch, { once: true });
    surface.addEventListener("focus", prefetch);
    const pointerUp = () => {
      this.pointerDown = false;
      this.takeOverIfReady();
    };
    surface.addEventListener("pointerdown", () => {
      this.pointerDown = true;
      // The pointer may be released outside the code (a drag selection): listen on the document.
      document.addEventListener("pointerup", pointerUp, { once: true });
      document.addEventListener("pointercancel", pointerUp, { once: true });
      this.startEditing();
    });
    // A tap focuses the code after its pointerup: take over on the click that follows.
    surface.addEventListener("click", () => this.takeOverIfReady());
    surface.addEventListener("compositionstart", () => (this.composing = true));
    surface.addEventListener("compositionend", () => {
      this.composing = false;
      this.takeOverIfReady();
    });
    surface.addEventListener("input", () => {
      this.code = surfaceText(surface);
      this.codeChanged(this.code);
      this.startEditing();
    });
    surface.addEventListener("keydown", (event) => {
      const escaped = this.escaped;
      this.escaped = event.key === "Escape";
      if (event.key === "Enter" && (event.shiftKey || event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.requestRun();
      } else if (event.key === "Tab" && !event.shiftKey && this.wantsEditor && !escaped) {
        // Once the reader is editing, Tab indents as it will in the editor; Escape then Tab leaves.
        event.preventDefault();
        insertText("  ");
      }
    });
  }

  /** The reader clicked or typed into the code: the editor takes over as soon as it is there. */
  private startEditing(): void {
    if (this.wantsEditor) return this.takeOverIfReady();
    this.wantsEditor = true;
    if (loadedEditor) return this.takeOverIfReady();
    const status = this.querySelector(".nb-editor-loading");
    const showLoading = (loading: boolean) => {
      this.toggleAttribute("data-editor-loading", loading);
      if (status) status.textContent = loading ? "Loading the editor… keep typing, nothing is lost." : "";
    };
    const sign = window.setTimeout(() => showLoading(true), LOADING_SIGN_MS);
    loadEditor().then(
      () => {
        window.clearTimeout(sign);
        showLoading(false);
        this.takeOverIfReady();
      },
      () => {
        window.clearTimeout(sign);
        showLoading(false);
        this.wantsEditor = false;
        this.notice("The editor could not be loaded (is the connection down?). You can keep editing the code here and run it; click the code again to retry.");
      },
    );
  }

  /** Hands the surface to the editor if the reader is at it and not mid-gesture (a drag, an IME composition). */
  private takeOverIfReady(): void {
    const surface = this.surface;
    if (!surface || !loadedEditor || !this.wantsEditor || this.composing || this.pointerDown) return;
    if (document.activeElement !== surface) return;
    this.takeOver(loadedEditor, true);
  }

  /** Replaces the surface with the editor, keeping its text, selection and focus. */
  private takeOver(module: EditorModule, focus: boolean): EditorHandle {
    const surface = this.surface!;
    const { text, selection } = surfaceState(surface);
    const host = document.createElement("div");
    host.className = "nb-editor";
    surface.replaceWith(host);
    this.surface = null;
    const hint = this.querySelector(".nb-editor-keys");
    this.editor = module.mountEditor(host, {
      code: text,
      base: this.surfaceBase,
      selection: selection ?? undefined,
      label: `Code of cell ${this.cellId}`,
      hintId: hint?.id || undefined,
      onChange: (code) => this.codeChanged(code),
      onRun: () => this.requestRun(),
      neighbours: () => this.neighbours(),
    });
    if (text !== this.code) this.codeChanged(text);
    if (focus) this.editor.focus();
    return this.editor;
  }

  /** The editor, loading it and taking over the surface if needed (Use this solution). */
  private async openEditor(): Promise<EditorHandle> {
    if (this.editor) return this.editor;
    const module = await loadEditor();
    return this.editor ?? this.takeOver(module, false);
  }

  /** The other cells of this chapter, split at this one, with their current code. */
  private neighbours(): { above: { id: string; code: string }[]; below: { id: string; code: string }[] } {
    const root = this.closest("nb-notebook") ?? document;
    const cells = [...root.querySelectorAll<NotebookCell>("nb-cell")];
    const at = cells.indexOf(this);
    const view = (cell: NotebookCell) => ({ id: cell.cellId, code: cell.currentCode });
    return { above: cells.slice(0, Math.max(0, at)).map(view), below: cells.slice(at + 1).map(view) };
  }

  private codeChanged(code: string): void {
    this.code = code;
    this.unsavedLink = false;
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

  /** Shows `code` as plain text in the not-yet-edited surface (`undefined`: the original highlighted code). */
  private showStaticCode(code: string | undefined): void {
    const surface = this.surface;
    if (!surface) return;
    if (code === undefined) {
      surface.innerHTML = this.surfaceHtml;
      return;
    }
    const pre = document.createElement("pre");
    pre.className = "nb-plain";
    pre.textContent = code;
    surface.replaceChildren(pre);
  }

  private updateEditedMark(): void {
    const edited = this.code !== this.originalCode;
    this.el(".nb-edited").hidden = !edited;
    this.el(".nb-reset").hidden = !edited;
    const share = this.querySelector<HTMLElement>(".nb-share");
    if (share) share.hidden = !edited;
    this.toggleAttribute("data-edited", edited);
  }

  // --- Helpers ---

  private ended(state: string, timing: string): void {
    this.dataset.state = state;
    this.picker?.remove();
    this.picker = undefined;
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
