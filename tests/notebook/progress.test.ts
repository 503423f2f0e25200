import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import {
  chapterDone,
  courseSummary,
  exerciseOfCheck,
  PROGRESS_KEY,
  ProgressStore,
  type Progress,
} from "../../src/notebook/page/progress";
import { exerciseIds, fencesOf } from "../../src/integrations/chapter-exercises";
import { readChapterCells } from "../chapters/read-chapter";

/** A Storage like the browser's, with a character quota beyond which setItem throws. */
class MemoryStorage implements Storage {
  readonly items = new Map<string, string>();
  constructor(private readonly quotaChars = Infinity) {}
  get length() {
    return this.items.size;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    if (key.length + value.length > this.quotaChars) throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    this.items.set(key, String(value));
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  clear() {
    this.items.clear();
  }
}

/** A Storage whose every access throws, as in browsers that block site data. */
class BlockedStorage extends MemoryStorage {
  override getItem(): string | null {
    throw new DOMException("Access denied", "SecurityError");
  }
  override setItem(): void {
    throw new DOMException("Access denied", "SecurityError");
  }
  override removeItem(): void {
    throw new DOMException("Access denied", "SecurityError");
  }
}

describe("ProgressStore", () => {
  it("records solved exercises and marks per chapter, and survives a new store on the same storage (a reload)", () => {
    const storage = new MemoryStorage();
    const store = new ProgressStore(storage);
    expect(store.load()).toEqual({ status: "ok", progress: new Map() });
    expect(store.solve("softmax", "ex-softmax")).toBe("saved");
    expect(store.solve("softmax", "ex-softmax")).toBe("saved");
    expect(store.mark("patches", true)).toBe("saved");
    const reloaded = new ProgressStore(storage).load();
    expect(reloaded.status).toBe("ok");
    expect(reloaded.progress.get("softmax")).toEqual({ solved: ["ex-softmax"], marked: false });
    expect(reloaded.progress.get("patches")).toEqual({ solved: [], marked: true });
    expect(JSON.parse(storage.getItem(PROGRESS_KEY)!).version).toBe(1);
  });

  it("takes a mark back, and drops a chapter with nothing left to remember", () => {
    const storage = new MemoryStorage();
    const store = new ProgressStore(storage);
    store.mark("patches", true);
    store.mark("patches", false);
    expect(store.load().progress.has("patches")).toBe(false);
    expect(JSON.parse(storage.getItem(PROGRESS_KEY)!)).toEqual({ version: 1, chapters: {} });
  });

  it("reset forgets everything", () => {
    const storage = new MemoryStorage();
    const store = new ProgressStore(storage);
    store.solve("softmax", "ex-softmax");
    expect(store.reset()).toBe("saved");
    expect(storage.getItem(PROGRESS_KEY)).toBeNull();
    expect(store.load().progress.size).toBe(0);
  });

  it.each([
    ["not JSON", "{oops"],
    ["another version", JSON.stringify({ version: 2, chapters: {} })],
    ["chapters not an object", JSON.stringify({ version: 1, chapters: [] })],
    ["solved not a list", JSON.stringify({ version: 1, chapters: { a: { solved: "x", marked: false } } })],
    ["a strange exercise id", JSON.stringify({ version: 1, chapters: { a: { solved: ["<b>"], marked: false } } })],
    ["marked not a boolean", JSON.stringify({ version: 1, chapters: { a: { solved: [], marked: "yes" } } })],
  ])("reports a corrupt entry (%s) once, removes it, and starts afresh", (_, raw) => {
    const storage = new MemoryStorage();
    storage.setItem(PROGRESS_KEY, raw);
    const store = new ProgressStore(storage);
    expect(store.removedCorrupt).toBe(false);
    expect(store.load()).toEqual({ status: "corrupt", progress: new Map() });
    expect(storage.getItem(PROGRESS_KEY)).toBeNull();
    expect(store.load().status).toBe("ok");
    // Whichever view loads next on the page can still tell the reader.
    expect(store.removedCorrupt).toBe(true);
    expect(store.solve("softmax", "ex-softmax")).toBe("saved");
  });

  it("reports a full storage as unavailable instead of throwing, and keeps what was stored", () => {
    const storage = new MemoryStorage(80);
    const store = new ProgressStore(storage);
    expect(store.mark("a", true)).toBe("saved");
    expect(store.solve("a-chapter-with-a-long-name", "an-exercise-with-a-long-name")).toBe("unavailable");
    expect(store.load().progress.get("a")).toEqual({ solved: [], marked: true });
  });

  it("reports blocked or missing storage as unavailable", () => {
    for (const store of [new ProgressStore(new BlockedStorage()), new ProgressStore(null)]) {
      expect(store.load()).toEqual({ status: "unavailable", progress: new Map() });
      expect(store.solve("softmax", "ex-softmax")).toBe("unavailable");
      expect(store.mark("softmax", true)).toBe("unavailable");
      expect(store.reset()).toBe("unavailable");
    }
  });
});

describe("progress rules", () => {
  it("a chapter is done when marked, or when every one of its exercises is solved", () => {
    expect(chapterDone(undefined, ["a"])).toBe(false);
    expect(chapterDone({ solved: [], marked: true }, ["a"])).toBe(true);
    expect(chapterDone({ solved: ["a"], marked: false }, ["a", "b"])).toBe(false);
    expect(chapterDone({ solved: ["b", "a"], marked: false }, ["a", "b"])).toBe(true);
    // No exercises: only the mark makes it done.
    expect(chapterDone({ solved: [], marked: false }, [])).toBe(false);
  });

  it("the course summary counts only the chapters and exercises the course has now", () => {
    const progress: Progress = new Map([
      ["patches", { solved: ["ex-count", "ex-gone"], marked: false }],
      ["softmax", { solved: ["ex-softmax"], marked: false }],
      ["intro", { solved: [], marked: true }],
      ["removed-chapter", { solved: [], marked: true }],
    ]);
    const chapters = [
      { slug: "intro", exercises: [] },
      { slug: "patches", exercises: ["ex-count", "ex-loops"] },
      { slug: "softmax", exercises: ["ex-softmax"] },
    ];
    expect(courseSummary(progress, chapters)).toEqual({ chaptersDone: 2, chapters: 3, solved: 2, exercises: 3 });
  });

  it("a check belongs to the nearest exercise at or above its cell", () => {
    const cells = [
      { cellId: "intro", exercise: false },
      { cellId: "ex-a", exercise: true },
      { cellId: "check-a", exercise: false },
      { cellId: "ex-b", exercise: true },
      { cellId: "check-b", exercise: false },
    ];
    expect(exerciseOfCheck(cells, "check-a")).toBe("ex-a");
    expect(exerciseOfCheck(cells, "check-b")).toBe("ex-b");
    expect(exerciseOfCheck(cells, "ex-b")).toBe("ex-b");
    expect(exerciseOfCheck(cells, "intro")).toBeUndefined();
    expect(exerciseOfCheck(cells, "unknown")).toBeUndefined();
  });
});

describe("exercise ids from a chapter's source", () => {
  it("skip fences inside a longer fence (an example of how to write a cell)", () => {
    const source = ["````md", "```ts cell id=fake exercise", "x", "```", "````", "", "```ts cell id=real exercise", "1", "```"].join("\n");
    expect(fencesOf(source).map((fence) => fence.meta)).toEqual(["", "cell id=real exercise"]);
    expect(exerciseIds(source, "t")).toEqual(["real"]);
  });

  const docsDir = fileURLToPath(new URL("../../src/content/docs/", import.meta.url));
  const publicDir = fileURLToPath(new URL("../../public/", import.meta.url));
  it("agree with the build's reading of every chapter", async () => {
    let total = 0;
    for (const name of readdirSync(docsDir).filter((file) => file.endsWith(".mdx"))) {
      const path = join(docsDir, name);
      const source = readFileSync(path, "utf8");
      const cells = await readChapterCells(path, source, docsDir, publicDir);
      const expected = cells.filter((cell) => cell.kind === "cell" && cell.options.exercise).map((cell) => cell.id);
      expect(exerciseIds(source, name), name).toEqual(expected);
      total += expected.length;
    }
    expect(total).toBeGreaterThan(10);
  });
});
