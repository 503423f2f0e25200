/**
 * What the editor teaches while the reader types: completions (library and
 * notebook exports with their signatures, names from the cells above, tensor
 * members, import lines), hover documentation, signature help with the
 * current parameter highlighted, and names checked before the cell runs.
 *
 * Everything reads the documentation index generated from the library's
 * TSDoc at build time (scripts/docs-index.ts) and the syntax tree CodeMirror
 * already keeps; nothing here type-checks.
 */
import docsIndex from "virtual:docs-index";
import { EditorState, StateField, type ChangeSpec, type Extension } from "@codemirror/state";
import { EditorView, hoverTooltip, showTooltip, type Tooltip } from "@codemirror/view";
import { syntaxTree } from "@codemirror/language";
import { autocompletion, type Completion, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { linter, type Action, type Diagnostic } from "@codemirror/lint";
import type { SyntaxNode } from "@lezer/common";
import { Docs, renderDoc, richText, shortSignature, type DocEntry, type ModuleName } from "./editor-docs";
import { checkNames, pageGlobals, scanCell, type CellNames, type ImportLine } from "./editor-scope";

/** The names the other cells of the page declare at their top level, with the declaring cell's id. */
export interface NeighbourNames {
  above: Map<string, string>;
  below: Map<string, string>;
}

const docs = new Docs(docsIndex);
let globals: Set<string> | undefined;

const KEYWORDS = ["const", "let", "function", "return", "for", "of", "if", "else", "while", "await", "async", "new", "true", "false", "null", "class", "import", "from"];

/** Globals whose members are worth completing from their real properties. */
const GLOBAL_OBJECTS = new Set(["Math", "JSON", "Object", "Array", "Number", "String", "console", "performance", "Promise", "Float32Array"]);

/** The editor extensions; `neighbours` is asked on demand, so edits in other cells count. */
export function assist(neighbours: () => NeighbourNames): Extension {
  return [
    autocompletion({ override: [(context) => complete(context, neighbours)], icons: true, aboveCursor: false }),
    hoverTooltip((view, pos, side) => hover(view.state, pos, side, neighbours), { hoverTime: 300 }),
    signatureHelp,
    linter((view) => diagnose(view, neighbours), { delay: 400 }),
  ];
}

/** The cell's names, scanned from the current syntax tree. */
function namesOf(state: EditorState): CellNames {
  return scanCell(syntaxTree(state), state.doc.toString());
}

// --- Which documentation belongs to a name ---

/** The documentation of an identifier: an import (by its exported name) or a library name used bare. */
function entryForName(names: CellNames, name: string): DocEntry | undefined {
  for (const line of names.imports) {
    if (!Docs.isModule(line.module)) continue;
    const binding = line.names.find((n) => n.local === name);
    if (binding) return binding.imported === "*" ? undefined : docs.get(line.module, binding.imported);
  }
  return names.declared.has(name) ? undefined : docs.find(name);
}

/** The documentation of `object.member`: a tensor's method or property unless `object` is a known global. */
function memberEntry(state: EditorState, member: SyntaxNode): DocEntry | undefined {
  const object = member.parent?.firstChild;
  if (object?.name === "VariableName" && GLOBAL_OBJECTS.has(state.sliceDoc(object.from, object.to))) return undefined;
  return docs.tensorMembers.get(state.sliceDoc(member.from, member.to));
}

// --- Completions ---

function complete(context: CompletionContext, neighbours: () => NeighbourNames): CompletionResult | null {
  const { state, pos } = context;
  const node = syntaxTree(state).resolveInner(pos, -1);
  if (node.name === "LineComment" || node.name === "BlockComment") return null;

  const importDeclaration = ancestor(node, "ImportDeclaration");
  if (importDeclaration) return completeImport(context, node, importDeclaration);
  if (node.name === "String" || node.name === "TemplateString") return null;

  // `x.` or `x.sh`: members of the object.
  const inMember = (node.name === "PropertyName" || node.name === ".") && node.parent?.name === "MemberExpression";
  if (inMember) {
    const object = node.parent!.firstChild;
    const from = node.name === "PropertyName" ? node.from : pos;
    const objectName = object?.name === "VariableName" ? state.sliceDoc(object.from, object.to) : "";
    if (GLOBAL_OBJECTS.has(objectName)) {
      const value = (globalThis as Record<string, unknown>)[objectName];
      const keys = value ? Object.getOwnPropertyNames(value).filter((k) => !k.startsWith("_") && /^[A-Za-z$]/.test(k)) : [];
      return { from, options: keys.map((label) => ({ label, type: "property" })), validFor: /^[\w$]*$/ };
    }
    const options: Completion[] = [...docs.tensorMembers.values()].map((entry) => ({
      label: entry.name,
      type: entry.kind,
      detail: shortSignature(entry),
      info: () => renderDoc(entry, false),
      boost: entry.kind === "method" ? 1 : 0,
    }));
    return { from, options, validFor: /^[\w$]*$/ };
  }

  const word = context.matchBefore(/[\w$]+/);
  if (!word && !context.explicit) return null;
  if (node.name === "VariableDefinition" || node.name === "PropertyDefinition" || node.name === "Number") return null;
  const names = namesOf(state);
  const imported = new Map<string, DocEntry | undefined>();
  for (const line of names.imports) {
    for (const { imported: name, local } of line.names) imported.set(local, Docs.isModule(line.module) ? docs.get(line.module, name) : undefined);
  }
  const seen = new Set<string>();
  const options: Completion[] = [];
  const add = (option: Completion) => {
    if (seen.has(option.label)) return;
    seen.add(option.label);
    options.push(option);
  };
  const typed = word ? state.sliceDoc(word.from, word.to) : "";
  for (const [local, entry] of imported) add(entry ? docOption(entry, local, 3) : { label: local, type: "variable", boost: 3 });
  for (const name of names.declared) if (name !== typed) add({ label: name, type: "variable", detail: "in this cell", boost: 2 });
  for (const [name, cell] of neighbours().above) add({ label: name, type: "variable", detail: `from cell ${cell}`, boost: 2 });
  for (const module of ["transformer", "notebook"] as const) {
    for (const entry of docs.exportsOf(module)) {
      if (imported.has(entry.name)) continue;
      add({ ...docOption(entry, entry.name, 0), apply: (view, completion, from, to) => insertWithImport(view, entry, from, to) });
    }
  }
  for (const keyword of KEYWORDS) add({ label: keyword, type: "keyword", boost: -2 });
  return { from: word?.from ?? pos, options, validFor: /^[\w$]*$/ };
}

function docOption(entry: DocEntry, label: string, boost: number): Completion {
  return {
    label,
    type: entry.kind === "const" ? "constant" : entry.kind,
    detail: shortSignature(entry),
    info: () => renderDoc(entry, false),
    boost,
  };
}

/** `import { | } from "transformer"`: the module's exports not yet imported; in the string: the module names. */
function completeImport(context: CompletionContext, node: SyntaxNode, declaration: SyntaxNode): CompletionResult | null {
  const { state, pos } = context;
  if (node.name === "String") {
    const quoted = state.sliceDoc(node.from, node.to);
    const closed = quoted.length > 1 && quoted.endsWith(quoted[0]);
    return {
      from: node.from + 1,
      to: closed ? node.to - 1 : node.to,
      options: (["transformer", "notebook"] as const).map((label) => ({
        label,
        type: "namespace",
        detail: label === "transformer" ? "the library" : "display helpers",
      })),
      validFor: /^[\w]*$/,
    };
  }
  if (!ancestor(node, "ImportGroup") && node.name !== "ImportGroup") {
    // `import { a } fr|`: complete the keyword only.
    const word = context.matchBefore(/\w+/);
    return word && "from".startsWith(state.sliceDoc(word.from, word.to)) ? { from: word.from, options: [{ label: "from", type: "keyword" }] } : null;
  }
  const moduleNode = declaration.getChild("String");
  const module = moduleNode ? state.sliceDoc(moduleNode.from + 1, moduleNode.to - 1) : "";
  const modules: ModuleName[] = Docs.isModule(module) ? [module] : ["transformer", "notebook"];
  const names = namesOf(state);
  const line = names.imports.find((l) => l.from === declaration.from);
  const taken = new Set(line?.names.map((n) => n.imported));
  const word = context.matchBefore(/[\w$]+/);
  const options = modules.flatMap((m) => docs.exportsOf(m).filter((e) => !taken.has(e.name) || state.sliceDoc(word?.from ?? pos, pos) === e.name));
  return { from: word?.from ?? pos, options: options.map((entry) => docOption(entry, entry.name, 0)), validFor: /^[\w$]*$/ };
}

/** Inserts a library name and adds it to the cell's import from its module (imports are per cell). */
function insertWithImport(view: EditorView, entry: DocEntry, from: number, to: number): void {
  const changes: ChangeSpec[] = [{ from, to, insert: entry.name }];
  const importChange = addImport(view.state, entry.module as ModuleName, entry.name);
  if (importChange) changes.push(importChange);
  const changeSet = view.state.changes(changes);
  view.dispatch({ changes: changeSet, selection: { anchor: changeSet.mapPos(to, 1) }, userEvent: "input.complete" });
}

/** The change that imports `name` from `module`: into an existing `import { … }` of it, or a new line after the imports. */
export function addImport(state: EditorState, module: ModuleName, name: string): ChangeSpec | null {
  const imports = namesOf(state).imports;
  if (imports.some((line) => line.module === module && line.names.some((n) => n.local === name))) return null;
  const line: ImportLine | undefined = imports.find((l) => l.module === module && l.groupEnd !== undefined);
  if (line) {
    const before = state.sliceDoc(line.from, line.groupEnd!);
    const lastName = before.replace(/[\s,]*$/, "").length;
    const empty = /\{\s*$/.test(before);
    return { from: line.from + lastName, insert: empty ? ` ${name} ` : `, ${name}` };
  }
  const last = imports.at(-1);
  const at = last ? state.doc.lineAt(last.to).to : 0;
  const text = `import { ${name} } from "${module}";`;
  return last ? { from: at, insert: "\n" + text } : { from: 0, insert: text + "\n" };
}

function ancestor(node: SyntaxNode | null, name: string): SyntaxNode | null {
  for (let n = node; n; n = n.parent) if (n.name === name) return n;
  return null;
}

// --- Hover ---

function hover(state: EditorState, pos: number, side: -1 | 1, neighbours: () => NeighbourNames): Tooltip | null {
  const node = syntaxTree(state).resolveInner(pos, side);
  let entry: DocEntry | undefined;
  const name = state.sliceDoc(node.from, node.to);
  if (node.name === "PropertyName" && node.parent?.name === "MemberExpression") entry = memberEntry(state, node);
  else if (node.name === "VariableName" && node.parent?.name === "ImportGroup") {
    const module = ancestor(node, "ImportDeclaration")?.getChild("String");
    const moduleName = module ? state.sliceDoc(module.from + 1, module.to - 1) : "";
    entry = Docs.isModule(moduleName) ? docs.get(moduleName, name) : undefined;
  } else if (node.name === "VariableName" || node.name === "VariableDefinition" || node.name === "TypeName") {
    entry = entryForName(namesOf(state), name);
    if (!entry && node.name === "VariableName") {
      const cell = neighbours().above.get(name);
      if (cell !== undefined && !namesOf(state).declared.has(name)) {
        return tooltipAt(node, () => {
          const box = document.createElement("div");
          box.className = "nb-doc";
          box.append(richText(`\`${name}\` is declared in cell ${cell}, above`));
          return box;
        });
      }
    }
  }
  if (!entry) return null;
  const found = entry;
  return tooltipAt(node, () => renderDoc(found, true));
}

function tooltipAt(node: SyntaxNode, render: () => HTMLElement): Tooltip {
  return {
    pos: node.from,
    end: node.to,
    above: true,
    create: () => {
      const dom = render();
      dom.classList.add("nb-hover");
      return { dom };
    },
  };
}

// --- Signature help ---

/** The call around the cursor, its documentation and which argument the cursor is in. */
function callAt(state: EditorState): { args: SyntaxNode; entry: DocEntry; index: number } | null {
  const { head, empty } = state.selection.main;
  if (!empty) return null;
  for (let node: SyntaxNode | null = syntaxTree(state).resolveInner(head, -1); node; node = node.parent) {
    if (node.name !== "ArgList") continue;
    const closed = node.lastChild?.name === ")";
    if (head <= node.from || (closed && head >= node.to)) continue;
    const callee = node.parent?.firstChild?.name === "new" ? node.parent.firstChild.nextSibling : node.parent?.firstChild;
    let entry: DocEntry | undefined;
    if (callee?.name === "VariableName") entry = entryForName(namesOf(state), state.sliceDoc(callee.from, callee.to));
    else if (callee?.name === "MemberExpression" && callee.lastChild?.name === "PropertyName") entry = memberEntry(state, callee.lastChild);
    if (!entry?.signatures) return null;
    let index = 0;
    for (let child = node.firstChild; child && child.to <= head; child = child.nextSibling) if (child.name === ",") index++;
    return { args: node, entry, index };
  }
  return null;
}

function signatureTooltip(state: EditorState): Tooltip | null {
  const call = callAt(state);
  if (!call) return null;
  const { entry, index } = call;
  return {
    pos: call.args.from,
    above: true,
    strictSide: false,
    create: () => ({ dom: renderSignature(entry, index) }),
  };
}

/** The signature with the parameter at `index` marked, and that parameter's documentation. */
export function renderSignature(entry: DocEntry, index: number): HTMLElement {
  const box = document.createElement("div");
  box.className = "nb-doc nb-signature-help";
  box.setAttribute("aria-live", "polite");
  const signature = entry.signatures![0];
  const params = signature.params;
  const active = Math.min(index, params.length - 1);
  const activeIsRest = params[params.length - 1]?.startsWith("...");
  const current = index < params.length || activeIsRest ? active : -1;
  const line = document.createElement("pre");
  line.className = "nb-doc-signature";
  line.append(`${entry.kind === "class" ? "new " : ""}${entry.name}(`);
  params.forEach((param, i) => {
    if (i > 0) line.append(", ");
    if (i === current) {
      const mark = document.createElement("strong");
      mark.className = "nb-signature-active";
      mark.textContent = param;
      line.append(mark);
    } else line.append(param);
  });
  line.append(`): ${signature.returns}`);
  box.append(line);
  const name = params[current]?.replace(/^\.\.\./, "").split(/[?:= ]/)[0];
  const doc = name ? entry.params?.[name] : undefined;
  const paragraph = document.createElement("p");
  paragraph.className = "nb-doc-summary";
  paragraph.append(doc ? richText(`${name}: ${doc}`) : richText(entry.summary));
  box.append(paragraph);
  return box;
}

const signatureHelp = StateField.define<Tooltip | null>({
  create: (state) => signatureTooltip(state),
  update(tooltip, transaction) {
    if (!transaction.docChanged && !transaction.selection) return tooltip;
    const next = signatureTooltip(transaction.state);
    // Same call, same parameter: keep the tooltip object so CodeMirror does not redraw it.
    if (tooltip && next && tooltip.pos === next.pos && sameCall(transaction.startState, transaction.state)) return tooltip;
    return next;
  },
  provide: (field) => showTooltip.from(field),
});

function sameCall(before: EditorState, after: EditorState): boolean {
  const a = callAt(before);
  const b = callAt(after);
  return !!a && !!b && a.entry === b.entry && a.index === b.index;
}

// --- Names checked before running ---

function diagnose(view: EditorView, neighbours: () => NeighbourNames): Diagnostic[] {
  const { state } = view;
  const names = namesOf(state);
  const { above, below } = neighbours();
  globals ??= pageGlobals();
  // The word right before the cursor is still being typed: do not underline it yet.
  const head = state.selection.main.head;
  const typing = view.hasFocus && /[\w$]/.test(state.sliceDoc(head - 1, head)) && !/[\w$]/.test(state.sliceDoc(head, head + 1)) ? head : -1;
  return checkNames(names, { docs, above, below, globals }, typing).map((problem) => {
    const actions: Action[] = [];
    if (problem.suggestion) {
      const suggestion = problem.suggestion;
      actions.push({ name: `Change to ${suggestion}`, apply: (v, from, to) => v.dispatch({ changes: { from, to, insert: suggestion } }) });
    }
    if (problem.importFrom) {
      const module = problem.importFrom;
      actions.push({
        name: `Import from "${module}"`,
        apply: (v) => {
          const change = addImport(v.state, module, problem.name);
          if (change) v.dispatch({ changes: change });
        },
      });
    }
    return {
      from: problem.from,
      to: problem.to,
      severity: "error",
      message: problem.message,
      renderMessage: () => {
        const span = document.createElement("span");
        span.append(richText(problem.message));
        return span;
      },
      actions,
    } satisfies Diagnostic;
  });
}
