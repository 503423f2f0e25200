/**
 * Generated pictures for the Vision Transformer chapters: one simple object
 * (circle, square, triangle or cross) on a textured, noisy background, with a
 * per-pixel mask of where the object is, so we can later measure how much of
 * the model's attention lands on the object rather than on the background.
 * One picture is drawn by `scenes.ts`; this file makes datasets of them.
 *
 * Everything is drawn from a seeded `Random`: the same seed gives the same
 * bytes in the browser, in a worker and under Node.
 */
import { Random, Tensor } from "../core";
import { ShapeError, shapeString } from "../errors";
import { SHAPE_CLASSES, drawScene, drawSceneInto } from "./scenes";

export { SHAPE_CLASSES, OBJECT_EXTENT, drawScene, drawSceneInto, type Scene } from "./scenes";

/** A batch of generated pictures with their labels and object masks. */
export interface ShapesDataset {
  /** `[count, 3, size, size]`, values in [0, 1]. */
  images: Tensor;
  /** `count` class indices into `classNames`. */
  labels: number[];
  /** `[count, size, size]`, 1 on object pixels, 0 elsewhere. */
  masks: Tensor;
  /** `SHAPE_CLASSES` as a plain array. */
  classNames: string[];
}

/**
 * `count` pictures with balanced classes (each class `count / 4` times,
 * the remainder going to the first classes) in a shuffled order. The same
 * seed always gives the same dataset; use different seeds for the
 * training and test sets.
 *
 * @example
 * import { shapesDataset } from "transformer";
 * const train = shapesDataset({ count: 256, seed: 1 });
 * const test = shapesDataset({ count: 64, seed: 2 });
 * train.images.shape; // [256, 3, 32, 32]
 */
export function shapesDataset({ count, seed, size = 32 }: { count: number; seed: number; size?: number }): ShapesDataset {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`shapesDataset: count ${count} is not a whole number >= 0`);
  const rng = new Random(seed);
  const classes = SHAPE_CLASSES.length;
  const labels = rng.shuffle(Array.from({ length: count }, (_, i) => i % classes));
  const pixels = size * size;
  const images = new Float32Array(count * 3 * pixels);
  const masks = new Float32Array(count * pixels);
  labels.forEach((label, i) => {
    const { mask } = drawSceneInto(images, i * 3 * pixels, label, rng, size);
    masks.set(mask, i * pixels);
  });
  return {
    images: new Tensor(images, [count, 3, size, size]),
    labels,
    masks: new Tensor(masks, [count, size, size]),
    classNames: [...SHAPE_CLASSES],
  };
}

/**
 * One picture for a chapter cell: of class `classIndex` when given, else of
 * a class picked by the seed.
 *
 * @example
 * import { sampleImage } from "transformer";
 * const { image, mask, className } = sampleImage(3); // image [3, 32, 32], mask [32, 32]
 */
export function sampleImage(
  seed: number,
  classIndex?: number,
  { size = 32 } = {},
): { image: Tensor; mask: Tensor; label: number; className: string } {
  const rng = new Random(seed);
  const label = classIndex ?? rng.int(SHAPE_CLASSES.length);
  const scene = drawScene(label, rng, { size });
  return {
    image: new Tensor(scene.image, [3, size, size]),
    mask: new Tensor(Float32Array.from(scene.mask), [size, size]),
    label,
    className: SHAPE_CLASSES[label],
  };
}

/**
 * For each `p`×`p` patch of a mask, the fraction of its pixels on the object,
 * in the same raster order as `patchify` (row of patches by row).
 * `[H, W] -> (H/p)·(W/p)` numbers in [0, 1].
 *
 * @example
 * import { sampleImage, patchMask } from "transformer";
 * const { mask } = sampleImage(3);
 * patchMask(mask, 8); // 16 fractions, one per 8×8 patch
 */
export function patchMask(mask: { data: ArrayLike<number>; shape: readonly number[] }, p: number): number[] {
  const [height, width] = mask.shape;
  if (mask.shape.length !== 2 || !Number.isInteger(p) || p < 1 || height % p !== 0 || width % p !== 0) {
    throw new ShapeError(`patchMask: a [H, W] mask must split into ${p}×${p} patches, got shape ${shapeString(mask.shape)}`);
  }
  const fractions: number[] = [];
  for (let row = 0; row < height; row += p) {
    for (let col = 0; col < width; col += p) {
      let covered = 0;
      for (let y = row; y < row + p; y++) for (let x = col; x < col + p; x++) covered += mask.data[y * width + x] > 0 ? 1 : 0;
      fractions.push(covered / (p * p));
    }
  }
  return fractions;
}
