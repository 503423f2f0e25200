import { describe, expect, it } from "vitest";
import { NUMBER_WORDS, trainSeq2Seq, translationBatch } from "transformer";

describe("translationBatch", () => {
  it("pads digits on the right and frames the words with <bos> and <eos>", () => {
    const { src, tgtIn, targets } = translationBatch([
      { source: "347", target: "three hundred forty seven" },
      { source: "8", target: "eight" },
    ]);
    // Source ids: <pad> is 0, digit k is k + 1.
    expect(src).toEqual([[4, 5, 8], [9, 0, 0]]);
    const words = (ids: number[]) => ids.map((id) => NUMBER_WORDS[id]);
    expect(tgtIn.map(words)).toEqual([
      ["<bos>", "three", "hundred", "forty", "seven"],
      ["<bos>", "eight", "<pad>", "<pad>", "<pad>"],
    ]);
    expect(words(targets)).toEqual([
      "three", "hundred", "forty", "seven", "<eos>",
      "eight", "<eos>", "<pad>", "<pad>", "<pad>",
    ]);
  });
});

describe("trainSeq2Seq", () => {
  it("lowers the loss within 40 steps", async () => {
    const { result } = await trainSeq2Seq({ seed: 1, steps: 40 });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(result.losses.slice(-5))).toBeLessThan(0.7 * mean(result.losses.slice(0, 5)));
  });

  it("is deterministic for a seed: the same seed gives the same losses, another seed others", async () => {
    const a = await trainSeq2Seq({ seed: 2, steps: 4 });
    const b = await trainSeq2Seq({ seed: 2, steps: 4 });
    const c = await trainSeq2Seq({ seed: 3, steps: 4 });
    expect(b.result.losses).toEqual(a.result.losses);
    expect(c.result.losses).not.toEqual(a.result.losses);
  });
});
