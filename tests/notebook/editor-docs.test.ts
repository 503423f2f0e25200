/**
 * The editor's documentation index (scripts/docs-index.ts) against what cells
 * can really import: the runtime exports of the library and the helpers a
 * cell's `"notebook"` module holds. A new export without an entry, or an
 * entry for a name that is gone, fails here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as library from "../../src/lib/index";
import { bindNotebook, type NotebookContext } from "../../src/notebook/engine/notebook-module";
import { buildDocsIndex, splitSummary } from "../../scripts/docs-index";
import { Docs, shortSignature, signatureText, type DocsIndex } from "../../src/notebook/page/editor-docs";

let index: DocsIndex;
let docs: Docs;

beforeAll(() => {
  index = buildDocsIndex().index;
  docs = new Docs(index);
}, 120_000);

const namesOf = (module: string, values: boolean) =>
  index.entries
    .filter((e) => e.module === module && (e.kind === "type" || e.kind === "interface") !== values)
    .map((e) => e.name)
    .sort();

describe("the editor's documentation index", () => {
  it("has an entry for every value the library exports, and no other value", () => {
    expect(namesOf("transformer", true)).toEqual(Object.keys(library).sort());
  });

  it("has an entry for every notebook helper a cell gets, and no other value", () => {
    const context: NotebookContext = {
      emit: () => "",
      signal: new AbortController().signal,
      asset: (path) => path,
      loadBytes: async () => new Uint8Array(),
      requestFile: async () => ({ name: "", bytes: new Uint8Array() }),
    };
    expect(namesOf("notebook", true)).toEqual(Object.keys(bindNotebook(context)).sort());
  });

  it("documents every library and notebook value with at least a first sentence", () => {
    const undocumented = index.entries.filter((e) => e.kind !== "type" && e.kind !== "interface" && !e.summary).map((e) => `${e.module}:${e.name}`);
    expect(undocumented).toEqual([]);
  });

  it("knows the library's types too (for hover on annotations)", () => {
    for (const name of ["AttentionResult", "ViTConfig", "TrainOptions"]) expect(docs.get("transformer", name)?.kind).toMatch(/type|interface/);
  });

  it("gives functions their signature, parameter texts and TSDoc", () => {
    const softmax = docs.get("transformer", "softmax")!;
    expect(softmax.kind).toBe("function");
    expect(signatureText(softmax)).toBe("softmax(x: Tensor, axis: number = -1): Tensor");
    expect(shortSignature(softmax)).toBe("(x: Tensor, axis = -1) → Tensor");
    expect(softmax.summary).toMatch(/along `axis`/);
    const attention = docs.get("transformer", "attention")!;
    expect(attention.summary).toMatch(/^Scaled dot-product attention/);
    expect(attention.example).toContain("attention(");
    expect(docs.get("notebook", "heatmap")!.params?.matrix).toMatch(/tensor/);
  });

  it("lists the public members of Tensor, without private ones", () => {
    const members = index.tensorMembers.map((m) => m.name);
    for (const name of ["shape", "size", "ndim", "item", "reshape", "backward", "toArray", "grad"]) expect(members).toContain(name);
    expect(members.every((m) => !m.startsWith("_") && !m.startsWith("#"))).toBe(true);
    expect(docs.tensorMembers.get("reshape")!.kind).toBe("method");
    expect(docs.tensorMembers.get("shape")!.type).toBe("number[]");
  });

  it("stays small: at most 40 KB gzip", async () => {
    const { gzipSync } = await import("node:zlib");
    const bytes = gzipSync(JSON.stringify(index), { level: 9 }).length;
    expect(bytes).toBeLessThan(40 * 1024);
  });
});

describe("splitSummary", () => {
  it("ends the first sentence at a full stop outside code, not after e.g.", () => {
    expect(splitSummary("Adds `a.b` to c, e.g. twice. Then more.")).toEqual({ summary: "Adds `a.b` to c, e.g. twice.", rest: "Then more." });
    expect(splitSummary("No full stop")).toEqual({ summary: "No full stop", rest: "" });
  });
});
