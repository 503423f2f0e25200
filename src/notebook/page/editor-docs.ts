/**
 * The library's documentation as the editor shows it: the index built from
 * the TSDoc at build time (scripts/docs-index.ts, served as
 * `virtual:docs-index`), looked up by name, and drawn as DOM for the
 * completion info panel, hover and signature help.
 */

/** One overload: parameter texts (`axis: number = -1`) and the return type. */
export interface DocSignature {
  typeParams?: string[];
  params: string[];
  returns: string;
}

/** One documented name. */
export interface DocEntry {
  name: string;
  /** The module that exports it, or `"Tensor"` for a tensor's methods and properties. */
  module: "transformer" | "notebook" | "Tensor";
  kind: "function" | "class" | "const" | "type" | "interface" | "method" | "property";
  /** Call (or, for a class, construct) signatures. */
  signatures?: DocSignature[];
  /** The type, for everything that is not called. */
  type?: string;
  /** The first sentence of the TSDoc. */
  summary: string;
  /** The rest of the description. */
  doc?: string;
  /** `@param` texts by parameter name. */
  params?: Record<string, string>;
  returns?: string;
  example?: string;
}

/** What the build serves as `virtual:docs-index`. */
export interface DocsIndex {
  entries: DocEntry[];
  tensorMembers: DocEntry[];
}

/** The modules a cell may import from. */
export type ModuleName = "transformer" | "notebook";

/** The index with lookups by module and name. */
export class Docs {
  private readonly byModule = new Map<string, Map<string, DocEntry>>();
  readonly tensorMembers: Map<string, DocEntry>;

  constructor(readonly index: DocsIndex) {
    for (const entry of index.entries) {
      if (!this.byModule.has(entry.module)) this.byModule.set(entry.module, new Map());
      this.byModule.get(entry.module)!.set(entry.name, entry);
    }
    this.tensorMembers = new Map(index.tensorMembers.map((m) => [m.name, m]));
  }

  /** The export `name` of `module`. */
  get(module: ModuleName, name: string): DocEntry | undefined {
    return this.byModule.get(module)?.get(name);
  }

  /** Every export of `module`. */
  exportsOf(module: ModuleName): DocEntry[] {
    return [...(this.byModule.get(module)?.values() ?? [])];
  }

  /** The export called `name` in either module (the library first). */
  find(name: string): DocEntry | undefined {
    return this.get("transformer", name) ?? this.get("notebook", name);
  }

  /** Whether `module` is one a cell can import. */
  static isModule(name: string): name is ModuleName {
    return name === "transformer" || name === "notebook";
  }
}

/** `softmax(x: Tensor, axis: number = -1): Tensor`, or `shape: number[]` for a property. */
export function signatureText(entry: DocEntry, signature = entry.signatures?.[0]): string {
  if (!signature) return entry.type !== undefined && entry.kind !== "type" && entry.kind !== "interface" ? `${entry.name}: ${entry.type}` : entry.name;
  const prefix = entry.kind === "class" ? "new " : "";
  const generics = signature.typeParams ? `<${signature.typeParams.join(", ")}>` : "";
  return `${prefix}${entry.name}${generics}(${signature.params.join(", ")}): ${signature.returns}`;
}

/** A short form for completion lists: `(x: Tensor, axis = -1) → Tensor`. */
export function shortSignature(entry: DocEntry): string {
  const signature = entry.signatures?.[0];
  if (!signature) return entry.kind === "type" || entry.kind === "interface" ? entry.kind : (entry.type ?? "");
  const params = signature.params.map((p) => p.replace(/: [^=]+= /, " = "));
  return `(${params.join(", ")}) → ${signature.returns}`;
}

/** Text with `code` spans as <code> elements. */
export function richText(text: string, doc: Document = document): DocumentFragment {
  const fragment = doc.createDocumentFragment();
  text.split(/(`[^`]*`)/).forEach((part) => {
    if (part.startsWith("`") && part.endsWith("`") && part.length > 1) {
      const code = doc.createElement("code");
      code.textContent = part.slice(1, -1);
      fragment.append(code);
    } else if (part) fragment.append(part);
  });
  return fragment;
}

function element(tag: string, className: string, ...children: (Node | string)[]): HTMLElement {
  const el = document.createElement(tag);
  el.className = className;
  el.append(...children);
  return el;
}

/**
 * The documentation of one entry: signature, summary, details, parameters and
 * example (`full`), or signature and summary only.
 */
export function renderDoc(entry: DocEntry, full: boolean): HTMLElement {
  const box = element("div", "nb-doc");
  const origin = entry.module === "Tensor" ? `Tensor ${entry.kind}` : `${entry.kind} from "${entry.module}"`;
  box.append(element("div", "nb-doc-origin", origin));
  for (const signature of entry.signatures ?? [undefined]) box.append(element("pre", "nb-doc-signature", signatureText(entry, signature)));
  if ((entry.kind === "type" || entry.kind === "interface") && entry.type) box.append(element("pre", "nb-doc-signature", `${entry.name} = ${entry.type}`));
  if (entry.summary) box.append(element("p", "nb-doc-summary", richText(entry.summary)));
  if (!full) return box;
  if (entry.doc) box.append(element("p", "nb-doc-text", richText(entry.doc)));
  const params = Object.entries(entry.params ?? {});
  if (params.length > 0) {
    const list = element("dl", "nb-doc-params");
    for (const [name, text] of params) list.append(element("dt", "", element("code", "", name)), element("dd", "", richText(text)));
    box.append(list);
  }
  if (entry.returns) box.append(element("p", "nb-doc-text", "Returns ", richText(entry.returns)));
  if (entry.example) box.append(element("div", "nb-doc-example-label", "Example"), element("pre", "nb-doc-example", entry.example));
  return box;
}
