import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CharTokenizer, Random, batches, padBatch, sampleWindows, shuffled } from "transformer";

describe("CharTokenizer", () => {
  it("round-trips any text made of its vocabulary; ids are dense and specials come first", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, unit: "grapheme-ascii" }), (text) => {
        const tok = new CharTokenizer(text, { specials: ["<pad>", "<eos>"] });
        expect(tok.decode(tok.encode(text))).toBe(text);
        expect(tok.id("<pad>")).toBe(0);
        expect(tok.size).toBe(new Set(text).size + 2);
        expect(tok.encode(text).every((id) => id >= 2 && id < tok.size)).toBe(true);
      }),
    );
  });

  it("names an unknown character or id", () => {
    const tok = new CharTokenizer("abc");
    expect(() => tok.encode("abd")).toThrow(/"d"/);
    expect(() => tok.decode([0, 7])).toThrow(/id 7/);
  });
});

describe("batching", () => {
  it("shuffled is a seeded permutation that leaves its input alone", () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer(), (items, seed) => {
        const before = items.slice();
        const a = shuffled(items, seed);
        expect(items).toEqual(before);
        expect(shuffled(items, seed)).toEqual(a);
        expect(a.slice().sort((x, y) => x - y)).toEqual(items.slice().sort((x, y) => x - y));
      }),
    );
  });

  it("batches cover every item once, in batches of the given size", () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 50 }), fc.integer({ min: 1, max: 8 }), fc.boolean(), (items, size, dropLast) => {
        const out = batches(items, size, { shuffle: 3, dropLast });
        expect(out.every((b) => b.length === size || (!dropLast && b === out.at(-1)))).toBe(true);
        const flat = out.flat();
        expect(flat.length).toBe(dropLast ? items.length - (items.length % size) : items.length);
        if (!dropLast) expect(flat.sort((x, y) => x - y)).toEqual(items.slice().sort((x, y) => x - y));
      }),
    );
  });

  it("sampleWindows: targets are the inputs shifted by one token", () => {
    const ids = Array.from({ length: 100 }, (_, i) => i);
    const { inputs, targets } = sampleWindows(ids, 8, 5, new Random(0));
    expect(inputs.length).toBe(5);
    expect(targets.length).toBe(40);
    inputs.forEach((row, b) => row.forEach((id, t) => expect(targets[b * 8 + t]).toBe(id + 1)));
  });

  it("padBatch pads to the longest row", () => {
    expect(padBatch([[5, 6, 7], [8]], 0)).toEqual([[5, 6, 7], [8, 0, 0]]);
    expect(() => padBatch([[1, 2, 3]], 0, 2)).toThrow(/length 3/);
  });
});
