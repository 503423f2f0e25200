/**
 * Fashion-MNIST (Zalando, MIT licence): 28×28 greyscale pictures of ten
 * kinds of clothing, the course's one real data set. The files are the
 * dataset's own IDX format, gzipped, as `scripts/data-fashion.ts` writes them
 * into `public/data/fashion/`: the whole 10,000-picture test set, exact, and
 * a class-balanced slice of the 60,000 training pictures with their pixels
 * rounded to 16 grey levels (0, 1/15, 2/15, …, 1), which halves the
 * download and costs a model trained on them nothing measurable.
 *
 * The library never fetches: callers pass a `read(path)` that returns a
 * file's bytes (the notebook's `loadBytes`, `fetch`, or `fs` in Node).
 */
import { Tensor } from "../core";

/** The ten labels in the dataset's order (label i is `FASHION_CLASSES[i]`). */
export const FASHION_CLASSES = [
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
] as const;

/** Side of a picture in pixels. */
export const FASHION_SIZE = 28;

/** Where the course's copies live, relative to the site's root (`public/`). */
export const FASHION_DIR = "data/fashion";

/** The files of each split, relative to {@link FASHION_DIR}. */
export const FASHION_FILES = {
  test: { images: "test-images.idx.gz", labels: "test-labels.idx.gz" },
  train: { images: "train-images.idx.gz", labels: "train-labels.idx.gz" },
} as const;

/** A split of Fashion-MNIST, ready for a model. */
export interface FashionSet {
  /** `[N, 1, 28, 28]`, pixel values in [0, 1] (0 is the black background). */
  images: Tensor;
  /** N labels, indices into {@link FASHION_CLASSES}. */
  labels: number[];
  classes: readonly string[];
}

/** An IDX array: the dataset's file format (a magic number, the dimensions, then the values). */
export interface IdxArray {
  /** e.g. `[10000, 28, 28]` for pictures, `[10000]` for labels. */
  shape: number[];
  /** The values, row-major, unsigned bytes. */
  data: Uint8Array;
}

/**
 * Reads an IDX file of unsigned bytes: bytes 0..1 are zero, byte 2 is the
 * type (0x08 = uint8), byte 3 the number of dimensions, then each dimension
 * as a big-endian uint32, then the values.
 */
export function parseIdx(bytes: Uint8Array): IdxArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error("parseIdx: not an IDX file (it must start with two zero bytes)");
  if (bytes[2] !== 0x08) throw new Error(`parseIdx: only unsigned-byte IDX files are supported (type 0x08), got 0x${bytes[2].toString(16)}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: bytes[3] }, (_, i) => view.getUint32(4 + 4 * i, false));
  const start = 4 + 4 * shape.length;
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length < start + size) throw new Error(`parseIdx: the file is cut short (${bytes.length - start} of ${size} values)`);
  return { shape, data: bytes.subarray(start, start + size) };
}

/** Writes an unsigned-byte IDX file (the inverse of {@link parseIdx}). */
export function encodeIdx({ shape, data }: IdxArray): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = shape.length;
  shape.forEach((n, i) => view.setUint32(4 + 4 * i, n, false));
  out.set(data, 4 + 4 * shape.length);
  return out;
}

/**
 * Pictures and labels from their IDX arrays: `images [N, 28, 28]` bytes ->
 * `[N, 1, 28, 28]` floats in [0, 1].
 */
export function fashionFromIdx(images: IdxArray, labels: IdxArray): FashionSet {
  const [n, h, w] = images.shape;
  if (images.shape.length !== 3 || h !== FASHION_SIZE || w !== FASHION_SIZE) {
    throw new Error(`fashionFromIdx: pictures must be [N, ${FASHION_SIZE}, ${FASHION_SIZE}], got [${images.shape.join(", ")}]`);
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== n) {
    throw new Error(`fashionFromIdx: ${n} pictures but labels of shape [${labels.shape.join(", ")}]`);
  }
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
  const labelList = Array.from(labels.data);
  const bad = labelList.findIndex((l) => l >= FASHION_CLASSES.length);
  if (bad !== -1) throw new Error(`fashionFromIdx: label ${labelList[bad]} at ${bad} is not one of the ${FASHION_CLASSES.length} classes`);
  return { images: new Tensor(pixels, [n, 1, h, w]), labels: labelList, classes: FASHION_CLASSES };
}

/**
 * Gunzips `bytes` when they are gzipped (they start with 0x1f 0x8b), with the
 * platform's `DecompressionStream` (browsers, workers, Node 18+); returns
 * them as they are otherwise, because some static hosts already undo the
 * gzip on the way.
 */
export async function maybeGunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes.slice()]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Loads a split of the course's Fashion-MNIST copy through `read`, which
 * returns the bytes of a path under the site's root, such as the notebook's
 * `loadBytes` (in a page it fetches: about 4.4 MB for the test set, 3 MB for
 * the training slice; at build time it reads `public/`).
 * With `count`, keeps the first `count` pictures.
 *
 * @example
 * import { loadFashion } from "transformer";
 * import { loadBytes } from "notebook";
 * const test = await loadFashion(loadBytes, { split: "test" }); // images [10000, 1, 28, 28], labels (10000)
 */
export async function loadFashion(
  read: (path: string) => Promise<Uint8Array>,
  { split, count }: { split: "train" | "test"; count?: number },
): Promise<FashionSet> {
  const files = FASHION_FILES[split];
  if (!files) throw new Error(`loadFashion: split must be "train" or "test", got "${split}"`);
  const [images, labels] = await Promise.all(
    [files.images, files.labels].map(async (file) => parseIdx(await maybeGunzip(await read(`${FASHION_DIR}/${file}`)))),
  );
  const set = fashionFromIdx(images, labels);
  return count === undefined ? set : fashionSlice(set, 0, count);
}

/** Pictures `start` to `end` (exclusive) of a set, sharing nothing with it. */
export function fashionSlice(set: FashionSet, start: number, end: number): FashionSet {
  const n = set.labels.length;
  const from = Math.max(0, Math.min(start, n));
  const to = Math.max(from, Math.min(end, n));
  const plane = FASHION_SIZE * FASHION_SIZE;
  const images = new Tensor(set.images.data.slice(from * plane, to * plane), [to - from, 1, FASHION_SIZE, FASHION_SIZE]);
  return { images, labels: set.labels.slice(from, to), classes: set.classes };
}
