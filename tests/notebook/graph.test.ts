import { describe, expect, it } from "vitest";
import { CellGraph } from "../../src/notebook/engine/graph";

const cells = [
  { id: "a", declarations: ["x"], references: [] },
  { id: "b", declarations: ["y"], references: ["x"] },
  { id: "c", declarations: ["z"], references: ["Math"] },
  { id: "d", declarations: ["w"], references: ["y", "z"] },
];

describe("CellGraph", () => {
  it("reruns the cells that use a name, transitively, in page order", () => {
    const graph = new CellGraph(cells);
    expect(graph.downstream(["a"])).toEqual(["a", "b", "d"]);
    expect(graph.downstream(["c"])).toEqual(["c", "d"]);
    expect(graph.downstream(["d"])).toEqual(["d"]);
  });

  it("gives each cell its inputs from earlier cells only, and their owners", () => {
    const graph = new CellGraph(cells);
    expect(graph.inputsOf("d")).toEqual(["y", "z"]);
    expect(graph.inputsOf("c")).toEqual([]);
    expect(graph.upstreamOf("d")).toEqual(["b", "c"]);
  });

  it("reports a name declared twice on the later cell", () => {
    const graph = new CellGraph([...cells, { id: "e", declarations: ["x"], references: [] }]);
    expect(graph.problemOf("a")).toBeUndefined();
    expect(graph.problemOf("e")?.message).toMatch(/"x" is already declared in cell "a"/);
  });

  it("reports a name used above the cell that defines it", () => {
    const graph = new CellGraph([{ id: "early", declarations: [], references: ["late"] }, { id: "later", declarations: ["late"], references: [] }]);
    expect(graph.problemOf("early")?.message).toMatch(/"late" is defined in a later cell \("later"\)/);
    expect(graph.downstream(["later"])).toEqual(["later"]);
  });
});
