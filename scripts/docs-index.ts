/**
 * The documentation index the cell editor shows (completions, hover, signature
 * help, name checks): one entry per export of `"transformer"`
 * (src/lib/index.ts) and of `"notebook"` (the helpers a cell gets, the
 * properties of `NotebookModule` in src/notebook/engine/notebook-module.ts, plus the types
 * notebook-module.ts exports), and one per public member of `Tensor`.
 *
 * It is read from the library's own types and TSDoc with the TypeScript
 * compiler, at build time only: `docsIndexPlugin()` serves it to the page as
 * the module `virtual:docs-index`, generated on every build, so it always
 * follows what the library exports. `npx tsx scripts/docs-index.ts` prints it
 * with its size.
 */
import ts from "typescript";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { DocEntry, DocsIndex, DocSignature } from "../src/notebook/page/editor-docs";

const root = fileURLToPath(new URL("..", import.meta.url));
const LIBRARY = root + "src/lib/index.ts";
const NOTEBOOK = root + "src/notebook/engine/notebook-module.ts";

/** The longest type text kept; longer ones (big object types) are cut with "…". */
const MAX_TYPE = 140;

/** Reads both modules with the compiler and returns the index. */
export function buildDocsIndex(): { index: DocsIndex; files: string[] } {
  const program = ts.createProgram([LIBRARY, NOTEBOOK], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
  });
  const checker = program.getTypeChecker();
  const moduleOf = (file: string) => checker.getSymbolAtLocation(program.getSourceFile(file)!)!;

  const entries: DocEntry[] = [];
  const library = moduleOf(LIBRARY);
  for (const symbol of checker.getExportsOfModule(library)) {
    entries.push(describe(checker, symbol, "transformer"));
  }

  // "notebook": what `bindNotebook` gives a cell, documented by notebook-module.ts's export of the same name.
  const notebook = moduleOf(NOTEBOOK);
  const apiExports = new Map(checker.getExportsOfModule(notebook).map((s) => [s.name, s]));
  const moduleType = checker.getDeclaredTypeOfSymbol(apiExports.get("NotebookModule")!);
  for (const property of checker.getPropertiesOfType(moduleType)) {
    entries.push(describe(checker, apiExports.get(property.name) ?? property, "notebook"));
  }
  for (const [name, symbol] of apiExports) {
    const target = resolve(checker, symbol);
    if (!(target.flags & ts.SymbolFlags.Value) && !entries.some((e) => e.module === "notebook" && e.name === name)) {
      entries.push(describe(checker, symbol, "notebook"));
    }
  }

  const tensor = resolve(checker, checker.getExportsOfModule(library).find((s) => s.name === "Tensor")!);
  const tensorType = checker.getDeclaredTypeOfSymbol(tensor);
  const members: DocEntry[] = [];
  for (const member of checker.getPropertiesOfType(tensorType)) {
    const declaration = member.valueDeclaration ?? member.declarations?.[0];
    const modifiers = declaration && ts.canHaveModifiers(declaration) ? ts.getModifiers(declaration) : undefined;
    if (modifiers?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)) continue;
    if (member.name.startsWith("_") || member.name.startsWith("#")) continue;
    members.push(describe(checker, member, "Tensor"));
  }

  const files = program
    .getSourceFiles()
    .map((f) => f.fileName)
    .filter((f) => f.startsWith(root + "src/"));
  return { index: { entries, tensorMembers: members }, files };
}

function resolve(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** One entry: kind, signatures or type, and the TSDoc split into summary, details, parameters and example. */
function describe(checker: ts.TypeChecker, exported: ts.Symbol, module: DocEntry["module"]): DocEntry {
  const symbol = resolve(checker, exported);
  const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
  const flags = symbol.flags;
  const kind: DocEntry["kind"] =
    module === "Tensor"
      ? flags & ts.SymbolFlags.Method
        ? "method"
        : "property"
      : flags & ts.SymbolFlags.Class
        ? "class"
        : flags & ts.SymbolFlags.Function
          ? "function"
          : flags & ts.SymbolFlags.Interface
            ? "interface"
            : flags & ts.SymbolFlags.TypeAlias
              ? "type"
              : "const";
  const entry: DocEntry = { name: exported.name, module, kind, summary: "" };

  let callSignatures: readonly ts.Signature[] = [];
  if (declaration && (kind === "function" || kind === "method" || kind === "const" || kind === "property")) {
    const type = checker.getTypeOfSymbolAtLocation(symbol, declaration);
    callSignatures = kind === "property" ? [] : type.getCallSignatures();
    if (callSignatures.length === 0) entry.type = typeText(checker, type, declaration);
  } else if (kind === "class" && declaration) {
    callSignatures = checker.getTypeOfSymbolAtLocation(symbol, declaration).getConstructSignatures();
  } else if ((kind === "type" || kind === "interface") && declaration) {
    entry.type = typeText(checker, checker.getDeclaredTypeOfSymbol(symbol), declaration, true);
  }
  if (callSignatures.length > 0) entry.signatures = callSignatures.map((s) => signature(checker, s));

  // A helper bound in `bindNotebook` has no comment of its own: the notebook-module.ts export of that name has it.
  const docSymbol = symbol;
  const documentation = ts.displayPartsToString(docSymbol.getDocumentationComment(checker)).trim();
  const { summary, rest } = splitSummary(documentation);
  entry.summary = summary;
  if (rest) entry.doc = rest;
  const params: Record<string, string> = {};
  for (const tag of docSymbol.getJsDocTags(checker)) {
    const text = ts.displayPartsToString(tag.text).trim();
    if (tag.name === "example") entry.example = text.replace(/^\n+/, "");
    else if (tag.name === "param") {
      const [name, ...words] = text.split(/\s+/);
      params[name] = words.join(" ").replace(/^-\s*/, "");
    } else if (tag.name === "returns") entry.returns = text;
  }
  if (Object.keys(params).length > 0) entry.params = params;
  return entry;
}

function signature(checker: ts.TypeChecker, s: ts.Signature): DocSignature {
  const params = s.getParameters().map((p) => {
    const declaration = p.valueDeclaration as ts.ParameterDeclaration | undefined;
    const type = declaration ? checker.getTypeOfSymbolAtLocation(p, declaration) : undefined;
    const rest = declaration?.dotDotDotToken ? "..." : "";
    const optional = declaration && !declaration.initializer && (declaration.questionToken || checker.isOptionalParameter(declaration)) ? "?" : "";
    let text = type ? `: ${typeText(checker, type, declaration!)}` : "";
    if (optional) text = text.replace(/ \| undefined$/, "");
    const init = declaration?.initializer ? ` = ${clip(declaration.initializer.getText())}` : "";
    return `${rest}${p.name}${optional}${text}${init}`;
  });
  const typeParameters = s.getTypeParameters()?.map((t) => checker.typeToString(t)) ?? [];
  return {
    ...(typeParameters.length > 0 ? { typeParams: typeParameters } : {}),
    params,
    returns: typeText(checker, s.getReturnType(), s.getDeclaration()),
  };
}

function typeText(checker: ts.TypeChecker, type: ts.Type, at: ts.Node, expand = false): string {
  const flags = ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope | ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.WriteArrowStyleSignature;
  let text = checker.typeToString(type, at, flags);
  if (expand && (text.length < 2 || /^[A-Z]\w*$/.test(text)) && type.getProperties().length > 0) {
    // An interface prints as its own name: show its members instead.
    text = `{ ${type
      .getProperties()
      .map((p) => `${p.name}${p.flags & ts.SymbolFlags.Optional ? "?" : ""}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(p, at), at, flags)}`)
      .join("; ")} }`;
  }
  // Noise a reader does not need: module paths, the default buffer type parameter.
  return clip(text.replace(/import\("[^"]*"\)\./g, "").replace(/<ArrayBufferLike>/g, ""));
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > MAX_TYPE ? flat.slice(0, MAX_TYPE - 1) + "…" : flat;
}

/**
 * The first sentence, for completion lists, and the rest. A sentence ends at
 * ". " outside backticks, not after "e.g." or "i.e.".
 */
export function splitSummary(text: string): { summary: string; rest: string } {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "`") quoted = !quoted;
    if (quoted || (c !== "." && c !== "!" && c !== "?")) continue;
    const next = text[i + 1];
    if (next !== undefined && !/\s/.test(next)) continue;
    if (/\b(e\.g|i\.e|etc|vs)$/.test(text.slice(Math.max(0, i - 4), i))) continue;
    return { summary: text.slice(0, i + 1).replace(/\s+/g, " ").trim(), rest: text.slice(i + 1).trim() };
  }
  return { summary: text.replace(/\s+/g, " ").trim(), rest: "" };
}

const VIRTUAL = "virtual:docs-index";

/** A Vite plugin serving the index as `virtual:docs-index`, built afresh by every build. */
export function docsIndexPlugin() {
  return {
    name: "docs-index",
    resolveId(id: string) {
      return id === VIRTUAL ? "\0" + VIRTUAL : undefined;
    },
    load(this: { addWatchFile(file: string): void }, id: string) {
      if (id !== "\0" + VIRTUAL) return undefined;
      const { index, files } = buildDocsIndex();
      for (const file of files) this.addWatchFile(file);
      return `export default JSON.parse(${JSON.stringify(JSON.stringify(index))});`;
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { index } = buildDocsIndex();
  const json = JSON.stringify(index);
  console.log(json);
  console.error(
    `${index.entries.length} exports, ${index.tensorMembers.length} Tensor members: ` +
      `${(json.length / 1024).toFixed(1)} KB, ${(gzipSync(json, { level: 9 }).length / 1024).toFixed(1)} KB gzip`,
  );
}
