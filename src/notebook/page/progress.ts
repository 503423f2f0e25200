/**
 * The reader's progress through the course, kept in this browser only.
 *
 * An exercise is solved when a run on the page reported its check as passed;
 * a chapter is done when the reader marked it so, or when every exercise it
 * has is solved. Everything lives in one localStorage entry under a versioned
 * key, as JSON:
 *
 *   { version: 1, chapters: { softmax: { solved: ["ex-softmax"], marked: false } } }
 *
 * Storage is handled as for saved edits (persistence.ts): nothing here throws;
 * a corrupt entry is reported as `corrupt` once and removed, a storage that is
 * blocked, disabled or full as `unavailable`.
 */

/** The localStorage key; a new format gets a new version. */
export const PROGRESS_KEY = "nb-progress:v1";

/** Name of the window event sent after this page changed the progress. */
export const PROGRESS_EVENT = "nb-progress";

/** One chapter's progress. */
export interface ChapterProgress {
  /** Ids of the exercise cells whose check passed. */
  solved: string[];
  /** The reader pressed "Mark chapter as done". */
  marked: boolean;
}

/** The whole course's progress, by chapter slug. */
export type Progress = Map<string, ChapterProgress>;

/** Result of reading the progress; every status carries a usable (maybe empty) progress. */
export type ProgressLoad =
  | { status: "ok"; progress: Progress }
  /** The entry could not be read (bad JSON, wrong shape); it was removed. */
  | { status: "corrupt"; progress: Progress }
  /** localStorage cannot be read at all (disabled, blocked by privacy settings). */
  | { status: "unavailable"; progress: Progress };

/** Result of a change: `unavailable` when the storage is missing, blocked or full. */
export type ProgressSave = "saved" | "unavailable";

/** A chapter as the progress views need it: its slug and the ids of its exercise cells. */
export interface ChapterExercises {
  slug: string;
  exercises: string[];
}

/** True when the reader marked the chapter, or solved each of its exercises (a chapter without exercises needs the mark). */
export function chapterDone(record: ChapterProgress | undefined, exercises: readonly string[]): boolean {
  if (!record) return false;
  return record.marked || (exercises.length > 0 && exercises.every((id) => record.solved.includes(id)));
}

/**
 * The exercise a check belongs to: the nearest exercise cell at or above the
 * cell that reported it, in page order (a check cell follows its exercise;
 * an exercise cell may also check itself). Undefined for a check above every exercise.
 */
export function exerciseOfCheck(cells: readonly { cellId: string; exercise: boolean }[], checkCellId: string): string | undefined {
  const at = cells.findIndex((cell) => cell.cellId === checkCellId);
  for (let i = at; i >= 0; i--) if (cells[i].exercise) return cells[i].cellId;
  return undefined;
}

/** Counts for the home page: chapters done and exercises solved, over the course's current chapters and exercises. */
export function courseSummary(progress: Progress, chapters: readonly ChapterExercises[]): { chaptersDone: number; chapters: number; solved: number; exercises: number } {
  let chaptersDone = 0;
  let solved = 0;
  let exercises = 0;
  for (const chapter of chapters) {
    const record = progress.get(chapter.slug);
    if (chapterDone(record, chapter.exercises)) chaptersDone++;
    exercises += chapter.exercises.length;
    // Only exercises the chapter still has: a removed or renamed exercise does not count.
    solved += chapter.exercises.filter((id) => record?.solved.includes(id)).length;
  }
  return { chaptersDone, chapters: chapters.length, solved, exercises };
}

const ID = /^[A-Za-z][\w-]{0,199}$/;

/** The progress in a stored value, or undefined when it is not one. */
function readProgress(raw: string): Progress | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { version, chapters } = parsed as Record<string, unknown>;
  if (version !== 1 || typeof chapters !== "object" || chapters === null || Array.isArray(chapters)) return undefined;
  const progress: Progress = new Map();
  for (const [slug, value] of Object.entries(chapters)) {
    if (typeof value !== "object" || value === null) return undefined;
    const { solved, marked } = value as Record<string, unknown>;
    if (!Array.isArray(solved) || !solved.every((id) => typeof id === "string" && ID.test(id)) || typeof marked !== "boolean") return undefined;
    progress.set(slug, { solved: [...new Set(solved as string[])], marked });
  }
  return progress;
}

function serialize(progress: Progress): string {
  const chapters: Record<string, ChapterProgress> = {};
  for (const [slug, record] of progress) {
    if (record.marked || record.solved.length > 0) chapters[slug] = record;
  }
  return JSON.stringify({ version: 1, chapters });
}

/** Reads and writes the progress in a `Storage` (localStorage in the page, a stub in tests). */
export class ProgressStore {
  /**
   * Set once `load` found a corrupt entry (and removed it): the views that can
   * show a note read it here, whichever of them loaded first.
   */
  removedCorrupt = false;

  /** @param storage `null` when the browser gives no storage at all (access throws in some privacy modes). */
  constructor(private readonly storage: Storage | null) {}

  /** The page's localStorage, or a store that reports `unavailable` when reading it throws. */
  static fromWindow(): ProgressStore {
    try {
      return new ProgressStore(window.localStorage);
    } catch {
      return new ProgressStore(null);
    }
  }

  /** The stored progress; an entry that cannot be read is removed, so it is reported only once. */
  load(): ProgressLoad {
    if (!this.storage) return { status: "unavailable", progress: new Map() };
    let raw: string | null;
    try {
      raw = this.storage.getItem(PROGRESS_KEY);
    } catch {
      return { status: "unavailable", progress: new Map() };
    }
    if (raw === null) return { status: "ok", progress: new Map() };
    const progress = readProgress(raw);
    if (progress) return { status: "ok", progress };
    this.reset();
    this.removedCorrupt = true;
    return { status: "corrupt", progress: new Map() };
  }

  /** Records a passed check of exercise `exerciseId` in `chapter`. */
  solve(chapter: string, exerciseId: string): ProgressSave {
    return this.change(chapter, (record) => (record.solved.includes(exerciseId) ? record : { ...record, solved: [...record.solved, exerciseId] }));
  }

  /** Marks `chapter` as done by hand, or takes the mark back. */
  mark(chapter: string, marked: boolean): ProgressSave {
    return this.change(chapter, (record) => ({ ...record, marked }));
  }

  /** Forgets all progress (Reset progress). */
  reset(): ProgressSave {
    if (!this.storage) return "unavailable";
    try {
      this.storage.removeItem(PROGRESS_KEY);
      return "saved";
    } catch {
      return "unavailable";
    }
  }

  /** Reads, changes one chapter and writes back (a corrupt entry was already reported by `load` and starts afresh). */
  private change(chapter: string, update: (record: ChapterProgress) => ChapterProgress): ProgressSave {
    const { status, progress } = this.load();
    if (status === "unavailable") return "unavailable";
    progress.set(chapter, update(progress.get(chapter) ?? { solved: [], marked: false }));
    try {
      this.storage!.setItem(PROGRESS_KEY, serialize(progress));
      return "saved";
    } catch {
      // QuotaExceededError, or a storage that refuses writes.
      return "unavailable";
    }
  }
}

let pageStore: ProgressStore | undefined;

/** The one store of the page, shared by its views (so a corrupt entry found by one is reported by another). */
export function pageProgressStore(): ProgressStore {
  return (pageStore ??= ProgressStore.fromWindow());
}

/** Tells the page's progress views (sidebar, home page, chapter control) that the progress changed. */
export function announceProgress(): void {
  window.dispatchEvent(new CustomEvent(PROGRESS_EVENT));
}

/** Calls `onChange` when the progress changes in this page or in another tab. */
export function watchProgress(onChange: () => void): void {
  window.addEventListener(PROGRESS_EVENT, onChange);
  window.addEventListener("storage", (event) => {
    if (event.key === PROGRESS_KEY || event.key === null) onChange();
  });
}
