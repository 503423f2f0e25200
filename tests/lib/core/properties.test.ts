/** Algebraic properties that must hold for any input, checked with fast-check. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as lib from "../../../src/lib/core";
import { Random, randn } from "../../../src/lib/core";
import { expectClose } from "./helpers";

const seed = fc.integer({ min: 0, max: 1_000_000 });
const dims = (min: number, max: number, largest = 5) => fc.array(fc.integer({ min: 1, max: largest }), { minLength: min, maxLength: max });

describe("softmax", () => {
  it("rows are non-negative and sum to 1, even for huge logits", () => {
    fc.assert(fc.property(dims(1, 3), seed, fc.double({ min: 1e-3, max: 1e4, noNaN: true }), (shape, s, scale) => {
      const y = lib.softmax(randn(shape, { seed: s, std: scale }));
      const d = shape[shape.length - 1];
      for (let r = 0; r < y.size / d; r++) {
        const row = y.data.subarray(r * d, r * d + d);
        expect(row.every((v) => v >= 0)).toBe(true);
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      }
    }));
  });
  it("ignores a constant added to each row", () => {
    fc.assert(fc.property(dims(2, 2), seed, (shape, s) => {
      const x = randn(shape, { seed: s });
      const shift = lib.mul(randn([shape[0], 1], { seed: s + 1 }), 50); // one constant per row
      expectClose(lib.softmax(lib.add(x, shift)), lib.softmax(x), 1e-4, 1e-6);
    }));
  });
  it("gives masked (-Infinity) entries weight 0 and a fully masked row NaN", () => {
    const y = lib.softmax(lib.tensor([[0, -Infinity, 0], [-Infinity, -Infinity, -Infinity]]));
    expect(Array.from(y.data.subarray(0, 3))).toEqual([0.5, 0, 0.5]);
    expect(Array.from(y.data.subarray(3)).every(Number.isNaN)).toBe(true);
  });
  it("logSoftmax equals log of softmax where both are finite", () => {
    fc.assert(fc.property(dims(1, 3), seed, (shape, s) => {
      const x = randn(shape, { seed: s, std: 3 });
      expectClose(lib.logSoftmax(x), lib.log(lib.softmax(x)), 1e-4, 1e-5);
    }));
  });
});

describe("broadcasting", () => {
  /** Output shape plus an operand shape that broadcasts into it. */
  const pair = dims(1, 4, 3).chain((out) =>
    fc.tuple(fc.constant(out), fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length })),
  );
  it("add matches an explicit loop over output positions", () => {
    fc.assert(fc.property(pair, seed, ([out, drop, ones], s) => {
      const bShape = out.map((d, i) => (ones[i] ? 1 : d)).slice(drop);
      const a = randn(out, { seed: s });
      const b = randn(bShape, { seed: s + 1 });
      const c = lib.add(a, b);
      expect(c.shape).toEqual(out);
      // Walk every output index; b's index uses 0 on its stretched (size 1) axes.
      const expected = new Float32Array(c.size);
      for (let flat = 0; flat < c.size; flat++) {
        const idx: number[] = [];
        let rest = flat;
        for (let axis = out.length - 1; axis >= 0; axis--) {
          idx.unshift(rest % out[axis]);
          rest = Math.floor(rest / out[axis]);
        }
        const bIdx = idx.slice(drop).map((v, i) => (bShape[i] === 1 ? 0 : v));
        const bFlat = bIdx.reduce((acc, v, i) => acc * bShape[i] + v, 0);
        expected[flat] = a.data[flat] + b.data[bFlat];
      }
      expect(Array.from(c.data)).toEqual(Array.from(expected));
    }));
  });
});

describe("movement round trips", () => {
  it("reshape to flat and back restores the tensor", () => {
    fc.assert(fc.property(dims(1, 4), seed, (shape, s) => {
      const x = randn(shape, { seed: s });
      const back = lib.reshape(lib.reshape(x, [-1]), shape);
      expect(back.shape).toEqual(shape);
      expect(back.data).toEqual(x.data);
    }));
  });
  it("permute then the inverse permutation restores the tensor", () => {
    const withPerm = dims(1, 4).chain((shape) =>
      fc.tuple(fc.constant(shape), fc.shuffledSubarray(shape.map((_, i) => i), { minLength: shape.length, maxLength: shape.length })),
    );
    fc.assert(fc.property(withPerm, seed, ([shape, perm], s) => {
      const x = randn(shape, { seed: s });
      const y = lib.permute(x, perm);
      expect(y.shape).toEqual(perm.map((p) => shape[p]));
      const inverse = perm.map((_, i) => perm.indexOf(i));
      expect(lib.permute(y, inverse).data).toEqual(x.data);
    }));
  });
  it("transpose moves element [i, j] to [j, i]", () => {
    fc.assert(fc.property(dims(2, 2), seed, ([n, m], s) => {
      const x = randn([n, m], { seed: s });
      const t = lib.transpose(x);
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) expect(t.data[j * n + i]).toBe(x.data[i * m + j]);
    }));
  });
  it("split then concat restores the tensor, and stack then index recovers each part", () => {
    fc.assert(fc.property(dims(1, 3), fc.integer({ min: 1, max: 3 }), seed, (shape, parts, s) => {
      const axis = shape.length - 1;
      const full = shape.map((d, i) => (i === axis ? d * parts : d));
      const x = randn(full, { seed: s });
      expect(lib.concat(lib.split(x, parts, axis), axis).data).toEqual(x.data);
      const pieces = lib.split(x, parts, axis);
      const stacked = lib.stack(pieces, 0);
      pieces.forEach((p, i) => expect(lib.index(stacked, i).data).toEqual(p.data));
    }));
  });
});

describe("matmul", () => {
  it("agrees with a naive triple loop on sizes around the 4×4 tile edges", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 11 }), fc.integer({ min: 1, max: 11 }), fc.integer({ min: 1, max: 11 }), seed, (n, k, m, s) => {
      const a = randn([n, k], { seed: s });
      const b = randn([k, m], { seed: s + 1 });
      const expected = new Float32Array(n * m);
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
        let total = 0;
        for (let p = 0; p < k; p++) total += a.data[i * k + p] * b.data[p * m + j];
        expected[i * m + j] = total;
      }
      expectClose(lib.matmul(a, b), expected, 1e-5, 1e-6);
    }));
  });
  it("linear equals matmul plus bias", () => {
    fc.assert(fc.property(dims(1, 3), fc.integer({ min: 1, max: 7 }), seed, (shape, out, s) => {
      const x = randn(shape, { seed: s });
      const w = randn([shape[shape.length - 1], out], { seed: s + 1 });
      const b = randn([out], { seed: s + 2 });
      expectClose(lib.linear(x, w, b), lib.add(lib.matmul(x, w), b), 1e-5, 1e-6);
    }));
  });
});

describe("random and dropout", () => {
  it("the same seed gives the same numbers; shuffle is a permutation", () => {
    fc.assert(fc.property(seed, (s) => {
      expect(randn([5], { seed: s }).data).toEqual(randn([5], { seed: s }).data);
      const items = Array.from({ length: 20 }, (_, i) => i);
      expect(new Random(s).shuffle(items.slice()).sort((a, b) => a - b)).toEqual(items);
    }));
  });
  it("manualSeed makes the default generator reproducible", () => {
    lib.manualSeed(7);
    const first = lib.rand([4]).data;
    lib.manualSeed(7);
    expect(lib.rand([4]).data).toEqual(first);
  });
  it("normal samples have mean ≈ 0 and std ≈ 1", () => {
    const x = randn([20000], { seed: 3 });
    const mean = lib.mean(x).item();
    const std = Math.sqrt(lib.mean(lib.pow(lib.sub(x, mean), 2)).item());
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(std - 1)).toBeLessThan(0.03);
  });
  it("dropout keeps the expected value, zeroes about p, and is the identity in eval", () => {
    const x = lib.ones([10000]);
    const y = lib.dropout(x, 0.25, { training: true, rng: new Random(1) });
    const zeros = y.data.filter((v) => v === 0).length / y.size;
    expect(Math.abs(zeros - 0.25)).toBeLessThan(0.02);
    expect(y.data.filter((v) => v !== 0).every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(lib.dropout(x, 0.25, { training: false })).toBe(x);
  });
});
