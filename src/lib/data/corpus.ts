/**
 * A small English corpus the course writes itself, for the character-level
 * language model: sentences about a little world, generated from a tiny
 * hand-written grammar with a seeded `Random`. Lowercase letters, spaces,
 * periods and newlines only, so the vocabulary stays around 30 characters,
 * yet there is real structure to learn: words, "a" before a consonant and
 * "an" before a vowel, subject-verb-object order, sentences that end with
 * a period.
 */
import { Random } from "../core";

const ADJECTIVES = ["small", "big", "old", "young", "green", "red", "blue", "quiet", "happy", "tired", "clever", "orange"];
const NOUNS = ["robot", "cat", "dog", "bird", "child", "teacher", "farmer", "owl", "tree", "book", "house", "river", "garden", "apple", "lamp", "boat"];
/** Nouns that can do things; the rest are only seen, found, carried... */
const ACTORS = ["robot", "cat", "dog", "bird", "child", "teacher", "farmer", "owl"];
const TRANSITIVE = ["sees", "reads", "finds", "likes", "carries", "paints", "follows", "watches"];
const INTRANSITIVE = ["sleeps", "sings", "runs", "waits", "dreams", "walks"];
const PREPOSITIONS = ["near", "under", "in", "behind", "with"];
const FUNCTION_WORDS = ["the", "a", "an", "and", "then"];

/** Every word the corpus can contain. */
export const CORPUS_WORDS: readonly string[] = [
  ...FUNCTION_WORDS,
  ...ADJECTIVES,
  ...NOUNS,
  ...TRANSITIVE,
  ...INTRANSITIVE,
  ...PREPOSITIONS,
];

/** The characters the corpus uses: a-z, space, period and newline. */
export const CORPUS_ALPHABET = "\nabcdefghijklmnopqrstuvwxyz .";

const pick = <T>(rng: Random, items: readonly T[]): T => items[rng.int(items.length)];

/** "the cat", "a small robot", "an old owl": determiner, optional adjective, noun. */
function nounPhrase(rng: Random, nouns: readonly string[]): string {
  const words = rng.next() < 0.5 ? [pick(rng, ADJECTIVES), pick(rng, nouns)] : [pick(rng, nouns)];
  const article = rng.next() < 0.5 ? "the" : /^[aeiou]/.test(words[0]) ? "an" : "a";
  return [article, ...words].join(" ");
}

/** One sentence, ending with a period, from one of a few templates. */
function sentence(rng: Random): string {
  const subject = nounPhrase(rng, ACTORS);
  const object = () => nounPhrase(rng, NOUNS);
  const place = () => `${pick(rng, PREPOSITIONS)} ${object()}`;
  const templates = [
    () => `${subject} ${pick(rng, TRANSITIVE)} ${object()}`,
    () => `${subject} ${pick(rng, INTRANSITIVE)}`,
    () => `${subject} ${pick(rng, INTRANSITIVE)} ${place()}`,
    () => `${subject} ${pick(rng, TRANSITIVE)} ${object()} ${place()}`,
    () => `${subject} ${pick(rng, TRANSITIVE)} ${object()} and then ${pick(rng, INTRANSITIVE)}`,
  ];
  return `${pick(rng, templates)()}.`;
}

/**
 * `sentences` generated sentences, one to three per line, lines separated by
 * newlines. About 37 characters per sentence, so the default 1,000 sentences
 * make roughly 37,000 characters. Same seed, same text.
 *
 * @example
 * import { generateCorpus } from "transformer";
 * const text = generateCorpus({ sentences: 3, seed: 1 });
 * // "a blue owl waits. a bird runs near the old dog.\nthe tired dog likes the garden."
 */
export function generateCorpus({ sentences = 1000, seed = 0 }: { sentences?: number; seed?: number } = {}): string {
  if (!Number.isInteger(sentences) || sentences < 0) throw new RangeError(`generateCorpus: sentences ${sentences} is not a whole number >= 0`);
  const rng = new Random(seed);
  const lines: string[] = [];
  for (let written = 0; written < sentences; ) {
    const onThisLine = Math.min(1 + rng.int(3), sentences - written);
    lines.push(Array.from({ length: onThisLine }, () => sentence(rng)).join(" "));
    written += onThisLine;
  }
  return lines.join("\n");
}
