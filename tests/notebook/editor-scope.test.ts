/**
 * The editor's name checks (src/notebook/page/editor-scope.ts): the names a
 * cell declares, imports and reads, read from CodeMirror's syntax tree, and
 * the "unknown name" warnings. The runtime's own parser (parse.ts, on the
 * transpiled JavaScript) is the reference, and every shipped chapter must
 * pass the check without a single warning.
 */
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { readChapterCells } from "../chapters/read-chapter";
import { transpileCell } from "../../src/notebook/compile/transpile";
import * as library from "../../src/lib/index";
import { bindNotebook, type NotebookContext } from "../../src/notebook/engine/notebook-module";
import { Docs, type DocEntry } from "../../src/notebook/page/editor-docs";
import { checkNames, closestName, editDistance, pageGlobals, scanSource, topLevelDeclarations, type NameContext } from "../../src/notebook/page/editor-scope";

// The names the modules really export (editor-docs.test.ts checks the generated index has the same).
const entry = (module: DocEntry["module"]) => (name: string): DocEntry => ({ name, module, kind: "function", summary: "" });
const notebookContext = { emit: () => "", signal: new AbortController().signal, asset: String, loadBytes: async () => new Uint8Array(), requestFile: async () => ({ name: "", bytes: new Uint8Array() }) } as NotebookContext;
const docs = new Docs({
  entries: [...Object.keys(library).map(entry("transformer")), ...Object.keys(bindNotebook(notebookContext)).map(entry("notebook"))],
  tensorMembers: [],
});

const context = (above: Record<string, string> = {}, below: Record<string, string> = {}): NameContext => ({
  docs,
  above: new Map(Object.entries(above)),
  below: new Map(Object.entries(below)),
  globals: pageGlobals(),
});

const chapterDir = "src/content/docs/";
const chapters = await Promise.all(
  readdirSync(chapterDir)
    .filter((f) => f.endsWith(".mdx"))
    .map(async (file) => ({
      file,
      cells: (await readChapterCells(chapterDir + file, readFileSync(chapterDir + file, "utf8"), chapterDir, "public/")).filter((c) => c.kind === "cell"),
    })),
);

describe("scanning a cell", () => {
  it("finds imports with their local names, declarations at any depth and value references", () => {
    const names = scanSource('import { softmax as sm, tensor } from "transformer";\nconst { a, b: [c] } = f(x);\nfunction g(p: Tensor) { const q = p.shape; return q; }');
    expect(names.imports).toHaveLength(1);
    expect(names.imports[0].module).toBe("transformer");
    expect(names.imports[0].names).toEqual([{ imported: "softmax", local: "sm" }, { imported: "tensor", local: "tensor" }]);
    expect([...names.declared].sort()).toEqual(["a", "c", "g", "p", "q", "sm", "tensor"]);
    expect(names.topLevel).toEqual(["a", "c", "g"]);
    expect(names.references.map((r) => r.name)).toEqual(["f", "x", "p", "q"]);
  });

  it("finds the same top-level declarations as the runtime's parser on every chapter cell", () => {
    let compared = 0;
    for (const { cells } of chapters) {
      for (const cell of cells) {
        let expected: string[];
        try {
          expected = transpileCell(cell.code).declarations;
        } catch {
          continue; // a cell meant not to compile
        }
        expect(topLevelDeclarations(cell.code), `${cell.chapter} ${cell.id}`).toEqual(expected);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });
});

describe("checking names", () => {
  it("underlines a misspelled library name and suggests the right one", () => {
    const problems = checkNames(scanSource('import { softmax } from "transformer";\nconst x = 1;\nsofmax(x)'), context());
    expect(problems.map((p) => p.message)).toEqual(["unknown name `sofmax` — did you mean `softmax`?"]);
    expect(problems[0].suggestion).toBe("softmax");
  });

  it("accepts names from the cell, its imports, the cells above and globals", () => {
    const code = 'import { tensor } from "transformer";\nconst t = tensor([1]);\nfunction f(n) { return n * scores.size + Math.max(1, 2); }\nconsole.log(t, f(2), display);';
    expect(checkNames(scanSource(code), context({ scores: "scores" }))).toEqual([]);
  });

  it("says a library name is not imported, since imports are per cell", () => {
    const [problem] = checkNames(scanSource("const w = softmax(s);"), context({ s: "scores" }));
    expect(problem.message).toMatch(/`softmax` is not imported.*from "transformer"/);
    expect(problem.importFrom).toBe("transformer");
  });

  it("says a name comes from a later cell", () => {
    const [problem] = checkNames(scanSource("const y = later + 1;"), context({}, { later: "cell-9" }));
    expect(problem.message).toMatch(/`later` is declared in a later cell \(cell-9\)/);
  });

  it("leaves the word being typed alone", () => {
    expect(checkNames(scanSource("sofm"), context(), 4)).toEqual([]);
  });

  it("finds nothing wrong in any shipped chapter", () => {
    for (const { file, cells } of chapters) {
      const above = new Map<string, string>();
      for (const cell of cells) {
        if (!cell.options.expectError) {
          const problems = checkNames(scanSource(cell.code), { ...context(), above });
          expect(problems.map((p) => p.message), `${file} ${cell.id}`).toEqual([]);
        }
        for (const name of topLevelDeclarations(cell.code)) above.set(name, cell.id);
      }
    }
  });
});

describe("closestName", () => {
  it("suggests within a small edit distance, counting a swap as one edit", () => {
    expect(editDistance("sofmax", "softmax")).toBe(1);
    expect(editDistance("tesnor", "tensor")).toBe(1);
    expect(closestName("tesnor", ["tensor", "zeros"])).toBe("tensor");
    expect(closestName("xyz", ["softmax"])).toBeUndefined();
    expect(closestName("Softmax", ["softmax", "logSoftmax"])).toBe("softmax");
  });
});
