/**
 * What the editor knows about a cell's names, read from CodeMirror's syntax
 * tree (the Lezer TypeScript grammar the editor already loads; the runtime's
 * acorn parser in parse.ts would need type stripping first and weighs more).
 *
 * The scan is deliberately lenient: a name declared anywhere in the cell
 * (even inside a function) counts as declared, and only value positions are
 * checked, never types. It catches typos and forgotten imports before the
 * cell runs; scoping subtleties are left to the run itself.
 */
import type { SyntaxNode, Tree } from "@lezer/common";
import { typescriptLanguage } from "@codemirror/lang-javascript";
import type { Docs } from "./editor-docs";

/** One `import { … } from "module"` line. */
export interface ImportLine {
  module: string;
  /** `imported` as `local`. */
  names: { imported: string; local: string }[];
  /** The whole declaration. */
  from: number;
  to: number;
  /** Position just before the closing `}` of its name list (to add a name), if it has one. */
  groupEnd?: number;
}

/** A name read in a value position. */
export interface Reference {
  name: string;
  from: number;
  to: number;
}

/** The scope facts of one cell. */
export interface CellNames {
  /** Every name the cell binds, at any depth. */
  declared: Set<string>;
  /** Names declared at the top level: what later cells can use. */
  topLevel: string[];
  imports: ImportLine[];
  references: Reference[];
}

/** Names a cell may use without declaring or importing them (besides the page's globals). */
export const CELL_GLOBALS = ["display", "console", "arguments", "undefined", "globalThis"];

const text = (doc: string, node: SyntaxNode) => doc.slice(node.from, node.to);

/** Scans a parsed cell. */
export function scanCell(tree: Tree, doc: string): CellNames {
  const declared = new Set<string>();
  const imports: ImportLine[] = [];
  const references: Reference[] = [];
  tree.iterate({
    enter(ref) {
      const node = ref.node;
      if (ref.name === "ImportDeclaration") {
        imports.push(importLine(node, doc));
      } else if (ref.name === "VariableDefinition") {
        declared.add(text(doc, node));
      } else if (ref.name === "VariableName") {
        const parent = node.parent?.name;
        // `a` in `import { a as b }` / `export { a as b }` names the other module's export.
        if (parent === "ImportGroup" || parent === "ExportGroup") return;
        references.push({ name: text(doc, node), from: node.from, to: node.to });
      }
    },
  });
  return { declared, topLevel: topLevelOf(tree, doc), imports, references };
}

/** The names a cell's source declares at its top level. */
export function topLevelDeclarations(code: string): string[] {
  return topLevelOf(typescriptLanguage.parser.parse(code), code);
}

/** Scans a source text with the editor's grammar. */
export function scanSource(code: string): CellNames {
  return scanCell(typescriptLanguage.parser.parse(code), code);
}

function topLevelOf(tree: Tree, doc: string): string[] {
  const names: string[] = [];
  const collect = (node: SyntaxNode) => {
    // Bindings of a declaration: its names and destructuring patterns, not its initializer.
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.name === "VariableDefinition") names.push(text(doc, child));
      else if (/Pattern$|^PatternProperty$/.test(child.name)) collect(child);
    }
  };
  for (let statement = tree.topNode.firstChild; statement; statement = statement.nextSibling) {
    const declaration = statement.name === "ExportDeclaration" ? statement.lastChild : statement;
    if (!declaration) continue;
    if (/^(VariableDeclaration|FunctionDeclaration|ClassDeclaration)$/.test(declaration.name)) collect(declaration);
  }
  return names;
}

function importLine(node: SyntaxNode, doc: string): ImportLine {
  const line: ImportLine = { module: "", names: [], from: node.from, to: node.to };
  const module = node.getChild("String");
  if (module) line.module = text(doc, module).slice(1, -1);
  const group = node.getChild("ImportGroup");
  if (group) {
    const close = group.lastChild?.name === "}" ? group.lastChild : null;
    if (close) line.groupEnd = close.from;
    let imported: string | undefined;
    for (let child = group.firstChild; child; child = child.nextSibling) {
      if (child.name === "VariableName") imported = text(doc, child);
      else if (child.name === "VariableDefinition") {
        const local = text(doc, child);
        line.names.push({ imported: imported ?? local, local });
        imported = undefined;
      }
    }
  }
  for (let child = node.firstChild; child; child = child.nextSibling) {
    // `import * as ns from "m"` and `import x from "m"`
    if (child.name === "VariableDefinition") line.names.push({ imported: "*", local: text(doc, child) });
  }
  return line;
}

/** Where a name used by this cell may come from, besides the cell itself. */
export interface NameContext {
  docs: Docs;
  /** Top-level names of the cells above, with the cell that declares each. */
  above: Map<string, string>;
  /** Top-level names of the cells below, with the cell that declares each. */
  below: Map<string, string>;
  globals: Set<string>;
}

/** A name the cell cannot use, with what the reader probably meant. */
export interface NameProblem {
  from: number;
  to: number;
  name: string;
  message: string;
  /** The name to put instead, if one is close. */
  suggestion?: string;
  /** The module to import it from, when the name is an export that is not imported. */
  importFrom?: "transformer" | "notebook";
}

/** Checks every reference of `cell`; `skip` is a position whose word is still being typed. */
export function checkNames(cell: CellNames, context: NameContext, skip = -1): NameProblem[] {
  const imported = new Set(cell.imports.flatMap((line) => line.names.map((n) => n.local)));
  const known = (name: string) => cell.declared.has(name) || imported.has(name) || context.above.has(name) || context.globals.has(name);
  const problems: NameProblem[] = [];
  for (const ref of cell.references) {
    if (ref.to === skip || known(ref.name)) continue;
    const { name, from, to } = ref;
    const later = context.below.get(name);
    const exported = context.docs.get("transformer", name) ?? context.docs.get("notebook", name);
    if (later !== undefined) {
      problems.push({ from, to, name, message: `\`${name}\` is declared in a later cell (${later}); a cell can only use names from the cells above it` });
    } else if (exported) {
      problems.push({
        from,
        to,
        name,
        importFrom: exported.module as "transformer" | "notebook",
        message: `\`${name}\` is not imported: imports are per cell, so add it to import { … } from "${exported.module}"`,
      });
    } else {
      const candidates = [
        ...cell.declared,
        ...imported,
        ...context.above.keys(),
        ...context.docs.exportsOf("transformer").map((e) => e.name),
        ...context.docs.exportsOf("notebook").map((e) => e.name),
        ...CELL_GLOBALS,
        ...COMMON_GLOBALS,
      ];
      const suggestion = closestName(name, candidates);
      problems.push({
        from,
        to,
        name,
        suggestion,
        message: suggestion ? `unknown name \`${name}\` — did you mean \`${suggestion}\`?` : `unknown name \`${name}\``,
      });
    }
  }
  return problems;
}

/** Globals worth suggesting for a typo (the full list of the page's globals would suggest `onabort` for `abort`). */
const COMMON_GLOBALS = ["Math", "Array", "Object", "Number", "String", "JSON", "Float32Array", "Promise", "Map", "Set", "performance", "Infinity", "NaN"];

/**
 * The candidate closest to `name` by edit distance (a swap of two neighbours
 * counts as one edit), if it is close enough to be a typo: one edit for short
 * names, two for longer ones, three past ten letters.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const limit = name.length <= 3 ? 1 : name.length <= 10 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of new Set(candidates)) {
    if (candidate === name || Math.abs(candidate.length - name.length) > limit) continue;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase()) + (candidate.toLowerCase() === name.toLowerCase() ? 0.5 : 0);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}

/** The page's globals: every property on `globalThis` and its prototypes. */
export function pageGlobals(): Set<string> {
  const names = new Set<string>(CELL_GLOBALS);
  for (let object: object | null = globalThis; object; object = Object.getPrototypeOf(object)) {
    for (const name of Object.getOwnPropertyNames(object)) names.add(name);
  }
  return names;
}
