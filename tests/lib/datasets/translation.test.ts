import { describe, expect, it } from "vitest";
import {
  alignment,
  isHeldOut,
  numberToWords,
  TRANSLATION_SOURCE_VOCAB,
  TRANSLATION_TARGET_WORDS,
  translationPairs,
} from "../../../src/lib/data/datasets";

const ALL = Array.from({ length: 1000 }, (_, n) => n);

describe("numberToWords", () => {
  it.each([
    [0, "zero"],
    [7, "seven"],
    [10, "ten"],
    [13, "thirteen"],
    [20, "twenty"],
    [40, "forty"],
    [99, "ninety nine"],
    [100, "one hundred"],
    [101, "one hundred one"],
    [115, "one hundred fifteen"],
    [210, "two hundred ten"],
    [305, "three hundred five"],
    [347, "three hundred forty seven"],
    [880, "eight hundred eighty"],
    [999, "nine hundred ninety nine"],
  ])("writes %i as %s", (n, words) => {
    expect(numberToWords(n)).toBe(words);
  });

  it("gives every number in 0..999 its own spelling, from the 29 target words", () => {
    const spellings = ALL.map(numberToWords);
    expect(new Set(spellings).size).toBe(1000);
    const used = new Set(spellings.flatMap((s) => s.split(" ")));
    expect([...used].sort()).toEqual([...TRANSLATION_TARGET_WORDS].sort());
    expect(TRANSLATION_TARGET_WORDS).toHaveLength(29);
    expect(TRANSLATION_SOURCE_VOCAB.join("")).toBe("0123456789");
  });

  it("rejects numbers outside 0..999", () => {
    for (const bad of [-1, 1000, 1.5, NaN]) expect(() => numberToWords(bad)).toThrow(RangeError);
  });
});

describe("translationPairs", () => {
  it("is deterministic for a seed, and seeds change the order", () => {
    const a = translationPairs({ count: 30, seed: 1 });
    expect(translationPairs({ count: 30, seed: 1 })).toEqual(a);
    expect(translationPairs({ count: 30, seed: 2 })).not.toEqual(a);
    for (const { source, target } of a) expect(target).toBe(numberToWords(Number(source)));
  });

  it("keeps train and test numbers disjoint for any seeds", () => {
    const train = new Set(translationPairs({ count: 3000, seed: 1 }).map((p) => p.source));
    const test = new Set(translationPairs({ count: 1000, seed: 77, split: "test" }).map((p) => p.source));
    for (const source of test) expect(train.has(source)).toBe(false);
    // Together the splits cover every number once.
    expect(train.size + test.size).toBe(1000);
    // About a fifth of the numbers from 20 up are held out.
    expect(test.size / 980).toBeGreaterThan(0.15);
    expect(test.size / 980).toBeLessThan(0.25);
  });

  it("does not repeat a number until its split runs out", () => {
    const test = translationPairs({ count: 150, seed: 5, split: "test" });
    expect(new Set(test.map((p) => p.source)).size).toBe(150);
  });

  it("teaches every word that a test target uses, also with a smaller max", () => {
    for (const max of [999, 99]) {
      const trainWords = new Set(
        ALL.filter((n) => n <= max && !isHeldOut(n)).flatMap((n) => numberToWords(n).split(" ")),
      );
      const test = translationPairs({ count: 300, seed: 3, max, split: "test" });
      expect(test.every((p) => Number(p.source) <= max)).toBe(true);
      for (const { target } of test) for (const word of target.split(" ")) expect(trainWords.has(word)).toBe(true);
    }
  });
});

describe("alignment", () => {
  it.each([
    ["0", "zero", [0]],
    ["8", "eight", [0]],
    ["13", "thirteen", [0]],
    ["40", "forty", [0]],
    ["47", "forty seven", [0, 1]],
    ["100", "one hundred", [0, 0]],
    ["115", "one hundred fifteen", [0, 0, 1]],
    ["305", "three hundred five", [0, 0, 2]],
    ["347", "three hundred forty seven", [0, 0, 1, 2]],
  ])("aligns %s with %s as %j", (source, target, expected) => {
    expect(alignment(source, target)).toEqual(expected);
  });

  it("points every word at the digit that spells it", () => {
    const units = TRANSLATION_TARGET_WORDS.slice(0, 10);
    const tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
    for (const n of ALL) {
      const source = String(n);
      const words = numberToWords(n).split(" ");
      const positions = alignment(source, words.join(" "));
      expect(positions).toHaveLength(words.length);
      words.forEach((word, i) => {
        const digit = Number(source[positions[i]]);
        if (word === "hundred") expect(positions[i]).toBe(0);
        else if (units.includes(word)) expect(digit).toBe(units.indexOf(word));
        else if (tens.includes(word)) expect(digit).toBe(tens.indexOf(word));
        else expect(digit).toBe(1); // a teen, credited to its tens digit
      });
    }
  });

  it("refuses a target that is not the source's translation", () => {
    expect(() => alignment("12", "one two")).toThrow(/not the translation/);
    expect(() => alignment("007", "seven")).toThrow(/not the translation/);
  });
});
