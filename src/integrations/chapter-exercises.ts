/**
 * The ids of a chapter's exercise cells, read from its MDX source, for the
 * progress views (sidebar, home page, the chapter's own "done" control),
 * which are built without running the remark pipeline on every chapter.
 *
 * Only the fences are found here (CommonMark's rule: a fence closes with a
 * fence of the same character at least as long, so a ```` ```ts cell ```` inside a
 * four-backtick example is prose); their options and ids come from the one
 * parser, `cellsFromFences`. tests/notebook/progress.test.ts checks the
 * result against the build's own reading of every chapter.
 */
import { cellsFromFences, type Fence } from "../notebook/compile/cells";

const OPEN = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/;

/** The fenced code blocks of a Markdown/MDX source, in order (an unclosed fence runs to the end, as in CommonMark). */
export function fencesOf(source: string): Fence[] {
  const lines = source.split(/\r?\n/);
  const fences: Fence[] = [];
  let open: { marker: string; lang: string; meta: string; line: number; body: string[] } | undefined;
  lines.forEach((text, index) => {
    if (open) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(text);
      if (close && close[1][0] === open.marker[0] && close[1].length >= open.marker.length) {
        fences.push({ lang: open.lang, meta: open.meta, value: open.body.join("\n"), line: open.line });
        open = undefined;
      } else {
        open.body.push(text);
      }
      return;
    }
    const start = OPEN.exec(text);
    if (start) open = { marker: start[1], lang: start[2], meta: start[3].trim(), line: index + 1, body: [] };
  });
  if (open) fences.push({ lang: open.lang, meta: open.meta, value: open.body.join("\n"), line: open.line });
  return fences;
}

/** The ids of the exercise cells (` ```ts cell id=x exercise `) of a chapter, in page order. */
export function exerciseIds(source: string, chapter: string): string[] {
  return cellsFromFences(fencesOf(source), chapter)
    .filter((cell) => cell.kind === "cell" && cell.options.exercise)
    .map((cell) => cell.id);
}

/** A content collection entry, as much as `courseExercises` reads of it. */
interface ChapterEntry {
  id: string;
  body?: string;
  data: { order?: number };
}

/** The course's chapters in order, each with its exercise ids: the data of the progress views. */
export function courseExercises(entries: readonly ChapterEntry[]): { slug: string; exercises: string[] }[] {
  return entries
    .filter((entry) => entry.data.order !== undefined)
    .sort((a, b) => a.data.order! - b.data.order!)
    .map((entry) => ({ slug: entry.id, exercises: exerciseIds(entry.body ?? "", entry.id) }));
}
