/**
 * The engine against cells that misbehave: floods of output, leaked timers,
 * strange thrown values, a broken console, wrong `check` arguments. The
 * worker's timers are installed here as in the worker (timers.ts).
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../src/notebook/engine/engine";
import { installCellTimers } from "../../src/notebook/engine/timers";
import { OUTPUT_LIMITS } from "../../src/notebook/engine/limits";
import type { CellSource, Output, WorkerToPage } from "../../src/notebook/protocol";

const timers = installCellTimers();

function notebook(cells: CellSource[]) {
  const messages: WorkerToPage[] = [];
  const nb = new Engine({ modules: {}, send: (m) => messages.push(m), assetBase: "/", timers });
  nb.setCells(cells);
  const of = (runId: number, cellId: string) => messages.filter((m) => "cellId" in m && m.runId === runId && m.cellId === cellId);
  const outputs = (runId: number, cellId: string): Output[] => of(runId, cellId).flatMap((m) => (m.type === "output" ? [m.output] : []));
  const logText = (runId: number, cellId: string) =>
    outputs(runId, cellId)
      .flatMap((o) => (o.kind === "log" ? [o.text] : []))
      .join("\n");
  return { nb, messages, of, outputs, logText };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("output limits", () => {
  it("shows the first and last lines of a flood and says how many are left out", async () => {
    const t = notebook([{ id: "a", code: "for (let i = 0; i < 100000; i++) console.log(i);" }]);
    await t.nb.runAll(1);
    const lines = t.logText(1, "a").split("\n");
    expect(lines.slice(0, 3)).toEqual(["0", "1", "2"]);
    expect(lines).toContain("… 99,000 more lines (shown: the first 500 and the last 500)");
    expect(lines.at(-1)).toBe("99999");
    expect(lines).toHaveLength(OUTPUT_LIMITS.headLines + OUTPUT_LIMITS.tailLines + 1);
  });

  it("cuts one huge log to its first 10,000 characters and says how many more there were", async () => {
    const t = notebook([{ id: "a", code: 'console.log("x".repeat(1e7));' }]);
    await t.nb.runAll(1);
    const [log] = t.outputs(1, "a");
    expect(log).toEqual({ kind: "log", level: "log", text: `${"x".repeat(10_000)}… 9,990,000 more characters` });
  });

  it("shows at most 1,000 outputs of a cell and says how many were left out", async () => {
    const t = notebook([{ id: "a", code: "for (let i = 0; i < 1500; i++) display(i);" }]);
    await t.nb.runAll(1);
    const outputs = t.outputs(1, "a");
    expect(outputs.filter((o) => o.kind === "value")).toHaveLength(OUTPUT_LIMITS.outputsPerCell);
    expect(outputs.at(-1)).toMatchObject({ kind: "log", text: expect.stringMatching(/^… 500 more outputs not shown/) });
  });

  it("keeps updating a live output beyond the limit (updates are not new outputs)", async () => {
    const t = notebook([{ id: "a", code: "const h = display(0);\nfor (let i = 1; i <= 2000; i++) h.update(i);" }]);
    await t.nb.runAll(1);
    const last = t.outputs(1, "a").at(-1);
    expect(last).toEqual({ kind: "value", value: { type: "number", value: 2000 } });
  });
});

describe("every run starts clean", () => {
  it("sends cellStart before a syntax error or a name conflict, so the page clears the cell", async () => {
    const t = notebook([
      { id: "a", code: "const x = ;" },
      { id: "b", code: "const y = 1;" },
      { id: "c", code: "const y = 2;" },
    ]);
    await t.nb.runAll(1);
    expect(t.of(1, "a").map((m) => m.type)).toEqual(["cellStart", "cellError"]);
    expect(t.of(1, "c").map((m) => m.type)).toEqual(["cellStart", "cellError"]);
  });

  it("shows a cell whose only statement is a string literal", async () => {
    const t = notebook([{ id: "a", code: '"hello"' }]);
    await t.nb.runAll(1);
    expect(t.outputs(1, "a")).toEqual([{ kind: "value", value: { type: "string", value: "hello" } }]);
  });
});

describe("timers belong to their cell", () => {
  it("clears a cell's interval when it ends: nothing shows under the next cell", async () => {
    const t = notebook([
      { id: "leak", code: 'setInterval(() => console.log("LEAK"), 5);\nconst late = setTimeout(() => display("late"), 5);' },
      { id: "next", code: "await new Promise((resolve) => setTimeout(resolve, 60));\n1" },
    ]);
    await t.nb.runAll(1);
    await wait(40);
    expect(t.logText(1, "next")).not.toContain("LEAK");
    expect(t.outputs(1, "next")).toEqual([{ kind: "value", value: { type: "number", value: 1 } }]);
    expect(t.outputs(1, "leak")).toEqual([]);
  });

  it("lets a cell's timers run while the cell awaits them, with output under that cell", async () => {
    const t = notebook([
      { id: "a", code: 'const id = setInterval(() => console.log("tick"), 5);\nawait new Promise((r) => setTimeout(r, 40));\nclearInterval(id);' },
    ]);
    await t.nb.runAll(1);
    expect(t.logText(1, "a")).toMatch(/^tick/);
  });

  it("shows an error thrown by a cell's timer in that cell, and the cell goes on", async () => {
    const t = notebook([
      { id: "a", code: 'setTimeout(() => { throw new RangeError("from a timer"); }, 1);\nawait new Promise((r) => setTimeout(r, 30));\n"after"' },
    ]);
    await t.nb.runAll(1);
    expect(t.outputs(1, "a")).toEqual([
      { kind: "error", error: expect.objectContaining({ name: "RangeError", message: "from a timer" }) },
      { kind: "value", value: { type: "string", value: "after" } },
    ]);
  });

  it("drops output from a promise that settles after its cell ended", async () => {
    const t = notebook([
      { id: "a", code: "Promise.resolve().then(() => wait()).then(() => display('late'));\nfunction wait() { return new Promise((r) => setTimeout(r, 1)); }" },
      { id: "b", code: "await new Promise((r) => setTimeout(r, 30));\n2" },
    ]);
    await t.nb.runAll(1);
    expect(t.outputs(1, "a")).toEqual([]);
    expect(t.outputs(1, "b")).toEqual([{ kind: "value", value: { type: "number", value: 2 } }]);
  });
});

describe("hostile values are errors, not hangs", () => {
  it.each([
    ["an object whose stack getter throws", 'throw { message: "x", get stack() { throw new Error("gotcha"); } };', /x/],
    ["a proxy that throws on every access", 'throw new Proxy({}, { get() { throw 1; }, has() { throw 2; }, getPrototypeOf() { throw 3; } });', /cannot be read|a cell threw/],
    ["a symbol", 'throw Symbol("s");', /Symbol\(s\)/],
    ["null", "throw null;", /threw null/],
  ])("%s becomes a plain cellError", async (_label, code, message) => {
    const t = notebook([{ id: "a", code }]);
    await t.nb.runAll(1);
    const ended = t.of(1, "a").at(-1);
    expect(ended?.type).toBe("cellError");
    expect(ended?.type === "cellError" && ended.error.message).toMatch(message);
    expect(t.messages.at(-1)).toEqual({ type: "runDone", runId: 1 });
  });

  it("`console = null` breaks only its own cell", async () => {
    const t = notebook([
      { id: "a", code: "console = null;\nconsole.log(1);" },
      { id: "b", code: 'console.log("fine");' },
    ]);
    await t.nb.runAll(1);
    expect(t.of(1, "a").at(-1)?.type).toBe("cellError");
    expect(t.logText(1, "b")).toBe("fine");
    expect(typeof console.log).toBe("function");
  });

  it("check() says which argument is wrong instead of failing to send", async () => {
    const t = notebook([{ id: "a", code: 'import { check } from "notebook";\ncheck({ toString() { throw 1; } }, false, "m");' }]);
    await t.nb.runAll(1);
    const ended = t.of(1, "a").at(-1);
    expect(ended).toMatchObject({ type: "cellError", error: { name: "TypeError", message: expect.stringContaining("the title must be a string, not an object") } });
  });
});
