/**
 * The documentation index the cell editor shows (completions, hover, signature
 * help, name checks): one entry per export of `"transformer"`
 * (src/lib/index.ts) and of `"notebook"` (the helpers a cell gets, the
 * properties of `NotebookModule` in src/notebook/engine/notebook-module.ts, plus the types
 * notebook-module.ts exports), and one per public member of `Tensor`.
 *
 * It is read from the library's own types and TSDoc with the TypeScript
 * compiler, at build time only: `docsIndexPlugin()` serves it to the page as
 * the module `virtual:docs-index`, so it always follows what the library
 * exports. Compiling takes several seconds of CPU time, so the plugin keeps
 * the last index in `node_modules/.cache/docs-index/` with a hash of every
 * input (`cachedDocsIndex`). `npx tsx scripts/docs-index.ts` prints it with
 * its size.
 */
import type * as TypeScript from "typescript";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { DocEntry, DocsIndex, DocSignature } from "../src/notebook/page/editor-docs";

const root = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);
/** The compiler, loaded only when the index is compiled (loading it costs about a second of CPU time; a cached index does not need it). */
let ts: typeof TypeScript;
const LIBRARY = root + "src/lib/index.ts";
const NOTEBOOK = root + "src/notebook/engine/notebook-module.ts";

/** The longest type text kept; longer ones (big object types) are cut with "…". */
const MAX_TYPE = 140;

/** Reads both modules with the compiler and returns the index. */
export function buildDocsIndex(): { index: DocsIndex; files: string[] } {
  ts ??= require("typescript") as typeof TypeScript;
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

function resolve(checker: TypeScript.TypeChecker, symbol: TypeScript.Symbol): TypeScript.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** One entry: kind, signatures or type, and the TSDoc split into summary, details, parameters and example. */
function describe(checker: TypeScript.TypeChecker, exported: TypeScript.Symbol, module: DocEntry["module"]): DocEntry {
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

  let callSignatures: readonly TypeScript.Signature[] = [];
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

function signature(checker: TypeScript.TypeChecker, s: TypeScript.Signature): DocSignature {
  const params = s.getParameters().map((p) => {
    const declaration = p.valueDeclaration as TypeScript.ParameterDeclaration | undefined;
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

function typeText(checker: TypeScript.TypeChecker, type: TypeScript.Type, at: TypeScript.Node, expand = false): string {
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

/** Where the plugin keeps the last index it compiled. */
export const DOCS_INDEX_CACHE = join(root, "node_modules/.cache/docs-index/index.json");

interface CachedIndex {
  key: string;
  files: string[];
  index: DocsIndex;
}

/**
 * The hash of everything the index is made from: the source files the
 * compiler read (a new import changes the file that imports it), this script,
 * the compiler's version and the lockfile (the installed types).
 */
export function docsIndexKey(files: readonly string[]): string | undefined {
  const { version } = require("typescript/package.json") as { version: string };
  const hash = createHash("sha256").update(`typescript ${version}\0`);
  try {
    for (const file of [fileURLToPath(import.meta.url), join(root, "package-lock.json"), ...files]) {
      hash.update(`${file}\0`).update(readFileSync(file)).update("\0");
    }
  } catch {
    return undefined; // a file the last index read is gone: compile again
  }
  return hash.digest("hex");
}

/**
 * `buildDocsIndex()`, or the index kept in `cacheFile` when none of its
 * inputs changed since it was compiled; `fromCache` says which.
 */
export function cachedDocsIndex(cacheFile = DOCS_INDEX_CACHE): { index: DocsIndex; files: string[]; fromCache: boolean } {
  try {
    const cached = JSON.parse(readFileSync(cacheFile, "utf8")) as CachedIndex;
    if (Array.isArray(cached.files) && cached.key === docsIndexKey(cached.files)) return { index: cached.index, files: cached.files, fromCache: true };
  } catch {
    // no cache yet, or a file cut short: compile
  }
  const { index, files } = buildDocsIndex();
  const key = docsIndexKey(files);
  if (key) {
    mkdirSync(dirname(cacheFile), { recursive: true });
    const partial = `${cacheFile}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify({ key, files, index } satisfies CachedIndex));
    renameSync(partial, cacheFile);
  }
  return { index, files, fromCache: false };
}

const VIRTUAL = "virtual:docs-index";

/** A Vite plugin serving the index as `virtual:docs-index` (compiled again when an input changed). */
export function docsIndexPlugin() {
  return {
    name: "docs-index",
    resolveId(id: string) {
      return id === VIRTUAL ? "\0" + VIRTUAL : undefined;
    },
    load(this: { addWatchFile(file: string): void }, id: string) {
      if (id !== "\0" + VIRTUAL) return undefined;
      const { index, files } = cachedDocsIndex();
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
