/**
 * The weights in `public/models` are the ones the course ships: loaded from
 * disk exactly as the site serves them, they must still do what the course
 * says they do, on held-out data drawn from seeds training never used.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  evaluateCharLM, evaluateSeq2Seq, evaluateVit, knownWordShare, loadCharLM, loadSeq2Seq, loadVit, sampleText,
} from "transformer";

const HELD_OUT_SEED = 2024;
const load = (file: string) => new Uint8Array(readFileSync(fileURLToPath(new URL(`../../../public/models/${file}`, import.meta.url))));

describe("shipped weights", () => {
  it.each(["vit.bin", "char-lm.bin", "seq2seq.bin"])("%s is a compact float32 file under 300 KB", (file) => {
    expect(load(file).length).toBeLessThan(300 * 1024);
  });

  it("ViT: at least 95% accuracy, and class-token attention at least 2x uniform on object patches", () => {
    const metrics = evaluateVit(loadVit(load("vit.bin")), { seed: HELD_OUT_SEED, count: 300 });
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(metrics.objectAttentionRatio).toBeGreaterThanOrEqual(2);
  });

  it("character LM: validation loss well below the unigram baseline, and samples made of corpus words", () => {
    const model = loadCharLM(load("char-lm.bin"));
    const { valLoss, unigramLoss } = evaluateCharLM(model, { seed: HELD_OUT_SEED, sentences: 200 });
    expect(valLoss).toBeLessThan(0.6 * unigramLoss);
    const sample = sampleText(model, { prompt: "the ", length: 300, seed: HELD_OUT_SEED });
    expect(knownWordShare(sample)).toBeGreaterThanOrEqual(0.9);
  });

  it("encoder-decoder: at least 95% exact match on held-out numbers, cross-attention mostly on the aligned digit", () => {
    const { exactMatch, alignment } = evaluateSeq2Seq(loadSeq2Seq(load("seq2seq.bin")), { seed: HELD_OUT_SEED, count: 200 });
    expect(exactMatch).toBeGreaterThanOrEqual(0.95);
    expect(alignment).toBeGreaterThan(0.5);
  });
});
