import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { transpileCell, wrapCell, CellSyntaxError, PRELUDE_LINES } from "../../src/notebook/compile/transpile";
import { expectMatchesFile } from "./snapshot";

const dir = fileURLToPath(new URL("./transpile/", import.meta.url));

/** Inputs as the engine would bind them if earlier cells declared every non-global name. */
function wrapForGolden(source: string, cellId: string): string {
  const cell = transpileCell(source);
  const builtins: string[] = cell.references.filter((name) => name === "display");
  const inputs = cell.references.filter((name) => !(name in globalThis) && !builtins.includes(name));
  return wrapCell(cell, { inputs, builtins, cellId });
}

describe("transpile goldens (input/*.ts -> output/*.js)", () => {
  for (const file of readdirSync(`${dir}input`).filter((f) => f.endsWith(".ts"))) {
    it(file, () => {
      const source = readFileSync(`${dir}input/${file}`, "utf8");
      const cellId = file.replace(/\.ts$/, "");
      expectMatchesFile(wrapForGolden(source, cellId), `${dir}output/${cellId}.js`);
    });
  }
});

describe("transpileCell", () => {
  it("keeps every line of the TypeScript on the same line of the body", () => {
    const source = readFileSync(`${dir}input/inputs-and-types.ts`, "utf8");
    const body = transpileCell(source).body.split("\n");
    const lines = source.split("\n");
    expect(body).toHaveLength(lines.length);
    // Each line's identifiers survive on the same line (types are removed, names are not).
    lines.forEach((line, i) => {
      for (const word of line.match(/\b(const|function|return|headSize|config)\b/g) ?? []) expect(body[i]).toContain(word);
    });
  });

  it("maps a column after a removed type annotation back to the TypeScript column", () => {
    const source = "const n: number = 1; const bad: string = oops;";
    const cell = transpileCell(source);
    const jsColumn = cell.body.indexOf("oops");
    expect(cell.toSource({ line: 0, column: jsColumn })).toEqual({ line: 0, column: source.indexOf("oops") });
  });

  it("reports syntax errors at the reader's line and column", () => {
    const source = "const a: number = 1;\nconst b = (;\n";
    const error = catchError(() => transpileCell(source));
    expect(error).toBeInstanceOf(CellSyntaxError);
    expect(error.position).toEqual({ line: 1, column: source.split("\n")[1].indexOf(";") });
  });

  it("reports errors that only the JavaScript parser sees in TypeScript coordinates", () => {
    // sucrase accepts the duplicate declaration; acorn rejects it, on the JS text.
    const source = "type T = number;\nlet value: T = 1;\nlet value: T = 2;";
    const error = catchError(() => transpileCell(source));
    expect(error.message).toMatch(/already been declared/);
    expect(error.position.line).toBe(2);
  });

  it("rejects imports of other modules with a clear message", () => {
    const error = catchError(() => transpileCell('import fs from "node:fs";\nfs'));
    expect(error.message).toContain("only 'transformer' and 'notebook' can be imported in a cell");
    expect(error.position.line).toBe(0);
  });

  it("shows the value only when the last statement is an expression", () => {
    expect(transpileCell("1 + 1").hasValue).toBe(true);
    expect(transpileCell("1 + 1;\nconst x = 2;").hasValue).toBe(false);
  });

  it("puts the cell's first line right after the prelude", () => {
    const wrapped = wrapCell(transpileCell("const a = 1;"), { inputs: ["b"], builtins: [], cellId: "x" });
    expect(wrapped.split("\n")[PRELUDE_LINES]).toBe("const a = 1;");
  });
});

function catchError(fn: () => unknown): CellSyntaxError {
  try {
    fn();
  } catch (error) {
    return error as CellSyntaxError;
  }
  throw new Error("expected an error");
}
