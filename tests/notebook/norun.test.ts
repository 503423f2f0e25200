/**
 * The `norun` rule: a cell marked `norun` (long training) runs only when the
 * reader presses its own Run button. A change in a cell above it never starts
 * it; the cell says which cell changed and asks for Run instead.
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../src/notebook/engine/engine";
import type { CellSource, WorkerToPage } from "../../src/notebook/protocol";

function notebook(cells: CellSource[]) {
  const messages: WorkerToPage[] = [];
  const nb = new Engine({ modules: {}, send: (m) => messages.push(m), assetBase: "/" });
  nb.setCells(cells);
  const of = (runId: number, cellId: string) => messages.filter((m) => "cellId" in m && m.runId === runId && m.cellId === cellId);
  return { nb, messages, of };
}

const cells: CellSource[] = [
  { id: "sample", code: "const temperature = 0.8;" },
  { id: "train", code: "globalThis.trainings = (globalThis.trainings ?? 0) + 1;\nconst trained = temperature * 2;", norun: true },
  { id: "use", code: "trained + 1" },
  { id: "other", code: "temperature + 1" },
];

describe("norun cells", () => {
  it("are not started by a change above them: they say which cell changed and ask for Run", async () => {
    const t = notebook(cells);
    (globalThis as { trainings?: number }).trainings = 0;
    await t.nb.run(["train"], 1);
    expect((globalThis as { trainings?: number }).trainings).toBe(1);

    t.nb.update({ id: "sample", code: "const temperature = 1.5;" });
    await t.nb.run(["sample"], 2);
    expect((globalThis as { trainings?: number }).trainings).toBe(1);
    expect(t.of(2, "train").map((m) => m.type)).toEqual(["cellSkipped"]);
    const skipped = t.of(2, "train")[0] as Extract<WorkerToPage, { type: "cellSkipped" }>;
    expect(skipped.because).toBe('it depends on cell "sample", which changed — press Run to run it again');
    // The cell below the training one does not see the old result either.
    const below = t.of(2, "use").find((m) => m.type === "cellSkipped") as Extract<WorkerToPage, { type: "cellSkipped" }>;
    expect(below.because).toMatch(/depends on cell "train", which only runs when you press its Run button/);
    // Cells that do not go through the training cell still update.
    expect(t.of(2, "other").some((m) => m.type === "cellDone")).toBe(true);
  });

  it("run when the reader presses their Run button, with the new values above", async () => {
    const t = notebook(cells);
    await t.nb.run(["sample"], 1);
    t.nb.update({ id: "sample", code: "const temperature = 3;" });
    await t.nb.run(["sample"], 2);
    await t.nb.run(["train"], 3);
    expect(t.of(3, "train").some((m) => m.type === "cellDone")).toBe(true);
    const value = t.of(3, "use").find((m) => m.type === "output");
    expect(value).toMatchObject({ output: { kind: "value", value: { type: "number", value: 7 } } });
  });
});
