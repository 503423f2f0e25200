/**
 * `<nb-chapter-progress>`: a chapter's own progress, at its end
 * (`src/components/ChapterProgress.astro`). It records an exercise as solved
 * when a run on this page ends with every `check` of the exercise's check
 * cell passed (the `nb-checked` event of `<nb-cell>`, which counts only the
 * outputs the page validated, never the build's pre-rendered ones), and
 * offers "Mark chapter as done".
 */
import type { CheckEventDetail, NotebookCell } from "./cell-element";
import { announceProgress, chapterDone, exerciseOfCheck, pageProgressStore, watchProgress, type ProgressSave } from "./progress";

const store = pageProgressStore();
const CORRUPT_NOTE = "Your saved progress could not be read and was removed.";

/** The custom element behind `src/components/ChapterProgress.astro`. */
export class ChapterProgressElement extends HTMLElement {
  private exercises: string[] = [];
  private storageNote = "";

  get chapter(): string {
    return this.dataset.chapter!;
  }

  connectedCallback(): void {
    if (this.hasAttribute("data-ready")) return;
    this.setAttribute("data-ready", "");
    this.exercises = JSON.parse(this.dataset.exercises ?? "[]") as string[];
    if (store.load().status === "unavailable") this.storageNote = "This browser is not letting the page keep your progress (storage is turned off or blocked).";
    this.el(".nb-mark-done").addEventListener("click", () => {
      const marked = this.el(".nb-mark-done").getAttribute("aria-pressed") !== "true";
      this.saved(store.mark(this.chapter, marked));
    });
    document.addEventListener("nb-checked", (event) => this.checked((event as CustomEvent<CheckEventDetail>).detail));
    watchProgress(() => this.show());
    this.hidden = false;
    this.show();
  }

  private checked({ cellId, passed }: CheckEventDetail): void {
    if (!passed) return;
    const cells = [...document.querySelectorAll<NotebookCell>(`nb-cell[data-chapter="${CSS.escape(this.chapter)}"]`)];
    const exercise = exerciseOfCheck(cells.map((cell) => ({ cellId: cell.cellId, exercise: cell.options.exercise })), cellId);
    if (!exercise || !this.exercises.includes(exercise)) return;
    this.saved(store.solve(this.chapter, exercise));
  }

  private saved(result: ProgressSave): void {
    this.storageNote =
      result === "unavailable" ? "This browser is not letting the page save your progress (storage is full or turned off); it is not kept." : "";
    store.removedCorrupt = false;
    announceProgress();
    this.show();
  }

  /** Shows the state as stored (what the sidebar and the home page show too). */
  private show(): void {
    const { progress } = store.load();
    // A corrupt entry is removed by whichever view of the page (or of another tab) read it first.
    if (store.removedCorrupt) this.storageNote = CORRUPT_NOTE;
    const record = progress.get(this.chapter);
    const solved = this.exercises.filter((id) => record?.solved.includes(id)).length;
    const done = chapterDone(record, this.exercises);
    this.el(".nb-mark-done").setAttribute("aria-pressed", String(record?.marked ?? false));
    const parts: string[] = [];
    if (this.exercises.length) parts.push(`${solved} of ${this.exercises.length} ${this.exercises.length === 1 ? "exercise" : "exercises"} solved.`);
    parts.push(done ? "This chapter is done." : this.exercises.length ? "Solve them all, or mark the chapter as done." : "Mark the chapter as done when you have worked through it.");
    this.el(".nb-chapter-progress-text").textContent = parts.join(" ");
    this.toggleAttribute("data-done", done);
    const note = this.el(".nb-progress-note");
    note.textContent = this.storageNote;
    note.hidden = this.storageNote === "";
  }

  private el(selector: string): HTMLElement {
    return this.querySelector<HTMLElement>(selector)!;
  }
}

if (!customElements.get("nb-chapter-progress")) customElements.define("nb-chapter-progress", ChapterProgressElement);
