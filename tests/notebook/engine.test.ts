import { describe, expect, it, vi } from "vitest";

/** Every source sucrase compiles, so a test can tell whether a rerun transpiled again. */
const sucraseCalls = vi.hoisted(() => [] as string[]);
vi.mock("sucrase", async (importOriginal) => {
  const sucrase = await importOriginal<typeof import("sucrase")>();
  return {
    ...sucrase,
    transform: (source: string, options: Parameters<typeof sucrase.transform>[1]) => {
      sucraseCalls.push(source);
      return sucrase.transform(source, options);
    },
  };
});
import { Engine } from "../../src/notebook/engine/engine";
import type { CellSource, Output, WorkerToPage } from "../../src/notebook/protocol";
import * as library from "../../src/lib/index";

/** An engine over `cells` that records every message. */
function notebook(cells: CellSource[]) {
  const messages: WorkerToPage[] = [];
  const nb = new Engine({ modules: { transformer: library }, send: (m) => messages.push(m), assetBase: "/course/" });
  nb.setCells(cells);
  const of = (runId: number, cellId: string) => messages.filter((m) => "cellId" in m && m.runId === runId && m.cellId === cellId);
  const outputs = (runId: number, cellId: string): Output[] =>
    of(runId, cellId).flatMap((m) => (m.type === "output" ? [m.output] : []));
  const values = (runId: number, cellId: string) =>
    outputs(runId, cellId).flatMap((o) => (o.kind === "value" && o.value.type === "number" ? [o.value.value] : []));
  const error = (runId: number, cellId: string) => of(runId, cellId).find((m) => m.type === "cellError")?.error;
  return { nb, messages, of, outputs, values, error };
}

describe("Engine: shared scope and reruns", () => {
  it("shares top-level names with later cells and shows the last expression", async () => {
    const t = notebook([
      { id: "a", code: 'import { tensor } from "transformer";\nconst x = tensor([[1, 2], [3, 4]]);' },
      { id: "b", code: 'import { matmul } from "transformer";\nconst y = matmul(x, x);\ny.data[3]' },
    ]);
    await t.nb.runAll(1);
    expect(t.values(1, "b")).toEqual([1 * 0 + 3 * 2 + 4 * 4]);
  });

  it("rerunning a cell reruns the cells that use its names, with the new values", async () => {
    const t = notebook([
      { id: "a", code: "const n = 2;" },
      { id: "b", code: "const doubled = n * 2;\ndoubled" },
      { id: "c", code: "doubled + 1" },
      { id: "other", code: "'independent'" },
    ]);
    await t.nb.runAll(1);
    t.nb.update({ id: "a", code: "const n = 10;" });
    await t.nb.run(["a"], 2);
    expect(t.values(2, "b")).toEqual([20]);
    expect(t.values(2, "c")).toEqual([21]);
    expect(t.of(2, "other")).toEqual([]);
  });

  it("removes a name when its cell stops declaring it, so readers fail instead of seeing the old value", async () => {
    const t = notebook([
      { id: "a", code: "const old = 1;" },
      { id: "b", code: "old" },
    ]);
    await t.nb.runAll(1);
    t.nb.update({ id: "a", code: "const renamed = 1;" });
    await t.nb.run(["a"], 2);
    expect(t.error(2, "b")).toMatchObject({ name: "ReferenceError", message: "old is not defined", line: 1, column: 1 });
  });

  it("runs the stale cells a cell needs when the scope is empty (fresh worker)", async () => {
    const t = notebook([
      { id: "a", code: "const base = 5;" },
      { id: "b", code: "base * 3" },
    ]);
    await t.nb.run(["b"], 1);
    expect(t.values(1, "b")).toEqual([15]);
  });

  it("skips cells downstream of a failing cell, and runs the independent ones", async () => {
    const t = notebook([
      { id: "a", code: "const v: number = JSON.parse('{');" },
      { id: "b", code: "v + 1" },
      { id: "c", code: "2 + 2" },
    ]);
    await t.nb.runAll(1);
    expect(t.of(1, "b")).toEqual([{ type: "cellSkipped", runId: 1, cellId: "b", because: 'it depends on cell "a", which failed' }]);
    expect(t.values(1, "c")).toEqual([4]);
  });

  it("reports a name declared in two cells on the later one", async () => {
    const t = notebook([
      { id: "a", code: "const k = 1;" },
      { id: "b", code: "const k = 2;" },
    ]);
    await t.nb.runAll(1);
    expect(t.error(1, "a")).toBeUndefined();
    expect(t.error(1, "b")?.message).toMatch(/"k" is already declared in cell "a"/);
  });

  it("reports a name from a later cell clearly", async () => {
    const t = notebook([
      { id: "a", code: "later * 2" },
      { id: "b", code: "const later = 1;" },
    ]);
    await t.nb.runAll(1);
    expect(t.error(1, "a")?.message).toMatch(/defined in a later cell \("b"\)/);
  });

  it("supports top-level await and shows an awaited value", async () => {
    const t = notebook([{ id: "a", code: "const v = await new Promise<number>((r) => setTimeout(() => r(7), 5));\nv * 2" }]);
    await t.nb.runAll(1);
    expect(t.values(1, "a")).toEqual([14]);
  });
});

describe("Engine: errors in the reader's TypeScript", () => {
  it("locates a syntax error at its line and column", async () => {
    const t = notebook([{ id: "a", code: "const ok: number = 1;\nconst broken = (1 + ;" }]);
    await t.nb.runAll(1);
    expect(t.error(1, "a")).toMatchObject({ name: "SyntaxError", line: 2, column: 21 });
  });

  it("locates a runtime error in TS coordinates when types were stripped on earlier and the same lines", async () => {
    const code = [
      "interface Shape {",
      "  dims: number[];",
      "}",
      "const s: Shape = { dims: [2, 3] };",
      "const missing: Shape | undefined = undefined as Shape | undefined;",
      "const n: number = missing!.dims.length;",
    ].join("\n");
    const t = notebook([{ id: "a", code }]);
    await t.nb.runAll(1);
    const error = t.error(1, "a")!;
    expect(error.name).toBe("TypeError");
    expect(error.line).toBe(6);
    // V8 points at the property access after `missing!`; the type annotation before it must not shift the column.
    expect(error.column).toBe(code.split("\n")[5].indexOf(".dims") + 2);
    expect(error.stack).toContain('cell "a", line 6');
  });

  it("keeps library frames and the calling cell's line in the stack of a library error", async () => {
    const t = notebook([
      { id: "a", code: 'import { tensor, matmul } from "transformer";\nconst p = tensor([[1, 2, 3]]);\n\nmatmul(p, p)' },
    ]);
    await t.nb.runAll(1);
    const error = t.error(1, "a")!;
    expect(error.line).toBe(4);
    expect(error.message).toMatch(/\[1, 3\]/);
    expect(error.stack).toMatch(/lib\/.*\.ts:\d+:\d+/);
    expect(error.stack).not.toMatch(/run\.ts|node:internal/);
  });
});

describe("Engine: imports are per cell", () => {
  it("does not share an imported name, and the error names the import that fixes it", async () => {
    const t = notebook([
      { id: "a", code: 'import { tensor } from "transformer";\nconst x = tensor([1, 2]);' },
      { id: "b", code: "const y = tensor([3, 4]);" },
      { id: "c", code: "const z = notDeclaredAnywhere + 1;" },
    ]);
    await t.nb.runAll(1);
    expect(t.error(1, "b")).toMatchObject({ name: "ReferenceError", line: 1, column: 11 });
    expect(t.error(1, "b")!.message).toContain('import { tensor } from "transformer"');
    // A name no module exports gets the plain message: no import would fix it.
    expect(t.error(1, "c")!.message).toBe("notDeclaredAnywhere is not defined");
  });

  it("lets two cells import the same name without a conflict", async () => {
    const t = notebook([
      { id: "a", code: 'import { tensor } from "transformer";\nconst x = tensor([1, 2]);' },
      { id: "b", code: 'import { tensor } from "transformer";\nconst y = tensor([3, 4]);\ny.data[1]' },
    ]);
    await t.nb.runAll(1);
    expect(t.values(1, "b")).toEqual([4]);
  });
});

describe("Engine: outputs", () => {
  it("captures console.log as the cell's log outputs and restores the console", async () => {
    const original = console.log;
    const t = notebook([{ id: "a", code: 'console.log("loss", 0.5);\nconsole.warn({ step: 1 });' }]);
    await t.nb.runAll(1);
    expect(t.outputs(1, "a")).toEqual([
      { kind: "log", level: "log", text: "loss 0.5" },
      { kind: "log", level: "warn", text: '{"step":1}' },
    ]);
    expect(console.log).toBe(original);
  });

  it("updates a display in place through its handle", async () => {
    const t = notebook([{ id: "a", code: "const live = display(1);\nlive.update(2);\nlive.update(3);" }]);
    await t.nb.runAll(1);
    const outputs = t.of(1, "a").filter((m) => m.type === "output");
    expect(outputs.map((m) => m.type === "output" && [m.outputId, m.replace ?? false, m.output])).toEqual([
      ["a:1:0", false, { kind: "value", value: { type: "number", value: 1 } }],
      ["a:1:0", true, { kind: "value", value: { type: "number", value: 2 } }],
      ["a:1:0", true, { kind: "value", value: { type: "number", value: 3 } }],
    ]);
  });

  it("draws a plot when the last expression is a chart helper, and not the handle of display", async () => {
    const t = notebook([
      { id: "a", code: 'import { heatmap } from "notebook";\nheatmap([[0, 1], [1, 0]], { title: "swap [2, 2]" })' },
      { id: "b", code: "display(1)" },
    ]);
    await t.nb.runAll(1);
    expect(t.outputs(1, "a")).toEqual([
      { kind: "plot", plot: { mark: "heatmap", rows: 2, cols: 2, values: [0, 1, 1, 0], title: "swap [2, 2]" } },
    ]);
    expect(t.outputs(1, "b")).toHaveLength(1);
  });

  it("emits check verdicts without throwing, even when the check throws", async () => {
    const t = notebook([
      { id: "a", code: 'import { check } from "notebook";\ncheck("ok", true, "no");\ncheck("bad", () => { throw new Error("boom"); }, "wrong")' },
    ]);
    await t.nb.runAll(1);
    expect(t.outputs(1, "a")).toEqual([
      { kind: "check", passed: true, title: "ok", message: "" },
      { kind: "check", passed: false, title: "bad", message: "wrong (the check itself failed: boom)" },
    ]);
    expect(t.error(1, "a")).toBeUndefined();
  });

  it("resolves assets under the base path", async () => {
    const t = notebook([{ id: "a", code: 'import { asset } from "notebook";\nasset("/models/vit.bin")' }]);
    await t.nb.runAll(1);
    expect(t.outputs(1, "a")).toEqual([{ kind: "value", value: { type: "string", value: "/course/models/vit.bin" } }]);
  });

  it("aborts the signal on interrupt and skips the rest of the run", async () => {
    const t = notebook([
      {
        id: "loop",
        code: 'import { signal } from "notebook";\nlet steps = 0;\nwhile (!signal.aborted) { steps++; await new Promise((r) => setTimeout(r, 1)); }',
      },
      { id: "after", code: "1" },
    ]);
    const run = t.nb.runAll(1);
    setTimeout(() => t.nb.interrupt(1), 30);
    await run;
    expect(t.of(1, "loop").map((m) => m.type)).toEqual(["cellStart", "cellDone"]);
    expect(t.of(1, "after")[0]).toMatchObject({ type: "cellSkipped", because: "the run was stopped" });
  });

  // How fast a rerun is belongs to `npm run report`; a unit test only checks that a rerun skips the compile work.
  it("reruns an unchanged cell without transpiling or evaluating its code again", async () => {
    // A source no other test uses, so the transpile cache starts cold for it.
    const code = 'import { tensor, matmul } from "transformer";\nconst rerunMe = tensor([[1, 2], [3, 4]]);\nmatmul(rerunMe, rerunMe).data[3]';
    const t = notebook([{ id: "a", code }]);
    const evalSpy = vi.spyOn(globalThis, "eval");
    const transpiles = () => sucraseCalls.filter((source) => source === code).length;
    try {
      await t.nb.runAll(1);
      expect(t.values(1, "a")).toEqual([2 * 3 + 4 * 4]);
      expect(transpiles()).toBe(1);
      const evalsAfterFirstRun = evalSpy.mock.calls.length;
      expect(evalsAfterFirstRun).toBe(1);

      await t.nb.run(["a"], 2);
      t.nb.update({ id: "a", code }); // the editor reporting the same text
      await t.nb.run(["a"], 3);
      t.nb.setCells([{ id: "a", code }]); // the page sending the chapter again
      await t.nb.runAll(4);
      for (const runId of [2, 3, 4]) expect(t.values(runId, "a")).toEqual([22]);
      expect(transpiles()).toBe(1);
      expect(evalSpy.mock.calls.length).toBe(evalsAfterFirstRun);
    } finally {
      evalSpy.mockRestore();
    }
  });
});
