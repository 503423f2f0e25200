/**
 * The encoder-decoder recipe: translate numbers from digits to English words
 * ("347" -> "three hundred forty seven"), and the numbers that say it
 * learned: exact matches on numbers it never saw, and whether its
 * cross-attention looks at the digit each word comes from.
 */
import { Random, noGrad, tidy } from "../core";
import { crossEntropy } from "../ops/loss";
import { Seq2Seq, type Seq2SeqConfig } from "../models/seq2seq";
import { loadState } from "../nn/state";
import { CharTokenizer } from "../data/tokenizer";
import { padBatch } from "../data/batches";
import { TRANSLATION_TARGET_WORDS, type TranslationPair, alignment, translationPairs } from "../data/translation";
import { type RecipeOptions, type Trained, trainWithSchedule } from "./options";

/** Source tokens: `<pad>` (id 0) and the ten digits, one token per character. */
export const digitTokenizer = new CharTokenizer("0123456789", { specials: ["<pad>"] });

/** Target tokens: `<pad>`, `<bos>`, `<eos>` (ids 0, 1, 2), then the 29 number words. */
export const NUMBER_WORDS: readonly string[] = ["<pad>", "<bos>", "<eos>", ...TRANSLATION_TARGET_WORDS];
const PAD = 0;
const BOS = 1;
const EOS = 2;
const wordIds = new Map(NUMBER_WORDS.map((word, id) => [word, id]));

/** Up to 3 digits in, up to 4 words plus `<bos>`/`<eos>` out. */
const LONGEST_TARGET = 4;

/** Both stacks 2 blocks deep; 32 wide is plenty for 11 source and 32 target tokens. */
export const SEQ2SEQ_CONFIG: Seq2SeqConfig = {
  srcVocab: digitTokenizer.size,
  tgtVocab: NUMBER_WORDS.length,
  maxLength: LONGEST_TARGET + 2,
  dim: 32,
  depth: 2,
  heads: 2,
  mlpDim: 64,
  pad: PAD,
};

/** Training schedule of {@link trainSeq2Seq}. */
export const SEQ2SEQ_TRAINING = { steps: 800, batchSize: 64, lr: 3e-3, warmup: 40, weightDecay: 0.01, clip: 1 } as const;

/** A batch ready for the model: padded sources `[B, 3]`, decoder inputs `[B, 5]` (`<bos>` first) and flat targets `B·5` (`<eos>` last, then `<pad>`). */
export interface TranslationBatch {
  src: number[][];
  tgtIn: number[][];
  targets: number[];
}

/** Tokenises and pads `pairs` for teacher-forced training. */
export function translationBatch(pairs: readonly TranslationPair[]): TranslationBatch {
  const src = padBatch(pairs.map((p) => digitTokenizer.encode(p.source)), PAD, 3);
  const words = pairs.map((p) => p.target.split(" ").map((w) => wordIds.get(w)!));
  const tgtIn = padBatch(words.map((w) => [BOS, ...w]), PAD, LONGEST_TARGET + 1);
  const targets = padBatch(words.map((w) => [...w, EOS]), PAD, LONGEST_TARGET + 1).flat();
  return { src, tgtIn, targets };
}

/**
 * Trains a fresh {@link Seq2Seq} with {@link SEQ2SEQ_CONFIG} on the training
 * split of `translationPairs` (about four numbers in five; the rest are held
 * out), teacher-forced, padding ignored in the loss.
 *
 * @example
 * import { trainSeq2Seq, translate } from "transformer";
 * const { model } = await trainSeq2Seq({ seed: 0, signal });
 * translate(model, ["347"]); // ["three hundred forty seven"]
 */
export async function trainSeq2Seq(options: RecipeOptions = {}): Promise<Trained<Seq2Seq>> {
  const { seed = 0, steps = SEQ2SEQ_TRAINING.steps } = options;
  const { batchSize } = SEQ2SEQ_TRAINING;
  const model = new Seq2Seq(SEQ2SEQ_CONFIG, { seed });
  const pairs = translationPairs({ count: steps * batchSize, seed: seed + 0x5eed, split: "train" });
  const result = await trainWithSchedule(model.params, SEQ2SEQ_TRAINING, options, (i) => {
    const { src, tgtIn, targets } = translationBatch(pairs.slice(i * batchSize, (i + 1) * batchSize));
    const { logits } = model.forward(src, tgtIn); // [B, 5, V]
    return crossEntropy(logits, targets, { ignoreIndex: PAD });
  });
  return { model, result };
}

/** An encoder-decoder with {@link SEQ2SEQ_CONFIG} and the weights of a `saveState` file (e.g. `public/models/seq2seq.bin`). */
export function loadSeq2Seq(bytes: Uint8Array): Seq2Seq {
  return new Seq2Seq(SEQ2SEQ_CONFIG, { params: loadState(bytes, { requiresGrad: false }) });
}

/** Greedy translations of digit strings ("0" to "999"), one string of words each. */
export function translate(model: Seq2Seq, sources: readonly string[]): string[] {
  const src = padBatch(sources.map((s) => digitTokenizer.encode(s)), PAD, 3);
  const decoded = model.greedyDecode(src, { maxLength: LONGEST_TARGET + 1, bos: BOS, eos: EOS });
  return decoded.map((ids) => ids.map((id) => NUMBER_WORDS[id]).join(" "));
}

/** What {@link evaluateSeq2Seq} measures. */
export interface Seq2SeqMetrics {
  /** Share of held-out numbers translated exactly right by greedy decoding. */
  exactMatch: number;
  /**
   * Share of target words whose strongest cross-attention (last decoder
   * layer, averaged over heads, at the position that predicts the word,
   * teacher-forced) falls on the digit the word comes from (`alignment`).
   */
  alignment: number;
}

/**
 * Exact match and attention alignment on `count` pairs of the held-out split
 * (numbers the model never saw), in the order drawn by `seed`.
 */
export function evaluateSeq2Seq(model: Seq2Seq, { seed, count = 200 }: { seed: number; count?: number }): Seq2SeqMetrics {
  const pairs = translationPairs({ count, seed, split: "test" });
  const predictions = translate(model, pairs.map((p) => p.source));
  const exact = predictions.filter((p, i) => p === pairs[i].target).length;

  const { src, tgtIn } = translationBatch(pairs);
  // Only the last layer's weights leave the scope; the rest of the pass is released.
  const cross = tidy(() => noGrad(() => model.forward(src, tgtIn, { trace: true }).trace!.decoder.crossAttention.at(-1)!)); // [B, heads, T, S]
  const [, heads, T, S] = cross.shape;
  let aligned = 0;
  let words = 0;
  pairs.forEach((pair, b) => {
    alignment(pair.source, pair.target).forEach((digit, t) => {
      const mean = Array.from({ length: S }, (_, s) => {
        let total = 0;
        for (let h = 0; h < heads; h++) total += cross.data[((b * heads + h) * T + t) * S + s];
        return total / heads;
      });
      if (mean.indexOf(Math.max(...mean)) === digit) aligned++;
      words++;
    });
  });
  return { exactMatch: exact / count, alignment: aligned / words };
}
