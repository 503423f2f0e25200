import { describe, expect, it } from "vitest";
import { Random } from "../../../src/lib/core";
import { drawScene, OBJECT_EXTENT, patchMask, sampleImage, SHAPE_CLASSES, shapesDataset } from "../../../src/lib/data/datasets";

const SIZE = 32;

/** Rows and columns the mask covers, and its pixel count. */
function maskBox(mask: Uint8Array) {
  let [top, bottom, left, right, area] = [SIZE, -1, SIZE, -1, 0];
  mask.forEach((on, p) => {
    if (!on) return;
    const [y, x] = [Math.floor(p / SIZE), p % SIZE];
    [top, bottom, left, right] = [Math.min(top, y), Math.max(bottom, y), Math.min(left, x), Math.max(right, x)];
    area++;
  });
  return { top, left, height: bottom - top + 1, width: right - left + 1, area };
}

const rowWidth = (mask: Uint8Array, y: number) => mask.slice(y * SIZE, (y + 1) * SIZE).reduce((a, b) => a + b, 0);
const flippedUpsideDown = (mask: Uint8Array, top: number, height: number) =>
  mask.every((on, p) => {
    const [y, x] = [Math.floor(p / SIZE), p % SIZE];
    return y < top || y >= top + height || on === mask[(2 * top + height - 1 - y) * SIZE + x];
  });

describe("shapesDataset", () => {
  it("is deterministic for a seed and differs between seeds", () => {
    const a = shapesDataset({ count: 12, seed: 5 });
    const b = shapesDataset({ count: 12, seed: 5 });
    const c = shapesDataset({ count: 12, seed: 6 });
    expect(Buffer.from(a.images.data.buffer).equals(Buffer.from(b.images.data.buffer))).toBe(true);
    expect(Buffer.from(a.masks.data.buffer).equals(Buffer.from(b.masks.data.buffer))).toBe(true);
    expect(a.labels).toEqual(b.labels);
    expect(Buffer.from(a.images.data.buffer).equals(Buffer.from(c.images.data.buffer))).toBe(false);
  });

  it("has the documented shapes and value ranges", () => {
    const { images, masks, labels, classNames } = shapesDataset({ count: 8, seed: 1 });
    expect(images.shape).toEqual([8, 3, SIZE, SIZE]);
    expect(masks.shape).toEqual([8, SIZE, SIZE]);
    expect(labels).toHaveLength(8);
    expect(classNames).toEqual([...SHAPE_CLASSES]);
    expect(images.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(masks.data.every((v) => v === 0 || v === 1)).toBe(true);
    expect(shapesDataset({ count: 2, seed: 1, size: 48 }).images.shape).toEqual([2, 3, 48, 48]);
  });

  it("balances the classes and shuffles their order", () => {
    const counts = (labels: number[]) => SHAPE_CLASSES.map((_, k) => labels.filter((l) => l === k).length);
    const { labels } = shapesDataset({ count: 100, seed: 3 });
    expect(counts(labels)).toEqual([25, 25, 25, 25]);
    expect(counts(shapesDataset({ count: 10, seed: 3 }).labels)).toEqual([3, 3, 2, 2]);
    expect(labels).not.toEqual(labels.map((_, i) => i % SHAPE_CLASSES.length));
  });

  it("puts each mask exactly where the object's colour is", () => {
    const { images, masks, labels } = shapesDataset({ count: 100, seed: 9 });
    const pixels = SIZE * SIZE;
    let [agree, worstScene] = [0, 1];
    for (let i = 0; i < labels.length; i++) {
      const agreeBefore = agree;
      const pixel = (p: number) => [0, 1, 2].map((c) => images.data[(i * 3 + c) * pixels + p]);
      const mask = masks.data.subarray(i * pixels, (i + 1) * pixels);
      const objectPixels = [...mask.keys()].filter((p) => mask[p]).map(pixel);
      // The object's colour, estimated from the image alone (per-channel median of the masked pixels).
      const color = [0, 1, 2].map((c) => objectPixels.map((px) => px[c]).sort((a, b) => a - b)[objectPixels.length >> 1]);
      for (let p = 0; p < pixels; p++) {
        const nearColor = Math.hypot(...pixel(p).map((v, c) => v - color[c])) < 0.25;
        if (nearColor === (mask[p] === 1)) agree++;
      }
      worstScene = Math.min(worstScene, (agree - agreeBefore) / pixels);
    }
    expect(agree / (labels.length * pixels)).toBeGreaterThan(0.995);
    expect(worstScene).toBeGreaterThan(0.97); // no scene hides its object in the background
  });
});

describe("drawScene", () => {
  it("returns the colour it drew the object in", () => {
    const { image, mask, color } = drawScene(0, new Random(4));
    const inside = [...mask.keys()].filter((p) => mask[p]);
    for (let c = 0; c < 3; c++) {
      const mean = inside.reduce((s, p) => s + image[c * SIZE * SIZE + p], 0) / inside.length;
      expect(Math.abs(mean - color[c])).toBeLessThan(0.03);
    }
  });

  it("draws each class with its own geometry, within the size bounds", () => {
    const rng = new Random(11);
    for (let trial = 0; trial < 25; trial++) {
      SHAPE_CLASSES.forEach((name, k) => {
        const { mask } = drawScene(k, rng);
        const { top, left, height, width, area } = maskBox(mask);
        // Triangles of even extent lose their one-pixel apex row to the pixel grid.
        expect(Math.min(height, width)).toBeGreaterThanOrEqual(OBJECT_EXTENT.min - 1);
        expect(Math.max(height, width)).toBeLessThanOrEqual(OBJECT_EXTENT.max);
        const fill = area / (height * width);
        if (name === "square") expect(fill).toBe(1);
        if (name === "circle") {
          expect(fill).toBeGreaterThan(0.7); // pi / 4 = 0.785 for a perfect disc
          expect(fill).toBeLessThan(0.88);
          expect(flippedUpsideDown(mask, top, height)).toBe(true);
        }
        if (name === "triangle") {
          expect(rowWidth(mask, top + height - 1)).toBe(width); // the base is the widest row
          expect(rowWidth(mask, top)).toBeLessThanOrEqual(3); // the apex is narrow
          expect(flippedUpsideDown(mask, top, height)).toBe(false);
        }
        if (name === "cross") {
          expect(rowWidth(mask, top + (height >> 1))).toBe(width); // the horizontal bar spans the box
          expect(mask[top * SIZE + left]).toBe(0); // corners are background
          expect(flippedUpsideDown(mask, top, height)).toBe(true);
        }
      });
    }
  });

  it("rejects an unknown class", () => {
    expect(() => drawScene(4, new Random(0))).toThrow(RangeError);
  });
});

describe("sampleImage", () => {
  it("gives one picture of the requested class, the same for the same seed", () => {
    const a = sampleImage(21, 3);
    expect(a.image.shape).toEqual([3, SIZE, SIZE]);
    expect(a.mask.shape).toEqual([SIZE, SIZE]);
    expect([a.label, a.className]).toEqual([3, "cross"]);
    expect(Array.from(sampleImage(21, 3).image.data)).toEqual(Array.from(a.image.data));
    const free = sampleImage(21);
    expect(free.className).toBe(SHAPE_CLASSES[free.label]);
  });
});

describe("patchMask", () => {
  it("gives the object fraction per patch in raster order", () => {
    // 4×4 mask: the top-right 2×2 block fully on, one pixel in the bottom-left block.
    const data = [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0];
    expect(patchMask({ data, shape: [4, 4] }, 2)).toEqual([0, 1, 0.25, 0]);
  });

  it("accounts for every object pixel of a generated mask", () => {
    const { mask } = sampleImage(8);
    const fractions = patchMask(mask, 8);
    expect(fractions).toHaveLength(16);
    const area = mask.data.reduce((a, b) => a + b, 0);
    expect(fractions.reduce((a, b) => a + b, 0) * 64).toBeCloseTo(area, 6);
  });

  it("throws when the patch size does not divide the mask", () => {
    expect(() => patchMask(sampleImage(1).mask, 5)).toThrow(/patchMask: .*\[32, 32\]/);
  });
});
