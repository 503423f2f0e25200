import { describe, expect, it } from "vitest";
import { cellOptionsFromJson, cellsFromFences, defaultCellOptions, fenceKind, parseCellMeta, DEFAULT_TIMEOUT_MS, type Fence } from "../../src/notebook/compile/cells";
import { readChapterCells } from "../chapters/read-chapter";

describe("parseCellMeta", () => {
  it("reads flags and values, ignoring the leading cell word", () => {
    expect(parseCellMeta("cell id=attn hidden readonly expect-error timeout=20000 exercise norun")).toEqual({
      id: "attn", hidden: true, readonly: true, expectError: true, timeout: 20000, exercise: true, norun: true,
    });
    expect(parseCellMeta("")).toMatchObject({ hidden: false, timeout: DEFAULT_TIMEOUT_MS });
    expect(parseCellMeta("solution for=attn").solutionFor).toBe("attn");
  });

  it("fails on typos instead of ignoring them", () => {
    expect(() => parseCellMeta("cell expect_error")).toThrow(/unknown cell option "expect_error"/);
    expect(() => parseCellMeta("cell timeout=soon")).toThrow(/unknown cell option/);
  });
});

describe("cellOptionsFromJson (what the page reads from data-options)", () => {
  it("gives back exactly the options the build parsed", () => {
    const options = parseCellMeta("cell id=train norun exercise timeout=60000 readonly");
    expect(cellOptionsFromJson(JSON.stringify(options))).toEqual(options);
  });

  it("falls back to each option's default for anything missing, mistyped or unreadable", () => {
    expect(cellOptionsFromJson(undefined)).toEqual(defaultCellOptions());
    expect(cellOptionsFromJson("{not json")).toEqual(defaultCellOptions());
    expect(cellOptionsFromJson("null")).toEqual(defaultCellOptions());
    expect(cellOptionsFromJson('{"norun": "yes", "timeout": -5, "exercise": true}')).toEqual({ ...defaultCellOptions(), exercise: true });
    expect(cellOptionsFromJson('{"timeout": 1e400}').timeout).toBe(DEFAULT_TIMEOUT_MS);
  });
});

describe("cellsFromFences", () => {
  const fence = (meta: string | null, value: string, line: number, lang = "ts"): Fence => ({ lang, meta, value, line });

  it("keeps notebook fences only, with ids by position among cells", () => {
    expect(fenceKind({ lang: "ts", meta: "cell id=x" })).toBe("cell");
    expect(fenceKind({ lang: "typescript", meta: "solution for=x" })).toBe("solution");
    expect(fenceKind({ lang: "ts", meta: "cells" })).toBeUndefined();
    expect(fenceKind({ lang: "js", meta: "cell" })).toBeUndefined();
    const cells = cellsFromFences(
      [fence("cell", "a", 3), fence(null, "static", 7), fence("cell id=ex exercise", "b", 9), fence("solution for=ex", "c", 12), fence("cell", "d", 15)],
      "ch",
    );
    expect(cells.map(({ id, kind, line, code }) => ({ id, kind, line, code }))).toEqual([
      { id: "cell-1", kind: "cell", line: 3, code: "a" },
      { id: "ex", kind: "cell", line: 9, code: "b" },
      { id: "ex--solution", kind: "solution", line: 12, code: "c" },
      { id: "cell-3", kind: "cell", line: 15, code: "d" },
    ]);
  });

  it("rejects duplicate ids, solutions without for= and unknown options, naming the MDX line", () => {
    expect(() => cellsFromFences([fence("cell id=x", "1", 2), fence("cell id=x", "2", 6)], "ch")).toThrow(/ch:6: cell id "x" is already used by the cell on line 2/);
    expect(() => cellsFromFences([fence("solution", "1", 4)], "ch")).toThrow(/ch:4: .*for=/);
    expect(() => cellsFromFences([fence("cell hiden", "1", 8)], "ch")).toThrow(/ch:8: unknown cell option "hiden"/);
  });
});

describe("readChapterCells (the build's remark step)", () => {
  const mdx = [
    "---", "title: T", "description: D", "---", "Some prose with $x^2$ math.", "",
    "```ts cell", "const a = 1;", "```", "",
    "````md", "```ts cell id=not-real", "inside an example", "```", "````", "",
    "<details>", "<summary>Hint</summary>", "", "Use `reduce`.", "", "</details>", "",
    "```ts cell exercise id=ex", "const answer = 0;", "", "answer", "```", "",
    "```ts solution for=ex", "const answer = 42;", "```", "",
    "```ts", "static code", "```", "",
    "```ts cell", "a", "```",
  ].join("\n");

  it("finds cells and solutions in page order from the MDX tree, with the fences' lines in the file", async () => {
    const cells = await readChapterCells("/docs/ch.mdx", mdx, "/docs", "/public");
    expect(cells.map(({ id, kind, line, chapter }) => ({ id, kind, line, chapter }))).toEqual([
      { id: "cell-1", kind: "cell", line: 7, chapter: "ch" },
      { id: "ex", kind: "cell", line: 24, chapter: "ch" },
      { id: "ex--solution", kind: "solution", line: 30, chapter: "ch" },
      { id: "cell-3", kind: "cell", line: 38, chapter: "ch" },
    ]);
    expect(cells[1].code).toBe("const answer = 0;\n\nanswer");
    expect(cells[2].options.solutionFor).toBe("ex");
  });

  it("leaves files outside the docs folder alone", async () => {
    expect(await readChapterCells("/elsewhere/ch.mdx", mdx, "/docs", "/public")).toEqual([]);
  });
});
