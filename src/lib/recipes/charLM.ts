/**
 * The character language model recipe: a small causal transformer that
 * learns to write like the course's generated corpus, and the numbers that
 * say it learned: validation loss next to what a model that only knows
 * letter frequencies (a unigram model) would score, and samples made of
 * real corpus words.
 */
import { Random, noGrad, tidy } from "../core";
import { crossEntropy } from "../ops/loss";
import { LanguageModel, type LanguageModelConfig } from "../models/languageModel";
import { loadState } from "../nn/state";
import { CORPUS_ALPHABET, CORPUS_WORDS, generateCorpus } from "../data/corpus";
import { CharTokenizer } from "../data/tokenizer";
import { sampleWindows } from "../data/batches";
import { type RecipeOptions, type Trained, trainWithSchedule } from "./options";

/** One token per character of the corpus alphabet (newline, space, period, a-z): 29 tokens. */
export const charTokenizer = new CharTokenizer(CORPUS_ALPHABET);

/** 32 characters of context cover a sentence and a half, enough to get grammar as well as spelling. */
export const CHAR_LM_CONFIG: LanguageModelConfig = {
  vocabSize: charTokenizer.size,
  contextLength: 32,
  dim: 48,
  depth: 2,
  heads: 4,
  mlpDim: 96,
};

/**
 * The training text: fixed, whatever the training seed (the seed only
 * changes the initial weights and which windows are drawn). Validation text
 * comes from other seeds, see {@link evaluateCharLM}.
 */
export const CHAR_LM_CORPUS = { sentences: 4000, seed: 7 } as const;

/** Training schedule of {@link trainCharLM}. */
export const CHAR_LM_TRAINING = { steps: 800, batchSize: 16, lr: 3e-3, warmup: 40, weightDecay: 0.01, clip: 1 } as const;

/** The training corpus as token ids (about 150,000 characters). */
export function charTrainingIds(): number[] {
  return charTokenizer.encode(generateCorpus(CHAR_LM_CORPUS));
}

/**
 * Trains a fresh {@link LanguageModel} with {@link CHAR_LM_CONFIG} on random
 * 32-character windows of the training corpus (next-character prediction at
 * every position).
 *
 * @example
 * import { trainCharLM, sampleText } from "transformer";
 * const { model } = await trainCharLM({ seed: 0, steps: 300, signal });
 * sampleText(model, { prompt: "the ", length: 80 });
 */
export async function trainCharLM(options: RecipeOptions = {}): Promise<Trained<LanguageModel>> {
  const { seed = 0 } = options;
  const ids = charTrainingIds();
  const model = new LanguageModel(CHAR_LM_CONFIG, { seed });
  const windowRng = new Random(seed + 0x5eed);
  const { batchSize } = CHAR_LM_TRAINING;
  const result = await trainWithSchedule(model.params, CHAR_LM_TRAINING, options, () => {
    const { inputs, targets } = sampleWindows(ids, CHAR_LM_CONFIG.contextLength, batchSize, windowRng); // [B, T], B·T
    return crossEntropy(model.forward(inputs, { training: true }).logits, targets); // [B, T, V] vs B·T
  });
  return { model, result };
}

/** A language model with {@link CHAR_LM_CONFIG} and the weights of a `saveState` file (e.g. `public/models/char-lm.bin`). */
export function loadCharLM(bytes: Uint8Array): LanguageModel {
  return new LanguageModel(CHAR_LM_CONFIG, { params: loadState(bytes, { requiresGrad: false }) });
}

/** What {@link evaluateCharLM} measures, in nats per character. */
export interface CharLMMetrics {
  /** The model's mean cross-entropy on held-out text. */
  valLoss: number;
  /** The same for a unigram model: each character's frequency in the training corpus, context ignored. */
  unigramLoss: number;
}

/**
 * Validation loss on `sentences` freshly generated sentences (seed `seed`),
 * cut into non-overlapping 32-character windows; every character after the
 * first of a window is predicted, and the unigram baseline is scored on
 * exactly the same characters.
 */
export function evaluateCharLM(model: LanguageModel, { seed, sentences = 300 }: { seed: number; sentences?: number }): CharLMMetrics {
  if (seed === CHAR_LM_CORPUS.seed) throw new RangeError(`evaluateCharLM: seed ${seed} generates the training corpus; pick another`);
  const ids = charTokenizer.encode(generateCorpus({ sentences, seed }));
  const T = model.config.contextLength;
  const inputs: number[][] = [];
  const targets: number[] = [];
  for (let start = 0; start + T < ids.length; start += T) {
    inputs.push(ids.slice(start, start + T));
    targets.push(...ids.slice(start + 1, start + T + 1));
  }
  let total = 0;
  for (let b = 0; b < inputs.length; b += 64) {
    tidy(() => noGrad(() => { // one scope per batch: the next batch reuses its memory
      const rows = inputs.slice(b, b + 64);
      const loss = crossEntropy(model.forward(rows).logits, targets.slice(b * T, (b + rows.length) * T));
      total += loss.item() * rows.length * T;
    }));
  }
  return { valLoss: total / targets.length, unigramLoss: unigramLoss(charTrainingIds(), targets, charTokenizer.size) };
}

/**
 * Cross-entropy (nats per token) of `targets` under the unigram model fitted
 * to `trainingIds`: p(c) = (count(c) + 1) / (n + V), add-one smoothed so an
 * unseen token costs a finite amount.
 *
 * @example
 * unigramLoss([0, 0, 1], [0], 2); // -log(3/5) ≈ 0.51
 */
export function unigramLoss(trainingIds: readonly number[], targets: readonly number[], vocabSize: number): number {
  const counts = new Array<number>(vocabSize).fill(1);
  for (const id of trainingIds) counts[id]++;
  const total = trainingIds.length + vocabSize;
  return targets.reduce((loss, id) => loss - Math.log(counts[id] / total), 0) / targets.length;
}

/**
 * Text the model writes after `prompt`, sampled at `temperature` (below 1
 * picks likely characters more often) with a seeded generator.
 */
export function sampleText(
  model: LanguageModel,
  { prompt = "the ", length = 200, temperature = 0.7, seed = 0 }: { prompt?: string; length?: number; temperature?: number; seed?: number } = {},
): string {
  const ids = model.generate(charTokenizer.encode(prompt), { steps: length, temperature, rng: new Random(seed) });
  return charTokenizer.decode(ids);
}

/**
 * Share of the complete words of `text` (those followed by a space, period or
 * newline) that are words of the corpus: 1 means every word is spelled right.
 *
 * @example
 * knownWordShare("the cat sleepz. a d"); // 2/3: "sleepz" is not a word, "d" is unfinished
 */
export function knownWordShare(text: string): number {
  const known = new Set(CORPUS_WORDS);
  const words = [...text.matchAll(/([a-z]+)(?=[ .\n])/g)].map((m) => m[1]);
  return words.length === 0 ? 0 : words.filter((w) => known.has(w)).length / words.length;
}
