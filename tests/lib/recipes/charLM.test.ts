import { describe, expect, it } from "vitest";
import { CORPUS_WORDS, charTokenizer, knownWordShare, trainCharLM, unigramLoss } from "transformer";

describe("unigramLoss", () => {
  it("is the cross-entropy of add-one smoothed frequencies, computed by hand", () => {
    // Training ids: three 0s and one 1 over a vocabulary of 3 -> p = (4/7, 2/7, 1/7).
    const training = [0, 0, 0, 1];
    expect(unigramLoss(training, [0, 1, 2], 3)).toBeCloseTo(-(Math.log(4 / 7) + Math.log(2 / 7) + Math.log(1 / 7)) / 3, 12);
  });

  it("equals log V for a uniform training text, whatever the targets", () => {
    const training = Array.from({ length: 290 }, (_, i) => i % 29);
    expect(unigramLoss(training, [3, 3, 7, 28], 29)).toBeCloseTo(Math.log(29), 12);
  });
});

describe("knownWordShare", () => {
  it("counts complete words only and checks them against the corpus vocabulary", () => {
    expect(knownWordShare("the cat sleeps. a d")).toBe(1); // "d" is unfinished
    expect(knownWordShare("the cat sleepz.\n")).toBeCloseTo(2 / 3, 12);
    expect(knownWordShare(CORPUS_WORDS.join(" ") + " ")).toBe(1);
  });
});

describe("trainCharLM", () => {
  it("tokenises the corpus alphabet into 29 ids that round-trip", () => {
    expect(charTokenizer.size).toBe(29);
    expect(charTokenizer.decode(charTokenizer.encode("an owl sleeps.\n"))).toBe("an owl sleeps.\n");
  });

  it("lowers the loss within 30 steps, from about log 29 (a uniform guess)", async () => {
    const { result } = await trainCharLM({ seed: 1, steps: 30 });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(result.losses[0]).toBeGreaterThan(0.9 * Math.log(29));
    expect(mean(result.losses.slice(-5))).toBeLessThan(0.85 * mean(result.losses.slice(0, 5)));
  });

  it("is deterministic for a seed: the same seed gives the same losses, another seed others", async () => {
    const a = await trainCharLM({ seed: 2, steps: 4 });
    const b = await trainCharLM({ seed: 2, steps: 4 });
    const c = await trainCharLM({ seed: 3, steps: 4 });
    expect(b.result.losses).toEqual(a.result.losses);
    expect(c.result.losses).not.toEqual(a.result.losses);
  });
});
