import { Random } from "../core";

/**
 * A shuffled copy of `items` (Fisher-Yates); the same seed gives the same order.
 *
 * @example
 * import { shuffled } from "transformer";
 * shuffled([1, 2, 3, 4], 0); // the same permutation on every run
 */
export function shuffled<T>(items: readonly T[], seedOrRng: number | Random = 0): T[] {
  const rng = typeof seedOrRng === "number" ? new Random(seedOrRng) : seedOrRng;
  return rng.shuffle(items.slice());
}

/**
 * Splits `items` into consecutive batches of `batchSize` (the last one may be
 * shorter unless `dropLast`); pass `shuffle` (a seed or generator) to shuffle first.
 *
 * @example
 * batches([1, 2, 3, 4, 5], 2); // [[1, 2], [3, 4], [5]]
 */
export function batches<T>(
  items: readonly T[],
  batchSize: number,
  options: { shuffle?: number | Random; dropLast?: boolean } = {},
): T[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batches: batchSize must be a positive integer, got ${batchSize}`);
  const order = options.shuffle === undefined ? items.slice() : shuffled(items, options.shuffle);
  const out: T[][] = [];
  for (let i = 0; i < order.length; i += batchSize) {
    const batch = order.slice(i, i + batchSize);
    if (batch.length === batchSize || !options.dropLast) out.push(batch);
  }
  return out;
}

/**
 * Random windows of a token stream for language modelling: `inputs [B, T]`
 * and `targets`, the same windows shifted by one token (the next token at
 * every position), flattened row-major to `B·T` ids as `crossEntropy` takes them.
 *
 * @example
 * const { inputs, targets } = sampleWindows(tok.encode(text), 32, 16, rng); // [16, 32] rows, 512 targets
 * const loss = crossEntropy(lm.forward(inputs).logits, targets);
 */
export function sampleWindows(
  ids: readonly number[],
  contextLength: number,
  batchSize: number,
  rng: Random,
): { inputs: number[][]; targets: number[] } {
  if (ids.length <= contextLength) throw new Error(`sampleWindows: need more than ${contextLength} tokens, got ${ids.length}`);
  const inputs: number[][] = [];
  const targets: number[] = [];
  for (let b = 0; b < batchSize; b++) {
    const start = rng.int(ids.length - contextLength);
    inputs.push(ids.slice(start, start + contextLength));
    targets.push(...ids.slice(start + 1, start + contextLength + 1));
  }
  return { inputs, targets };
}

/**
 * Pads sequences of different lengths with `pad` to one length: `number[][]`
 * `[B, L]` with L the longest (or `length`). Longer sequences are an error.
 *
 * @example
 * padBatch([[5, 6], [7]], 0); // [[5, 6], [7, 0]]
 */
export function padBatch(sequences: readonly number[][], pad: number, length?: number): number[][] {
  const L = length ?? Math.max(...sequences.map((s) => s.length));
  return sequences.map((s) => {
    if (s.length > L) throw new Error(`padBatch: a sequence of length ${s.length} does not fit length ${L}`);
    return [...s, ...new Array<number>(L - s.length).fill(pad)];
  });
}
