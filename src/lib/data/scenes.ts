/**
 * Drawing one generated picture: one simple object (circle, square, triangle
 * or cross) on a textured, noisy background, with a per-pixel mask of where
 * the object is. `images.ts` builds datasets from it; training draws its
 * batches from it (`shapeBatches.ts`), possibly in a helper worker, which is
 * why this file needs nothing but numbers and a `Random`.
 *
 * Everything is drawn from a seeded `Random`: the same seed gives the same
 * bytes in the browser, in a worker and under Node. The shipped ViT weights
 * were trained on these exact numbers, so a change here must keep every
 * draw and every floating-point operation in the same order.
 */
import type { Random } from "../random";

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
  checkScene(classIndex, size);
  const image = new Float32Array(3 * size * size);
  const { mask, color } = drawSceneInto(image, 0, classIndex, rng, size);
  return { image, mask, color };
}

/**
 * {@link drawScene} writing its `[3, size, size]` pixels into `target` from
 * `offset` on, so that a batch is drawn straight into the batch's array
 * without a copy per picture. Same draws, same numbers.
 * Returns the object's mask and colour.
 */
export function drawSceneInto(
  target: Float32Array,
  offset: number,
  classIndex: number,
  rng: Random,
  size = 32,
): { mask: Uint8Array; color: [number, number, number] } {
  checkScene(classIndex, size);
  if (offset < 0 || offset + 3 * size * size > target.length) {
    throw new RangeError(`drawSceneInto: ${3 * size * size} values from offset ${offset} do not fit an array of ${target.length}`);
  }
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

  // The pixel loop is most of the time of a training batch: the channels' colours
  // sit in locals, and the three planes are written through running offsets.
  const [from0, from1, from2] = from;
  const [to0, to1, to2] = to;
  const [color0, color1, color2] = color;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p = y * size + x;
      const red = offset + p; // the pixel in plane 0; planes 1 and 2 follow `area` values apart
      if (mask[p]) {
        target[red] = clamp01(color0 + rng.normal(0, NOISE));
        target[red + area] = clamp01(color1 + rng.normal(0, NOISE));
        target[red + 2 * area] = clamp01(color2 + rng.normal(0, NOISE));
        continue;
      }
      // Gradient position in [0, 1] along (gx, gy), measured from the image centre.
      const t = 0.5 + ((x - size / 2) * gx + (y - size / 2) * gy) / (size * Math.SQRT2);
      const texture = stripes
        ? Math.sin((2 * Math.PI * (x * tx + y * ty)) / period)
        : (Math.floor(x / period) + Math.floor(y / period)) % 2 === 0 ? 1 : -1;
      const shade = amplitude * texture;
      target[red] = clamp01(from0 * (1 - t) + to0 * t + shade + rng.normal(0, NOISE));
      target[red + area] = clamp01(from1 * (1 - t) + to1 * t + shade + rng.normal(0, NOISE));
      target[red + 2 * area] = clamp01(from2 * (1 - t) + to2 * t + shade + rng.normal(0, NOISE));
    }
  }
  return { mask, color };
}

function checkScene(classIndex: number, size: number): void {
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= SHAPE_CLASSES.length) {
    throw new RangeError(`drawScene: class index ${classIndex} is not in 0..${SHAPE_CLASSES.length - 1}`);
  }
  if (size < OBJECT_EXTENT.max) throw new RangeError(`drawScene: size ${size} is smaller than an object (${OBJECT_EXTENT.max} px)`);
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
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
      if (insideShape(classIndex, dx, dy, half, arm)) mask[y * size + x] = 1;
    }
  }
  return mask;
}

/** Whether the point (`dx`, `dy`) from the centre of a box `2 · half` wide lies on a shape of class `classIndex`. */
function insideShape(classIndex: number, dx: number, dy: number, half: number, arm: number): boolean {
  switch (classIndex) {
    case 0: return dx * dx + dy * dy <= half * half; // circle
    case 1: return true; // square: the whole box
    case 2: return Math.abs(dx) <= (dy + half) / 2; // triangle: apex at the top centre, base along the bottom
    default: return Math.abs(dx) <= arm || Math.abs(dy) <= arm; // cross: a plus sign
  }
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
