import { describe, expect, it } from "vitest";
import { toValueView, formatLogArgument, VIEW_LIMITS } from "../../src/notebook/engine/values";
import { tensor } from "../../src/lib/index";

describe("toValueView", () => {
  it("keeps primitives by type", () => {
    expect(toValueView(1.5)).toEqual({ type: "number", value: 1.5 });
    expect(toValueView("hi")).toEqual({ type: "string", value: "hi" });
    expect(toValueView(null)).toEqual({ type: "null" });
    expect(toValueView(undefined)).toEqual({ type: "undefined" });
    expect(toValueView(10n)).toEqual({ type: "bigint", value: "10" });
    expect(toValueView(function add(a: number, b: number) { return a + b; })).toEqual({ type: "function", name: "add", signature: "(a, b)" });
  });

  it("shows a library tensor with its shape, values and printout", () => {
    const t = tensor([[1, 2], [3, 4]]);
    const view = toValueView(t);
    expect(view).toMatchObject({ type: "tensor", shape: [2, 2], values: [1, 2, 3, 4], truncated: false, requiresGrad: false });
    expect(view.type === "tensor" && view.text).toBe(t.toString());
  });

  it("elides big tensors but keeps their true shape", () => {
    const n = VIEW_LIMITS.tensorValues + 10;
    const view = toValueView({ shape: [n], data: new Float32Array(n) });
    expect(view).toMatchObject({ type: "tensor", shape: [n], truncated: true });
    expect(view.type === "tensor" && view.values.length).toBe(VIEW_LIMITS.tensorValues);
  });

  it("survives cycles and stops at the depth limit", () => {
    const a: Record<string, unknown> = { name: "a" };
    a.self = a;
    const view = toValueView(a);
    expect(view.type === "object" && view.entries[1][1]).toMatchObject({ constructorName: "[Circular]" });
    let deep: unknown = 1;
    for (let i = 0; i < 10; i++) deep = [deep];
    let node = toValueView(deep);
    let depth = 0;
    while (node.type === "array" && node.items.length) {
      node = node.items[0];
      depth++;
    }
    expect(depth).toBe(VIEW_LIMITS.depth);
    expect(node).toMatchObject({ truncated: true });
  });

  it("cuts long arrays and says so", () => {
    const view = toValueView(Array.from({ length: 500 }, (_, i) => i));
    expect(view).toMatchObject({ type: "array", length: 500, truncated: true });
    expect(view.type === "array" && view.items).toHaveLength(VIEW_LIMITS.arrayItems);
  });

  it("formats console arguments like a console would", () => {
    expect(formatLogArgument("text")).toBe("text");
    expect(formatLogArgument({ a: [1, 2] })).toBe('{"a":[1,2]}');
    expect(formatLogArgument(tensor([1, 2]))).toBe(tensor([1, 2]).toString());
  });
});
