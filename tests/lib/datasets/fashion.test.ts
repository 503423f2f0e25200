/**
 * The course's copy of Fashion-MNIST, read from `public/` exactly as the site
 * serves it: the IDX reader, the split sizes, the class balance, the
 * pixel range and grey levels, and that loading twice gives the same tensors.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  FASHION_CLASSES, FASHION_DIR, FASHION_FILES, encodeIdx, fashionFromIdx, fashionSlice, loadFashion, maybeGunzip, parseIdx,
} from "transformer";
import { roundGreys } from "../../../scripts/data-fashion";

const publicDir = fileURLToPath(new URL("../../../public/", import.meta.url));
const read = async (path: string) => new Uint8Array(readFileSync(publicDir + path));
const perClass = (labels: number[]) => FASHION_CLASSES.map((_, c) => labels.filter((l) => l === c).length);

describe("IDX files", () => {
  it("reads back what it writes: shape and bytes", () => {
    const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 7);
    const back = parseIdx(encodeIdx({ shape: [2, 3, 4], data }));
    expect(back.shape).toEqual([2, 3, 4]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  it("reads the big-endian header of a hand-written file", () => {
    // magic 0x00000801 (uint8, one dimension), 3 values
    const file = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 3, 9, 8, 7]);
    expect(parseIdx(file)).toEqual({ shape: [3], data: Uint8Array.from([9, 8, 7]) });
  });

  it("says what is wrong with a file that is not IDX, of another type, or cut short", () => {
    expect(() => parseIdx(Uint8Array.from([1, 2, 3, 4]))).toThrow(/not an IDX file/);
    expect(() => parseIdx(Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]))).toThrow(/unsigned-byte/);
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 5, 1, 2]))).toThrow(/cut short \(2 of 5/);
  });

  it("gunzips gzipped bytes and passes plain bytes through", async () => {
    const plain = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 1, 42]);
    expect(Array.from(await maybeGunzip(new Uint8Array(gzipSync(plain))))).toEqual(Array.from(plain));
    expect(await maybeGunzip(plain)).toBe(plain);
  });

  it("rejects pictures of the wrong size and labels that do not match", () => {
    const labels = { shape: [1], data: Uint8Array.from([3]) };
    expect(() => fashionFromIdx({ shape: [1, 27, 27], data: new Uint8Array(27 * 27) }, labels)).toThrow(/\[N, 28, 28\]/);
    expect(() => fashionFromIdx({ shape: [2, 28, 28], data: new Uint8Array(2 * 784) }, labels)).toThrow(/2 pictures but labels/);
    expect(() => fashionFromIdx({ shape: [1, 28, 28], data: new Uint8Array(784) }, { shape: [1], data: Uint8Array.from([10]) })).toThrow(/label 10/);
  });
});

describe("roundGreys (how scripts/data-fashion.ts shrinks the training pictures)", () => {
  it("moves every byte to the nearest of 16 levels 0, 17, …, 255, keeping black and white, and is idempotent", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const rounded = roundGreys(all.slice(), 16);
    rounded.forEach((v, i) => {
      expect(v % 17).toBe(0);
      expect(Math.abs(v - i)).toBeLessThanOrEqual(8.5);
    });
    expect([rounded[0], rounded[255]]).toEqual([0, 255]);
    expect(Array.from(roundGreys(rounded.slice(), 16))).toEqual(Array.from(rounded));
    expect(new Set(roundGreys(all.slice(), 8)).size).toBe(8);
  });

  it("refuses a number of levels that is not 2 to 256", () => {
    expect(() => roundGreys(new Uint8Array(1), 1)).toThrow(/from 2 to 256/);
    expect(() => roundGreys(new Uint8Array(1), 2.5)).toThrow(/from 2 to 256/);
  });
});

describe("loadFashion", () => {
  it("loads all 10,000 test pictures as [N, 1, 28, 28] in [0, 1], 1,000 of each class", async () => {
    const test = await loadFashion(read, { split: "test" });
    expect(test.images.shape).toEqual([10000, 1, 28, 28]);
    expect(test.labels).toHaveLength(10000);
    expect(perClass(test.labels)).toEqual(new Array(10).fill(1000));
    let min = Infinity;
    let max = -Infinity;
    for (const v of test.images.data) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect([min, max]).toEqual([0, 1]);
    expect(test.classes).toEqual(FASHION_CLASSES);
  });

  it("keeps the dataset's order: the first test labels are those of the original file", async () => {
    const test = await loadFashion(read, { split: "test", count: 10 });
    // The first ten labels of Fashion-MNIST's t10k-labels file.
    expect(test.labels).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    expect(test.images.shape).toEqual([10, 1, 28, 28]);
  });

  it("loads the 15,000-picture training slice, 1,500 of each class, in shuffled order", async () => {
    const train = await loadFashion(read, { split: "train" });
    expect(train.images.shape).toEqual([15000, 1, 28, 28]);
    expect(perClass(train.labels)).toEqual(new Array(10).fill(1500));
    expect(new Set(train.labels.slice(0, 30)).size).toBeGreaterThan(5);
  });

  it("gives the training pictures in 16 grey levels (k/15) from black to white, the test pictures in all 256", async () => {
    const train = await loadFashion(read, { split: "train", count: 2000 });
    const levels = new Set(Array.from(train.images.data, (v) => Math.round(v * 255)));
    expect([...levels].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, k) => 17 * k));
    // The floats themselves are k/15 (no drift from dividing by 255).
    expect(train.images.data.filter((v) => Math.abs(v * 15 - Math.round(v * 15)) > 1e-5).length).toBe(0);
    const test = await loadFashion(read, { split: "test", count: 2000 });
    expect(new Set(Array.from(test.images.data, (v) => Math.round(v * 255))).size).toBe(256);
  });

  it("is deterministic: two loads give the same pictures and labels", async () => {
    const a = await loadFashion(read, { split: "train", count: 500 });
    const b = await loadFashion(read, { split: "train", count: 500 });
    expect(b.labels).toEqual(a.labels);
    expect(Buffer.from(b.images.data.buffer).equals(Buffer.from(a.images.data.buffer))).toBe(true);
  });

  it("asks for the committed files by their paths under the site's root", async () => {
    const asked: string[] = [];
    await loadFashion(async (path) => (asked.push(path), read(path)), { split: "test", count: 1 });
    expect(asked.sort()).toEqual([`${FASHION_DIR}/${FASHION_FILES.test.images}`, `${FASHION_DIR}/${FASHION_FILES.test.labels}`].sort());
  });

  it("rejects an unknown split", async () => {
    await expect(loadFashion(read, { split: "validation" as "test" })).rejects.toThrow(/"train" or "test"/);
  });

  it("slices without sharing memory and clamps to the set", async () => {
    const test = await loadFashion(read, { split: "test", count: 20 });
    const part = fashionSlice(test, 15, 100);
    expect(part.images.shape).toEqual([5, 1, 28, 28]);
    expect(part.labels).toEqual(test.labels.slice(15));
    part.images.data[0] = 0.5;
    expect(test.images.data[15 * 784]).not.toBe(0.5);
  });
});
