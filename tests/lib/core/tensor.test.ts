/** Creation, conversion and printing of tensors. */
import { describe, expect, it } from "vitest";
import * as lib from "../../../src/lib/core";
import { tensor } from "../../../src/lib/core";

describe("creation", () => {
  it("infers shapes from nested arrays and keeps row-major order", () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(lib.fromNested([[[7]]]).shape).toEqual([1, 1, 1]);
    expect(tensor(2.5).shape).toEqual([]);
    expect(tensor(2.5).toArray()).toBe(2.5);
    expect(tensor(new Float32Array([1, 2, 3, 4]), [2, 2]).toArray()).toEqual([[1, 2], [3, 4]]);
  });
  it("copies its input", () => {
    const source = new Float32Array([1, 2]);
    tensor(source).data[0] = 9;
    expect(source[0]).toBe(1);
  });
  it("arange, eye, full, oneHot", () => {
    expect(Array.from(lib.arange(4).data)).toEqual([0, 1, 2, 3]);
    expect(Array.from(lib.arange(2, 8, 2).data)).toEqual([2, 4, 6]);
    expect(Array.from(lib.arange(3, 0, -1).data)).toEqual([3, 2, 1]);
    expect(lib.eye(3).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(lib.full([2], 7).toArray()).toEqual([7, 7]);
    expect(lib.oneHot([2, 0], 3).toArray()).toEqual([[0, 0, 1], [1, 0, 0]]);
  });
  it("argmax returns one index per remaining position, first on ties", () => {
    expect(lib.argmax(tensor([[1, 5, 5], [7, 0, 2]]))).toEqual([1, 0]);
    expect(lib.argmax(tensor([[1, 5, 5], [7, 0, 2]]), 0)).toEqual([1, 0, 0]);
  });
  it("embedding keeps the ids' shape", () => {
    const table = tensor([[0, 0], [1, 1], [2, 2]]);
    expect(lib.embedding(table, [2, 1, 2, 0], [2, 2]).toArray()).toEqual([[[2, 2], [1, 1]], [[2, 2], [0, 0]]]);
  });
});

describe("toString", () => {
  it("prints small tensors whole, with shape and grad flag", () => {
    expect(tensor([[1, 2], [3, 4]]).toString()).toBe("tensor([[1., 2.],\n        [3., 4.]], shape=[2, 2])");
    expect(tensor([0.5, -1.25], undefined, { requiresGrad: true }).toString()).toBe(
      "tensor([ 0.5000, -1.2500], shape=[2], requiresGrad=true)",
    );
    expect(String(tensor(3))).toBe("tensor(3.)");
  });
  it("elides the middle of long axes", () => {
    const text = lib.full([50, 100], 0.5).toString();
    const lines = text.split("\n");
    expect(lines).toHaveLength(7); // 3 rows, "...", 3 rows
    expect(lines[3].trim()).toBe("...,");
    expect(lines[0]).toBe("tensor([[0.5000, 0.5000, 0.5000,  ..., 0.5000, 0.5000, 0.5000],");
    expect(text.endsWith("shape=[50, 100])")).toBe(true);
  });
});
