/**
 * A toy translation task with real structure, for the encoder-decoder:
 * numbers written in digits to English words, "347" -> "three hundred forty
 * seven". The words come out in a different count and order than the digits
 * go in ("13" is one word, "100" is two, "0" in "305" is silent), so the
 * decoder must learn where to look, and we know the right answer: each word
 * comes from one digit (see `alignment`).
 */
import { Random } from "../core";

const UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
const TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/** The source alphabet: the ten digits. */
export const TRANSLATION_SOURCE_VOCAB: readonly string[] = [..."0123456789"];

/** Every word a target can contain (29 words), for a word-level target tokenizer. */
export const TRANSLATION_TARGET_WORDS: readonly string[] = [...UNITS, ...TEENS, ...TENS.slice(2), "hundred"];

/** One example: digits in, words out. */
export interface TranslationPair {
  /** The number in digits, no leading zeros: "347". */
  source: string;
  /** The number in words, separated by single spaces: "three hundred forty seven". */
  target: string;
}

/**
 * A whole number 0..999 in English words, American style (no "and", no hyphens).
 *
 * @example
 * import { numberToWords } from "transformer";
 * numberToWords(115); // "one hundred fifteen"
 * numberToWords(40);  // "forty"
 */
export function numberToWords(n: number): string {
  return wordsWithDigits(n).map(([word]) => word).join(" ");
}

/**
 * The words of `n` with, for each, the place of the digit it comes from
 * (2 = hundreds, 1 = tens, 0 = units).
 */
function wordsWithDigits(n: number): [string, number][] {
  if (!Number.isInteger(n) || n < 0 || n > 999) throw new RangeError(`numberToWords: ${n} is not a whole number in 0..999`);
  if (n === 0) return [["zero", 0]];
  const [hundreds, tens, units] = [Math.floor(n / 100), Math.floor(n / 10) % 10, n % 10];
  const words: [string, number][] = [];
  if (hundreds > 0) words.push([UNITS[hundreds], 2], ["hundred", 2]);
  if (tens === 1) words.push([TEENS[units], 1]); // a teen is one word; we credit it to its "1"
  else {
    if (tens > 1) words.push([TENS[tens], 1]);
    if (units > 0) words.push([UNITS[units], 0]);
  }
  return words;
}

/**
 * For each word of `target`, the index in `source` of the digit it comes
 * from: a hundreds word and "hundred" -> the hundreds digit, a tens word
 * ("forty") -> the tens digit, a unit word -> the units digit. A teen
 * ("fifteen") is credited to its tens digit, the "1", by convention.
 * "zero" -> the single digit "0".
 *
 * @example
 * import { alignment } from "transformer";
 * alignment("347", "three hundred forty seven"); // [0, 0, 1, 2]
 * alignment("115", "one hundred fifteen");       // [0, 0, 1]
 * alignment("8", "eight");                       // [0]
 */
export function alignment(source: string, target: string): number[] {
  const words = /^(0|[1-9][0-9]{0,2})$/.test(source) ? wordsWithDigits(Number(source)) : [];
  if (words.length === 0 || words.map(([word]) => word).join(" ") !== target) {
    throw new Error(`alignment: "${target}" is not the translation of "${source}"`);
  }
  // Digit place 0 (units) is the last character of the source.
  return words.map(([, place]) => source.length - 1 - place);
}

/**
 * Whether `n` is held out for testing: about one number in five from 20 up,
 * picked by a fixed integer hash. 0..19 always stay in training, so every
 * word ("zero", "thirteen"...) is seen in training whatever `max` is.
 */
export function isHeldOut(n: number): boolean {
  if (n < 20) return false;
  let h = Math.imul(n ^ 0x5bd1e995, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return ((h ^ (h >>> 13)) >>> 0) % 5 === 0;
}

/**
 * `count` digit-to-words pairs drawn from the numbers 0..`max` of one split.
 * The splits are disjoint for every seed: a number is in "test" exactly when
 * `isHeldOut` says so. Numbers come in a seeded shuffled order without
 * repeats until the split runs out, then the split is reshuffled.
 *
 * @example
 * import { translationPairs } from "transformer";
 * const train = translationPairs({ count: 2000, seed: 1 });
 * const test = translationPairs({ count: 100, seed: 2, split: "test" });
 * test[0]; // { source: "950", target: "nine hundred fifty" }
 */
export function translationPairs({
  count,
  seed,
  max = 999,
  split = "train",
}: { count: number; seed: number; max?: number; split?: "train" | "test" }): TranslationPair[] {
  if (!Number.isInteger(max) || max < 0 || max > 999) throw new RangeError(`translationPairs: max ${max} is not in 0..999`);
  const pool = Array.from({ length: max + 1 }, (_, n) => n).filter((n) => isHeldOut(n) === (split === "test"));
  if (pool.length === 0 && count > 0) throw new RangeError(`translationPairs: no ${split} numbers up to ${max}`);
  const rng = new Random(seed);
  const numbers: number[] = [];
  while (numbers.length < count) numbers.push(...rng.shuffle([...pool]));
  return numbers.slice(0, count).map((n) => ({ source: String(n), target: numberToWords(n) }));
}
