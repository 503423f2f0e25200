import { describe, expect, it } from "vitest";
import { extractCells, parseCellMeta, DEFAULT_TIMEOUT_MS } from "../../src/notebook/cells";

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

describe("extractCells", () => {
  const mdx = [
    "---", "title: T", "---", "Some prose.", "",
    "```ts cell", "const a = 1;", "```", "",
    "````md", "```ts cell id=not-real", "inside an example", "```", "````", "",
    "```ts cell exercise id=ex", "const answer = 0;", "", "answer", "```",
    "```ts solution for=ex", "const answer = 42;", "```",
    "```ts", "static code", "```",
    "```ts cell", "a", "```",
  ].join("\n");

  it("finds cells and solutions in page order, with ids by position and fence lines", () => {
    const cells = extractCells(mdx, "ch");
    expect(cells.map(({ id, kind, line }) => ({ id, kind, line }))).toEqual([
      { id: "cell-1", kind: "cell", line: 6 },
      { id: "ex", kind: "cell", line: 16 },
      { id: "ex--solution", kind: "solution", line: 21 },
      { id: "cell-3", kind: "cell", line: 27 },
    ]);
    expect(cells[1].code).toBe("const answer = 0;\n\nanswer");
    expect(cells[2].options.solutionFor).toBe("ex");
  });

  it("rejects duplicate ids and solutions without for=", () => {
    expect(() => extractCells("```ts cell id=x\n1\n```\n```ts cell id=x\n2\n```", "ch")).toThrow(/already used/);
    expect(() => extractCells("```ts solution\n1\n```", "ch")).toThrow(/for=/);
  });
});
