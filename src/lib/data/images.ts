/**
 * Generated pictures for the Vision Transformer chapters: one simple object
 * (circle, square, triangle or cross) on a textured, noisy background, with a
 * per-pixel mask of where the object is, so we can later measure how much of
 * the model's attention lands on the object rather than on the background.
 *
 * Everything is drawn from a seeded `Random`: the same seed gives the same
 * bytes in the browser, in a worker and under Node.
 */
import { Random, Tensor } from "../core";
import { ShapeError, shapeString } from "../errors";

/** The object classes, in label order: label `i` is `SHAPE_CLASSES[i]`. */
export const SHAPE_CLASSES = ["circle", "square", "triangle", "cross"] as const;

/** Smallest and largest object extent in pixels (width = height of its bounding box). */
export const OBJECT_EXTENT = { min: 10, max: 16 } as const;

/** One drawn picture. */
export interface Scene {
  /** `[3, size, size]` RGB, channel-major, values in [0, 1]. */
  image: Float32Array;
  /** `[size, size]`, 1 where the object is, 0 on the background. */
  mask: Uint8Array;
  /** The object's RGB colour before pixel noise. */
  color: [number, number, number];
}

/** Pixel noise standard deviation, the same on object and background. */
const NOISE = 0.04;
/** Smallest RGB distance between the object colour and any colour of the background gradient. */
const MIN_CONTRAST = 0.6;

/**
 * Draws one object of class `classIndex` at a random position and extent
 * (10 to 16 px) in a random colour, on a background made of a random
 * two-colour gradient, stripes or a checkerboard, and pixel noise.
 *
 * @example
 * import { drawScene, Random } from "transformer";
 * const { image, mask } = drawScene(2, new Random(7)); // a triangle
 * image.length; // 3 * 32 * 32, mask.length: 32 * 32
 */
export function drawScene(classIndex: number, rng: Random, { size = 32 } = {}): Scene {
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= SHAPE_CLASSES.length) {
    throw new RangeError(`drawScene: class index ${classIndex} is not in 0..${SHAPE_CLASSES.length - 1}`);
  }
  if (size < OBJECT_EXTENT.max) throw new RangeError(`drawScene: size ${size} is smaller than an object (${OBJECT_EXTENT.max} px)`);
  const area = size * size;

  // Background: a gradient between two mid-range colours along a random direction...
  const from = randomColor(rng, 0.15, 0.85);
  const to = randomColor(rng, 0.15, 0.85);
  const angle = rng.next() * 2 * Math.PI;
  const [gx, gy] = [Math.cos(angle), Math.sin(angle)];
  // ...plus a brightness texture: stripes at a random angle or a checkerboard.
  const stripes = rng.next() < 0.5;
  const period = 3 + rng.int(5); // 3..7 px
  const textureAngle = rng.next() * Math.PI;
  const [tx, ty] = [Math.cos(textureAngle), Math.sin(textureAngle)];
  const amplitude = 0.05 + 0.07 * rng.next();

  // The object: a colour far from every colour of the gradient, so it stands out anywhere on it.
  let color = randomColor(rng, 0, 1);
  for (let tries = 0; tries < 100 && distanceToSegment(color, from, to) < MIN_CONTRAST; tries++) {
    color = randomColor(rng, 0, 1);
  }
  if (distanceToSegment(color, from, to) < MIN_CONTRAST) {
    // Rare: fall back to the corner of the RGB cube farthest from the gradient (always > 0.75 away).
    const corners = [0, 1, 2, 3, 4, 5, 6, 7].map((m) => [m & 1, (m >> 1) & 1, (m >> 2) & 1] as [number, number, number]);
    color = corners.reduce((best, c) => (distanceToSegment(c, from, to) > distanceToSegment(best, from, to) ? c : best));
  }
  const extent = OBJECT_EXTENT.min + rng.int(OBJECT_EXTENT.max - OBJECT_EXTENT.min + 1);
  const left = rng.int(size - extent + 1);
  const top = rng.int(size - extent + 1);
  const mask = objectMask(classIndex, size, left, top, extent);

  const image = new Float32Array(3 * area);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p = y * size + x;
      // Gradient position in [0, 1] along (gx, gy), measured from the image centre.
      const t = 0.5 + ((x - size / 2) * gx + (y - size / 2) * gy) / (size * Math.SQRT2);
      const texture = stripes
        ? Math.sin((2 * Math.PI * (x * tx + y * ty)) / period)
        : (Math.floor(x / period) + Math.floor(y / period)) % 2 === 0 ? 1 : -1;
      for (let c = 0; c < 3; c++) {
        const base = mask[p] ? color[c] : from[c] * (1 - t) + to[c] * t + amplitude * texture;
        image[c * area + p] = Math.min(1, Math.max(0, base + rng.normal(0, NOISE)));
      }
    }
  }
  return { image, mask, color };
}

/** `[size, size]` mask of one object whose bounding box is `extent` px wide at (`left`, `top`). */
function objectMask(classIndex: number, size: number, left: number, top: number, extent: number): Uint8Array {
  const mask = new Uint8Array(size * size);
  const half = extent / 2;
  const arm = Math.max(3, Math.round(extent / 3)) / 2; // half the thickness of a cross's bars
  for (let y = top; y < top + extent; y++) {
    for (let x = left; x < left + extent; x++) {
      // Pixel centre relative to the box centre, in [-half, half].
      const dx = x + 0.5 - (left + half);
      const dy = y + 0.5 - (top + half);
      const inside = [
        dx * dx + dy * dy <= half * half, // circle
        true, // square: the whole box
        Math.abs(dx) <= (dy + half) / 2, // triangle: apex at the top centre, base along the bottom
        Math.abs(dx) <= arm || Math.abs(dy) <= arm, // cross: a plus sign
      ][classIndex];
      if (inside) mask[y * size + x] = 1;
    }
  }
  return mask;
}

function randomColor(rng: Random, low: number, high: number): [number, number, number] {
  return [0, 1, 2].map(() => low + (high - low) * rng.next()) as [number, number, number];
}

/** RGB distance from `color` to the nearest colour on the line segment from `a` to `b`. */
function distanceToSegment(color: readonly number[], a: readonly number[], b: readonly number[]): number {
  const ab = [0, 1, 2].map((i) => b[i] - a[i]);
  const lengthSquared = ab[0] ** 2 + ab[1] ** 2 + ab[2] ** 2;
  const along = (color[0] - a[0]) * ab[0] + (color[1] - a[1]) * ab[1] + (color[2] - a[2]) * ab[2];
  const t = lengthSquared === 0 ? 0 : Math.min(1, Math.max(0, along / lengthSquared));
  return Math.hypot(...[0, 1, 2].map((i) => color[i] - (a[i] + t * ab[i])));
}

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
    const scene = drawScene(label, rng, { size });
    images.set(scene.image, i * 3 * pixels);
    masks.set(scene.mask, i * pixels);
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
