import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cellsFromFences, type Fence } from "../../src/notebook/compile/cells";
import { runCellsInNode } from "../../src/notebook/host/node-runner";

const fence = (meta: string, ...lines: string[]): Omit<Fence, "line"> => ({ lang: "ts", meta: `cell ${meta}`, value: lines.join("\n") });
/** Cell definitions as the remark step makes them from these fences (each fence given 10 lines of the file). */
const chapter = (...fences: Omit<Fence, "line">[]) => cellsFromFences(fences.map((f, i) => ({ ...f, line: 1 + 10 * i })), "test");

describe("runCellsInNode", () => {
  it("stops an infinite loop at its time limit and still runs the later cells", async () => {
    const publicDir = mkdtempSync(join(tmpdir(), "nb-public-"));
    writeFileSync(join(publicDir, "bytes.bin"), Uint8Array.from([1, 2, 3]));
    const cells = chapter(
      fence("id=setup", 'import { tensor } from "transformer";', "const t = tensor([1, 2, 3]);"),
      fence("id=forever timeout=300", "let spins = 0;", "while (true) spins++;"),
      fence("id=needs-loop", "spins"),
      fence("id=independent", "t.shape[0] * 2"),
      fence("id=bytes", 'import { loadBytes } from "notebook";', 'Array.from(await loadBytes("bytes.bin"))'),
      fence("id=training norun", "throw new Error('not run at build time');"),
    );
    const started = Date.now();
    const results = await runCellsInNode(cells, { chapter: "test", publicDir });
    expect(Date.now() - started).toBeLessThan(30_000);
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(results.map((r) => r.id)).toEqual(["setup", "forever", "needs-loop", "independent", "bytes", "training"]);
    expect(byId.setup.error).toBeUndefined();
    expect(byId.forever.error?.name).toBe("TimeoutError");
    expect(byId.forever.outputs[0]).toMatchObject({ kind: "stopped" });
    expect(byId["needs-loop"].skipped).toBe(true);
    expect(byId.independent.outputs).toEqual([{ kind: "value", value: { type: "number", value: 6 } }]);
    expect(byId.bytes.outputs[0]).toMatchObject({ kind: "value", value: { type: "array", length: 3 } });
    expect(byId.training).toMatchObject({ skipped: true, outputs: [] });
  });

  it("reports a throwing cell's error with its position and keeps its earlier outputs", async () => {
    const cells = chapter(fence("id=bad", 'console.log("before");', "const x: number[] = [];", "x[0].toFixed(2);"));
    const [result] = await runCellsInNode(cells, { chapter: "test", publicDir: tmpdir() });
    expect(result.outputs).toEqual([{ kind: "log", level: "log", text: "before" }]);
    expect(result.error).toMatchObject({ name: "TypeError", line: 3 });
  });
});
