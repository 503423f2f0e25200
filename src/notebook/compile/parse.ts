/**
 * What a cell declares, what it reads and what it imports, found on the
 * type-stripped JavaScript (the TypeScript types never matter for scope).
 *
 * Scope analysis follows Observable Framework's `findReferences`: collect the
 * local names of every function, block, catch clause and class first, then an
 * identifier is a free reference when no enclosing node declares it.
 */
import { parse as parseJs, type Node } from "acorn";
import { ancestor } from "acorn-walk";

/** Modules a cell may import, with what each provides. */
export const CELL_MODULES = ["transformer", "notebook"] as const;
export type CellModuleName = (typeof CELL_MODULES)[number];

/** One name brought in by `import { imported as local } from "module"`. */
export interface CellImport {
  module: CellModuleName;
  /** The exported name (`*` for `import * as ns`). */
  imported: string;
  /** The name inside the cell. */
  local: string;
  /** Offsets of the whole import declaration in the JavaScript, to remove it. */
  start: number;
  end: number;
}

/** The scope facts of one cell. */
export interface ParsedCell {
  /** The program (acorn ESTree), for the transpiler's rewrites. */
  program: Program;
  /** Top-level names the cell defines for later cells, in source order. */
  declarations: string[];
  /** Names read but not declared in the cell (from earlier cells or globals), sorted. */
  references: string[];
  imports: CellImport[];
}

/** An error located in the JavaScript text (the transpiler maps it back to TypeScript). */
export class CellParseError extends SyntaxError {
  constructor(message: string, readonly pos: number) {
    super(message);
    this.name = "SyntaxError";
  }
}

// A small structural view of the ESTree nodes we read; acorn's own types are loose.
type AnyNode = Node & Record<string, any>;
export type Program = AnyNode & { body: AnyNode[] };

/** Parses a cell's JavaScript and finds its declarations, references and imports. */
export function parseCell(js: string): ParsedCell {
  let program: Program;
  try {
    program = parseJs(js, {
      ecmaVersion: "latest",
      sourceType: "module",
      allowAwaitOutsideFunction: true,
      locations: false,
    }) as unknown as Program;
  } catch (error) {
    const e = error as SyntaxError & { pos?: number };
    throw new CellParseError(e.message.replace(/\s*\(\d+:\d+\)$/, ""), e.pos ?? 0);
  }
  const imports = findImports(program);
  const declarations = findDeclarations(program);
  const references = findReferences(program, new Set(imports.map((i) => i.local)));
  return { program, declarations, references, imports };
}

function findImports(program: Program): CellImport[] {
  const imports: CellImport[] = [];
  for (const statement of program.body) {
    if (statement.type === "ExportNamedDeclaration" || statement.type === "ExportDefaultDeclaration" || statement.type === "ExportAllDeclaration") {
      throw new CellParseError("cells do not export: a top-level declaration is already visible to later cells", statement.start);
    }
    if (statement.type !== "ImportDeclaration") continue;
    const module = statement.source.value as string;
    if (!(CELL_MODULES as readonly string[]).includes(module)) {
      throw new CellParseError(
        `cannot import "${module}": only 'transformer' and 'notebook' can be imported in a cell`,
        statement.source.start,
      );
    }
    for (const specifier of statement.specifiers as AnyNode[]) {
      const imported =
        specifier.type === "ImportSpecifier"
          ? (specifier.imported.name ?? specifier.imported.value)
          : specifier.type === "ImportNamespaceSpecifier"
            ? "*"
            : "default";
      if (imported === "default") {
        throw new CellParseError(`"${module}" has no default export: write import { name } from "${module}"`, specifier.start);
      }
      imports.push({ module: module as CellModuleName, imported, local: specifier.local.name, start: statement.start, end: statement.end });
    }
  }
  return imports;
}

/** Top-level `const`/`let`/`var` (with destructuring), `function` and `class` names. */
function findDeclarations(program: Program): string[] {
  const names: string[] = [];
  for (const statement of program.body) {
    if (statement.type === "VariableDeclaration") {
      for (const declarator of statement.declarations) names.push(...patternNames(declarator.id));
    } else if ((statement.type === "FunctionDeclaration" || statement.type === "ClassDeclaration") && statement.id) {
      names.push(statement.id.name);
    }
  }
  return names;
}

/** Every name bound by a binding pattern: `a`, `{ a, b: [c, ...d] }`, `e = 1`. */
export function patternNames(pattern: AnyNode): string[] {
  switch (pattern.type) {
    case "Identifier":
      return [pattern.name];
    case "ObjectPattern":
      return pattern.properties.flatMap((p: AnyNode) => patternNames(p.type === "Property" ? p.value : p));
    case "ArrayPattern":
      return pattern.elements.flatMap((e: AnyNode | null) => (e ? patternNames(e) : []));
    case "RestElement":
      return patternNames(pattern.argument);
    case "AssignmentPattern":
      return patternNames(pattern.left);
    default:
      return [];
  }
}

const isScope = (node: AnyNode) =>
  node.type === "FunctionExpression" ||
  node.type === "FunctionDeclaration" ||
  node.type === "ArrowFunctionExpression" ||
  node.type === "Program";

const isBlockScope = (node: AnyNode) =>
  isScope(node) ||
  node.type === "BlockStatement" ||
  node.type === "ForInStatement" ||
  node.type === "ForOfStatement" ||
  node.type === "ForStatement" ||
  node.type === "SwitchStatement" ||
  node.type === "StaticBlock";

/**
 * Names read (or assigned) in the cell that no enclosing scope of the cell
 * declares. Top-level declarations count as declared, so a cell's own names
 * are never references; `importLocals` are declared too.
 */
function findReferences(program: Program, importLocals: Set<string>): string[] {
  const locals = new Map<AnyNode, Set<string>>([[program, new Set(importLocals)]]);
  const declare = (scope: AnyNode, name: string) => {
    let names = locals.get(scope);
    if (!names) locals.set(scope, (names = new Set()));
    names.add(name);
  };
  const nearest = (parents: AnyNode[], test: (n: AnyNode) => boolean, skipSelf: boolean) => {
    for (let i = parents.length - (skipSelf ? 2 : 1); i >= 0; i--) if (test(parents[i])) return parents[i];
    return program;
  };
  const declareFunction = (node: AnyNode) => {
    for (const param of node.params) for (const name of patternNames(param)) declare(node, name);
    if (node.id && node.type !== "FunctionDeclaration") declare(node, node.id.name);
    if (node.type !== "ArrowFunctionExpression") declare(node, "arguments");
  };

  ancestor(program, {
    VariableDeclaration(node: AnyNode, _state: unknown, parents: AnyNode[]) {
      const scope = nearest(parents, node.kind === "var" ? isScope : isBlockScope, true);
      for (const declarator of node.declarations) for (const name of patternNames(declarator.id)) declare(scope, name);
    },
    FunctionDeclaration(node: AnyNode, _state: unknown, parents: AnyNode[]) {
      declare(nearest(parents, isBlockScope, true), node.id.name);
      declareFunction(node);
    },
    FunctionExpression: declareFunction,
    ArrowFunctionExpression: declareFunction,
    ClassDeclaration(node: AnyNode, _state: unknown, parents: AnyNode[]) {
      declare(nearest(parents, isBlockScope, true), node.id.name);
    },
    ClassExpression(node: AnyNode) {
      if (node.id) declare(node, node.id.name);
    },
    CatchClause(node: AnyNode) {
      if (node.param) for (const name of patternNames(node.param)) declare(node, name);
    },
  } as any);

  const references = new Set<string>();
  const visit = (node: AnyNode, _state: unknown, parents: AnyNode[]) => {
    const name = node.name as string;
    if (name === "undefined") return;
    for (let i = parents.length - 2; i >= 0; i--) if (locals.get(parents[i])?.has(name)) return;
    references.add(name);
  };
  ancestor(program, { Identifier: visit, VariablePattern: visit } as any);
  return [...references].sort();
}
