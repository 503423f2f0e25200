import { describe, expect, it } from "vitest";
import { Random, initAttention, initBlock, parameterCount } from "../../../src/lib/index";

describe("parameterCount", () => {
  it("counts an attention layer's 4d² + 4d parameters, whatever its params type", () => {
    for (const d of [4, 16, 64]) {
      // AttentionParams is an interface without an index signature: this must type-check too.
      expect(parameterCount(initAttention(new Random(0), d))).toBe(4 * d * d + 4 * d);
    }
  });

  it("adds up every tensor of a state dict", () => {
    const block = initBlock(new Random(1), 8, 32);
    const byHand = Object.values(block).reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
    expect(parameterCount(block)).toBe(byHand);
  });
});
