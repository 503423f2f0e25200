/**
 * Training batches of generated shape pictures, as plain arrays: what the
 * ViT recipe draws every step, here without tensors so that the same code
 * runs in a helper worker (`shapeBatchWorker.ts`) as in the training thread.
 */
import type { Random } from "../random";
import { SHAPE_CLASSES, drawSceneInto } from "./scenes";

/** A batch as plain arrays: `images [batchSize, 3, size, size]`, `labels (batchSize)`. */
export interface ShapeBatchValues {
  images: Float32Array;
  labels: number[];
}

/**
 * A fresh batch of pictures from `rng`, each class `batchSize / 4` times in
 * shuffled order (the remainder going to the first classes).
 * `-> images [batchSize, 3, size, size], labels (batchSize)`.
 *
 * @param into an array of `batchSize · 3 · size · size` values to draw into
 *   (a worker reuses one); a new one by default
 */
export function drawShapeBatch(rng: Random, batchSize: number, size = 32, into?: Float32Array): ShapeBatchValues {
  const pixels = 3 * size * size;
  const labels = rng.shuffle(Array.from({ length: batchSize }, (_, i) => i % SHAPE_CLASSES.length));
  const images = into ?? new Float32Array(batchSize * pixels);
  if (images.length !== batchSize * pixels) {
    throw new RangeError(`drawShapeBatch: ${batchSize} pictures of ${pixels} values need an array of ${batchSize * pixels}, got ${images.length}`);
  }
  for (let i = 0; i < batchSize; i++) drawSceneInto(images, i * pixels, labels[i], rng, size);
  return { images, labels };
}

/**
 * Each value's distance from its channel's background colour, times 3:
 * `|x - median| · 3`, one channel plane of `plane` values at a time
 * (`[planes · plane] -> [planes · plane]`, mostly in [0, 2]). The median of
 * a channel is the background's, since the object covers at most a quarter
 * of the picture. The ViT recipe's `backgroundContrast` explains why.
 *
 * @param into where to write (may be `values` itself); a new array by default
 */
export function contrastToBackground(values: Float32Array, plane: number, into: Float32Array = new Float32Array(values.length)): Float32Array {
  if (into.length !== values.length || values.length % plane !== 0) {
    throw new RangeError(`contrastToBackground: ${values.length} values in planes of ${plane} into ${into.length}`);
  }
  for (let start = 0; start < values.length; start += plane) {
    const background = median(values.subarray(start, start + plane));
    for (let i = start; i < start + plane; i++) into[i] = 3 * Math.abs(values[i] - background);
  }
  return into;
}

/** The histogram of {@link median}, reused: a batch has a hundred planes. */
const bins = new Uint32Array(256);

/** Median of values in [0, 1], to 1/256: a histogram instead of a sort keeps this linear. */
function median(values: Float32Array): number {
  bins.fill(0);
  for (let i = 0; i < values.length; i++) bins[Math.min(255, Math.floor(values[i] * 256))]++;
  let seen = 0;
  for (let b = 0; b < 256; b++) {
    seen += bins[b];
    if (2 * seen >= values.length) return (b + 0.5) / 256;
  }
  return 0.5;
}
