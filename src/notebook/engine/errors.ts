/**
 * Turns whatever a cell threw into a `CellError` located in the reader's
 * TypeScript, with a stack that shows only cells and library frames.
 *
 * Cell code runs from `nb-cell-<id>.js` (see transpile.ts), so a stack frame
 * naming that file is the reader's code: its line and column are mapped back
 * through the cell's transpilation. Runtime internals are dropped.
 */
import type { CellError } from "../protocol";
import { PRELUDE_LINES, type CellSyntaxError, type TranspiledCell } from "../compile/transpile";

/** Finds the transpilation of the cell whose stack-trace file id is `safeId`. */
export type CellLookup = (safeId: string) => { id: string; cell: TranspiledCell } | undefined;

const CELL_FRAME = /nb-cell-([\w-]+)\.js:(\d+):(\d+)/;
const LIBRARY_FRAME = /(?:^|[/\\(@\s])((?:src\/)?lib\/[\w/.-]+\.[jt]s):(\d+):(\d+)/;

/** A compile-time error (sucrase, acorn, unknown import) as a `CellError`. */
export function syntaxCellError(error: CellSyntaxError): CellError {
  return { name: "SyntaxError", message: error.message, line: error.position.line + 1, column: error.position.column + 1 };
}

/** A thrown value as a `CellError`, located in the cell `cellId` when the stack allows. */
export function runtimeCellError(thrown: unknown, cellId: string, lookup: CellLookup): CellError {
  const error = readThrown(thrown);
  const frames: string[] = [];
  let position: { line: number; column: number } | undefined;
  for (const frame of String(error.stack ?? "").split("\n")) {
    const cellFrame = CELL_FRAME.exec(frame);
    if (cellFrame) {
      const found = lookup(cellFrame[1]);
      const mapped = found && toSource(found.cell, Number(cellFrame[2]), Number(cellFrame[3]));
      if (!found || !mapped) continue;
      if (!position && found.id === cellId) position = mapped;
      const fn = functionName(frame);
      frames.push(`at ${fn ? `${fn} ` : ""}(cell "${found.id}", line ${mapped.line}, column ${mapped.column})`);
      continue;
    }
    const libraryFrame = LIBRARY_FRAME.exec(frame);
    if (libraryFrame) {
      const fn = functionName(frame);
      frames.push(`at ${fn ? `${fn} ` : ""}(${libraryFrame[1]}:${libraryFrame[2]}:${libraryFrame[3]})`);
    }
  }
  return {
    name: error.name || "Error",
    message: error.message,
    ...(position ?? {}),
    ...(frames.length ? { stack: frames.join("\n") } : {}),
  };
}

/**
 * The name, message and stack of whatever was thrown, read so that nothing
 * the value does can throw or hang here: getters that throw, proxies, symbols
 * and objects whose `toString` throws all give plain text.
 */
function readThrown(thrown: unknown): { name: string; message: string; stack: string } {
  const read = (key: string): unknown => {
    try {
      return (thrown as Record<string, unknown>)[key];
    } catch {
      return undefined;
    }
  };
  const isObject = (typeof thrown === "object" && thrown !== null) || typeof thrown === "function";
  let hasMessage = false;
  try {
    hasMessage = isObject && (thrown instanceof Error || "message" in (thrown as object));
  } catch {
    // A proxy whose `has` trap throws.
  }
  if (!hasMessage) return { name: "Error", message: `a cell threw ${describeValue(thrown)}`, stack: "" };
  const name = read("name");
  const message = read("message");
  const stack = read("stack");
  return {
    name: typeof name === "string" ? name : "Error",
    message: typeof message === "string" ? message : describeValue(message),
    stack: typeof stack === "string" ? stack : "",
  };
}

/** Short text for any value, without calling anything the value defines. */
function describeValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
    case "symbol":
      return value.toString();
    case "object":
      return value === null ? "null" : "an object";
    case "function":
      return "a function";
    default:
      return String(value);
  }
}

/**
 * Imports are per cell, so a reader who imported `tensor` in one cell and
 * uses it in the next gets "tensor is not defined". When the missing name is
 * an export of an importable module, say which import line fixes it.
 * @param modules the importable modules by name, e.g. `{ transformer, notebook }`
 */
export function withImportHint(error: CellError, modules: Record<string, object>): CellError {
  const missing = error.name === "ReferenceError" ? /^(\S+) is not defined$/.exec(error.message)?.[1] : undefined;
  const module = missing && Object.keys(modules).find((name) => Object.hasOwn(modules[name], missing));
  if (!module) return error;
  return {
    ...error,
    message: `${error.message}: imports are per cell, so add import { ${missing} } from "${module}"; to this cell`,
  };
}

/** 1-based evaluated-code position -> 1-based TypeScript position, or undefined in the wrapper lines. */
function toSource(cell: TranspiledCell, line: number, column: number): { line: number; column: number } | undefined {
  const bodyLine = line - 1 - PRELUDE_LINES;
  const bodyLines = cell.body.split("\n").length;
  if (bodyLine < 0 || bodyLine >= bodyLines) return undefined;
  const source = cell.toSource({ line: bodyLine, column: Math.max(0, column - 1) });
  return { line: source.line + 1, column: source.column + 1 };
}

/** The function name of a V8 (`at name (...)`) or Firefox/Safari (`name@...`) frame. */
function functionName(frame: string): string | undefined {
  const v8 = /^\s*at (?:async )?([^\s(]+) \(/.exec(frame);
  if (v8) return v8[1] === "eval" ? undefined : v8[1];
  const gecko = /^([^@\s]+)@/.exec(frame);
  return gecko?.[1];
}
