import { describe, expect, it } from "vitest";
import { parseCell, CellParseError } from "../../src/notebook/compile/parse";

describe("parseCell", () => {
  it("finds top-level declarations, including destructuring, functions and classes", () => {
    const { declarations } = parseCell("const { a, b: [c, ...d] } = o; let e = 1, f; var g; function h() {} class K {}");
    expect(declarations).toEqual(["a", "c", "d", "e", "f", "g", "h", "K"]);
  });

  it("does not count names declared inside blocks or functions as the cell's", () => {
    const { declarations } = parseCell("if (ok) { const inner = 1; } function f() { const local = 2; }");
    expect(declarations).toEqual(["f"]);
  });

  it("finds free references but not names shadowed by parameters, locals or catch clauses", () => {
    const { references } = parseCell(
      "const y = x + 1; function f(x) { const z = x; return z + w; } try { q(); } catch (err) { err; } [1].map((v) => v * k);",
    );
    expect(references).toEqual(["k", "q", "w", "x"]);
  });

  it("treats a cell's own top-level names as declared, even when used before their line", () => {
    expect(parseCell("function f() { return later; } const later = 1;").references).toEqual([]);
  });

  it("ignores property names and object keys but not computed ones", () => {
    expect(parseCell("o.p; ({ key: 1, [k]: 2 }); o[i];").references).toEqual(["i", "k", "o"]);
  });

  it("counts assignment targets from other cells as references", () => {
    expect(parseCell("count += 1; [a, b] = pair;").references).toEqual(["a", "b", "count", "pair"]);
  });

  it("lists imports from transformer and notebook with their local names", () => {
    const { imports, references } = parseCell('import { tensor as t } from "transformer";\nimport * as nb from "notebook";\nt(nb)');
    expect(imports.map(({ module, imported, local }) => ({ module, imported, local }))).toEqual([
      { module: "transformer", imported: "tensor", local: "t" },
      { module: "notebook", imported: "*", local: "nb" },
    ]);
    expect(references).toEqual([]);
  });

  it("rejects other modules, default imports and exports", () => {
    expect(() => parseCell('import x from "lodash"')).toThrow(/only 'transformer' and 'notebook' can be imported/);
    expect(() => parseCell('import t from "transformer"')).toThrow(/no default export/);
    expect(() => parseCell("export const a = 1")).toThrow(CellParseError);
  });

  it("accepts top-level await", () => {
    expect(parseCell("const r = await fetchIt();").references).toEqual(["fetchIt"]);
  });
});
