/**
 * Turns a cell's TypeScript into a function the engine can call.
 *
 * Step 1 (`transpileCell`, cached by source): sucrase strips the types (lines
 * stay 1:1), acorn finds the scope facts, and the body is rewritten in place:
 * imports are removed (they become lookups in the prelude) and the last
 * expression statement is captured as the cell's value.
 *
 * Step 2 (`wrapCell`, cheap, per run): the body is wrapped in an async
 * function whose first line binds the cell's inputs from the chapter scope and
 * its imports from the module objects, and whose last line hands the cell's
 * declarations back:
 *
 * ```js
 * (async function (__nb) { const {a} = __nb.scope; const {tensor} = __nb.modules["transformer"];
 * ...the cell's lines, unchanged apart from the rewrites...
 * __nb.define({ b, c });
 * })
 * //# sourceURL=nb-cell-<id>.js
 * ```
 *
 * So line L of the reader's TypeScript is line L + 1 of the evaluated text.
 */
import { transform } from "sucrase";
import { parseCell, CellParseError, type CellImport } from "./parse";
import {
  applyEdits,
  decodeMappings,
  mapThrough,
  offsetToPosition,
  positionToOffset,
  unapplyEdits,
  type Edit,
  type LineMappings,
  type Position,
} from "./source-map";

/** A cell compiled once per distinct source. */
export interface TranspiledCell {
  /** The cell's JavaScript after rewrites; same number of lines as the TypeScript. */
  body: string;
  /** Top-level names the cell defines. */
  declarations: string[];
  /** Free names the cell reads (from earlier cells, builtins or globals). */
  references: string[];
  imports: CellImport[];
  /** Whether the last statement is an expression whose value the cell shows. */
  hasValue: boolean;
  /** Maps a 0-based position in `body` to the reader's TypeScript. */
  toSource(position: Position): Position;
}

/** A cell that does not compile, with its 0-based position in the TypeScript. */
export class CellSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly position: Position,
  ) {
    super(message);
    this.name = "SyntaxError";
  }
}

/** The variable the transpiled body uses to reach the engine; cells must not use it. */
export const RUNTIME_NAME = "__nb";
const VALUE_PREFIX = `${RUNTIME_NAME}.value = (`;

const cache = new Map<string, TranspiledCell | CellSyntaxError>();
const CACHE_LIMIT = 500;

/**
 * Strips types and rewrites a cell. Results (and syntax errors) are cached by
 * source text, so rerunning an unchanged cell costs no compilation.
 * @throws CellSyntaxError when the cell does not parse or imports an unknown module
 */
export function transpileCell(source: string): TranspiledCell {
  let result = cache.get(source);
  if (!result) {
    try {
      result = compile(source);
    } catch (error) {
      if (!(error instanceof CellSyntaxError)) throw error;
      result = error;
    }
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(source, result);
  }
  if (result instanceof CellSyntaxError) throw result;
  return result;
}

function compile(source: string): TranspiledCell {
  let js: string;
  let mappings: LineMappings;
  try {
    const output = transform(source, {
      transforms: ["typescript"],
      disableESTransforms: true,
      filePath: "cell.ts",
      sourceMapOptions: { compiledFilename: "cell.js" },
    });
    js = output.code;
    mappings = decodeMappings(output.sourceMap!.mappings);
  } catch (error) {
    const e = error as Error & { pos?: number };
    const position = typeof e.pos === "number" ? offsetToPosition(source, e.pos) : { line: 0, column: 0 };
    const message = e.message.replace(/^Error transforming [^:]*:\s*/, "").replace(/\s*\(\d+:\d+\)$/, "");
    throw new CellSyntaxError(message, position);
  }

  const toJs = (position: Position) => mapThrough(mappings, position);
  let parsed;
  try {
    parsed = parseCell(js);
  } catch (error) {
    if (!(error instanceof CellParseError)) throw error;
    throw new CellSyntaxError(error.message, toJs(offsetToPosition(js, error.pos)));
  }
  if (parsed.references.includes(RUNTIME_NAME) || parsed.declarations.includes(RUNTIME_NAME)) {
    throw new CellSyntaxError(`the name ${RUNTIME_NAME} is reserved by the notebook`, { line: 0, column: 0 });
  }

  const edits: Edit[] = [];
  const removed = new Set<number>();
  for (const { start, end } of parsed.imports) {
    if (removed.has(start)) continue;
    removed.add(start);
    // Keep the newlines so every later line keeps its number.
    edits.push({ at: start, removed: end - start, inserted: js.slice(start, end).replace(/[^\n]/g, "") });
  }
  const last = parsed.program.body.at(-1);
  // A lone string literal parses as a directive ("use strict"-like); a reader who writes `"hello"` means the value.
  const hasValue = last?.type === "ExpressionStatement";
  if (hasValue) {
    const expression = last.expression;
    edits.push({ at: expression.start, removed: 0, inserted: VALUE_PREFIX });
    edits.push({ at: expression.end, removed: 0, inserted: ")" });
  }
  const body = applyEdits(js, edits);

  return {
    body,
    declarations: parsed.declarations,
    references: parsed.references,
    imports: parsed.imports,
    hasValue,
    toSource(position) {
      const jsOffset = unapplyEdits(positionToOffset(body, position), edits);
      return toJs(offsetToPosition(js, jsOffset));
    },
  };
}

/** What the prelude binds, decided per run from the chapter scope. */
export interface CellBindings {
  /** Names read from the chapter scope (declared by earlier cells). */
  inputs: string[];
  /** Names supplied by the notebook without an import (e.g. `display`). */
  builtins: string[];
  /** Used in stack traces: `nb-cell-<id>.js`. */
  cellId: string;
}

/** Lines the wrapper adds above the cell's first line. */
export const PRELUDE_LINES = 1;

/**
 * The complete function expression for indirect `eval`. Calling it with the
 * runtime object runs the cell; see the file comment for the shape.
 */
export function wrapCell(cell: TranspiledCell, { inputs, builtins, cellId }: CellBindings): string {
  const bindings: string[] = [];
  if (inputs.length) bindings.push(`const {${inputs.join(", ")}} = ${RUNTIME_NAME}.scope;`);
  if (builtins.length) bindings.push(`const {${builtins.join(", ")}} = ${RUNTIME_NAME}.builtins;`);
  const byModule = new Map<string, CellImport[]>();
  for (const entry of cell.imports) {
    if (entry.imported === "*") {
      bindings.push(`const ${entry.local} = ${RUNTIME_NAME}.import(${JSON.stringify(entry.module)}, []);`);
    } else {
      byModule.set(entry.module, [...(byModule.get(entry.module) ?? []), entry]);
    }
  }
  for (const [module, entries] of byModule) {
    const pattern = entries.map(({ imported, local }) => (imported === local ? local : `${JSON.stringify(imported)}: ${local}`));
    const names = JSON.stringify(entries.map((e) => e.imported));
    bindings.push(`const {${pattern.join(", ")}} = ${RUNTIME_NAME}.import(${JSON.stringify(module)}, ${names});`);
  }
  const define = `${RUNTIME_NAME}.define({${cell.declarations.join(", ")}});`;
  const safeId = cellId.replace(/[^\w-]/g, "_");
  return `(async function (${RUNTIME_NAME}) { ${bindings.join(" ")}\n${cell.body}\n${define}\n})\n//# sourceURL=nb-cell-${safeId}.js`;
}
