/**
 * The course-wide progress views: a "done" mark on chapter links (the sidebar
 * on every page, the chapter list on the home page) and the home page's
 * summary with "Reset progress". Both read the one stored progress
 * (progress.ts) and follow its changes in this page and in other tabs.
 *
 * The chapters and their exercises come from the build, as JSON in the
 * element's `data-chapters` (`ChapterExercises[]`), so the views count
 * exercises the reader has not opened yet.
 */
import { announceProgress, chapterDone, courseSummary, pageProgressStore, watchProgress, type ChapterExercises, type Progress } from "./progress";

const store = pageProgressStore();

/** Adds or removes the done mark (✓ and the words "done" for screen readers) on each chapter link under `root`. */
export function markChapterLinks(root: ParentNode, chapters: readonly ChapterExercises[], progress: Progress, base: string): void {
  const pathOf = (slug: string) => new URL(`${base}${slug}/`, location.origin).pathname;
  const bySlug = new Map(chapters.map((chapter) => [pathOf(chapter.slug), chapter]));
  for (const link of root.querySelectorAll<HTMLAnchorElement>("a[href]")) {
    const chapter = bySlug.get(new URL(link.href, location.href).pathname);
    if (!chapter) continue;
    const done = chapterDone(progress.get(chapter.slug), chapter.exercises);
    const mark = link.querySelector(":scope > .nb-done-mark");
    if (done && !mark) {
      const badge = document.createElement("span");
      badge.className = "nb-done-mark";
      badge.title = "done";
      const icon = document.createElement("span");
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = "✓";
      const words = document.createElement("span");
      words.className = "sr-only";
      words.textContent = " (done)";
      badge.append(icon, words);
      link.append(badge);
    } else if (!done && mark) {
      mark.remove();
    }
    link.toggleAttribute("data-done", done);
  }
}

/** Reads the build's data on a view element. */
function viewData(element: HTMLElement): { chapters: ChapterExercises[]; base: string } {
  return { chapters: JSON.parse(element.dataset.chapters ?? "[]") as ChapterExercises[], base: element.dataset.base ?? "/" };
}

/** `<nb-sidebar-progress>`: marks the sidebar's chapter links and sums up under them. */
export class SidebarProgress extends HTMLElement {
  connectedCallback(): void {
    const { chapters, base } = viewData(this);
    const show = () => {
      const { status, progress } = store.load();
      const nav = this.closest("nav") ?? document;
      markChapterLinks(nav, chapters, progress, base);
      const { chaptersDone } = courseSummary(progress, chapters);
      this.hidden = status !== "ok" || chaptersDone === 0;
      this.textContent = `${chaptersDone} of ${chapters.length} chapters done`;
    };
    watchProgress(show);
    show();
  }
}

/** `<nb-course-progress>`: the home page's summary, the marks on its chapter list, and "Reset progress". */
export class CourseProgress extends HTMLElement {
  private note = "";

  connectedCallback(): void {
    const { chapters, base } = viewData(this);
    if (store.load().status === "unavailable") this.note = "This browser is not letting the page keep your progress (storage is turned off or blocked).";
    const show = () => {
      const { progress } = store.load();
      // A corrupt entry is removed by whichever view of the page (or of another tab) read it first.
      if (store.removedCorrupt) this.note = "Your saved progress could not be read and was removed.";
      const list = document.querySelector(".chapter-list");
      if (list) markChapterLinks(list, chapters, progress, base);
      this.render(courseSummary(progress, chapters));
    };
    const confirm = this.el(".nb-reset-confirm");
    const resetButton = this.el(".nb-reset-progress");
    resetButton.addEventListener("click", () => {
      confirm.hidden = false;
      this.el(".nb-reset-cancel").focus();
    });
    this.el(".nb-reset-cancel").addEventListener("click", () => {
      confirm.hidden = true;
      resetButton.focus();
    });
    this.el(".nb-reset-yes").addEventListener("click", () => {
      const result = store.reset();
      store.removedCorrupt = false;
      confirm.hidden = true;
      this.note = result === "unavailable" ? "Your progress could not be cleared: this browser is not letting the page change its storage." : "Progress reset: every chapter is marked as not done.";
      announceProgress();
      // The Reset button hides with nothing left to reset: the focus goes to the message that says what happened.
      this.el(".nb-progress-note").focus();
    });
    watchProgress(show);
    this.hidden = false;
    show();
  }

  private render(summary: ReturnType<typeof courseSummary>): void {
    const started = summary.chaptersDone > 0 || summary.solved > 0;
    this.el(".nb-course-progress-text").textContent = started
      ? `You have done ${summary.chaptersDone} of ${summary.chapters} chapters and solved ${summary.solved} of ${summary.exercises} exercises.`
      : "No chapter done yet. A chapter counts as done when you solve its exercises or mark it as done at its end.";
    const bar = this.el(".nb-course-progress-bar") as HTMLProgressElement;
    bar.max = Math.max(1, summary.chapters);
    bar.value = summary.chaptersDone;
    this.el(".nb-reset-progress").hidden = !started;
    if (!started) this.el(".nb-reset-confirm").hidden = true;
    const note = this.el(".nb-progress-note");
    note.textContent = this.note;
    note.hidden = this.note === "";
  }

  private el(selector: string): HTMLElement {
    return this.querySelector<HTMLElement>(selector)!;
  }
}

if (!customElements.get("nb-sidebar-progress")) customElements.define("nb-sidebar-progress", SidebarProgress);
if (!customElements.get("nb-course-progress")) customElements.define("nb-course-progress", CourseProgress);
