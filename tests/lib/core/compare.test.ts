import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ShapeError, add, allClose, maxAbsDifference, randn, softmax, tensor } from "../../../src/lib/core";

describe("allClose and maxAbsDifference", () => {
  it("agree with a tolerance written out by hand", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.double({ min: -1e-3, max: 1e-3, noNaN: true }), (seed, shift) => {
        const a = randn([3, 4], { seed });
        const b = add(a, shift);
        expect(maxAbsDifference(a, b)).toBeCloseTo(Math.abs(shift), 6);
        const expected = Array.from(a.data).every((v, i) => Math.abs(v - b.data[i]) <= 1e-4 + 1e-5 * Math.abs(b.data[i]));
        expect(allClose(a, b, { atol: 1e-4 })).toBe(expected);
      }),
      { numRuns: 50 },
    );
  });

  it("never calls NaN close", () => {
    const a = tensor([1, NaN]);
    expect(allClose(a, a)).toBe(false);
    expect(maxAbsDifference(a, tensor([1, 2]))).toBeNaN();
    expect(maxAbsDifference(tensor([NaN, 0.1]), tensor([0, 0]))).toBeNaN();
  });

  it("softmax of a shifted row is close to the original (the reason these exist)", () => {
    const x = randn([2, 5], { seed: 1 });
    expect(allClose(softmax(add(x, 100)), softmax(x), { atol: 1e-6 })).toBe(true);
  });

  it("treats a shape mismatch as not close, and as an error when asked for a distance", () => {
    expect(allClose(tensor([1, 2]), tensor([[1, 2]]))).toBe(false);
    expect(() => maxAbsDifference(tensor([1, 2]), tensor([[1, 2]]))).toThrow(ShapeError);
    expect(() => maxAbsDifference(tensor([1, 2]), tensor([[1, 2]]))).toThrow("maxAbsDifference: shapes differ: [2] vs [1, 2]");
  });
});
