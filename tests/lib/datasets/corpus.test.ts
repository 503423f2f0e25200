import { describe, expect, it } from "vitest";
import { CORPUS_ALPHABET, CORPUS_WORDS, generateCorpus } from "../../../src/lib/data/datasets";

describe("generateCorpus", () => {
  const text = generateCorpus({ seed: 1 });

  it("is deterministic for a seed and differs between seeds", () => {
    expect(generateCorpus({ seed: 1 })).toBe(text);
    expect(generateCorpus({ seed: 2 })).not.toBe(text);
  });

  it("is 20k to 60k characters by default, in a small lowercase alphabet", () => {
    expect(text.length).toBeGreaterThan(20_000);
    expect(text.length).toBeLessThan(60_000);
    expect(text).toMatch(/^[a-z .\n]+$/);
    const used = new Set(text);
    expect(used.size).toBeLessThanOrEqual(30);
    for (const ch of used) expect(CORPUS_ALPHABET).toContain(ch);
  });

  it("writes the requested number of sentences, each a sequence of known words ending in a period", () => {
    const small = generateCorpus({ sentences: 50, seed: 3 });
    const sentences = small.split(/(?<=\.)[ \n]/);
    expect(sentences).toHaveLength(50);
    for (const sentence of sentences) {
      expect(sentence).toMatch(/^[a-z]+( [a-z]+)+\.$/);
      for (const word of sentence.slice(0, -1).split(" ")) expect(CORPUS_WORDS).toContain(word);
    }
  });

  it("follows the English article rule: 'an' before a vowel, 'a' before a consonant", () => {
    expect(text).not.toMatch(/\ba [aeiou]/);
    expect(text).not.toMatch(/\ban [^aeiou]/);
    expect(text).toMatch(/\ban [aeiou]/); // the rule is exercised, not avoided
  });

  it("uses its whole vocabulary", () => {
    const words = new Set(text.split(/[ .\n]+/).filter(Boolean));
    expect(words.size).toBe(CORPUS_WORDS.length);
  });
});
