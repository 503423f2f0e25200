/**
 * `npm run data:fashion`: writes the course's copy of Fashion-MNIST into
 * `public/data/fashion/` from Debian's `dataset-fashion-mnist` package
 * (`/usr/share/datasets/fashion-mnist/*.gz`, the dataset's own IDX files):
 *
 *   test-images.idx.gz, test-labels.idx.gz    all 10,000 test pictures, in the dataset's order
 *   train-images.idx.gz, train-labels.idx.gz  TRAIN_PER_CLASS pictures of each class from the 60,000
 *                                             training pictures, chosen with a fixed seed, shuffled,
 *                                             their pixels rounded to TRAIN_LEVELS grey levels
 *   LICENSE                                   the dataset's MIT licence notice
 *
 * The test set is exact: it is the benchmark. The training pictures are
 * rounded to 16 grey levels, which halves their gzipped size (about 200
 * bytes a picture instead of 435), so that twice as many fit in the
 * chapter's 8 MB budget; a model trained on them scores the same on exact
 * pictures (docs/performance.md). Rounded values stay bytes (0, 17, 34, …,
 * 255), so the files are ordinary IDX files that any reader opens.
 *
 * Deterministic: the same package gives the same bytes. The site and the
 * tests read only these committed files; the page fetches them (about 7.4 MB)
 * only when the reader runs the chapter's real-data cells.
 *
 *   npm run data:fashion                         from /usr/share/datasets/fashion-mnist
 *   npm run data:fashion -- --from DIR           from another folder holding the four .gz files
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { Random } from "../src/lib/core";
import { FASHION_CLASSES, FASHION_FILES, encodeIdx, parseIdx, type IdxArray } from "../src/lib/data/fashion";

/**
 * Training pictures kept per class: 15,000 pictures at 16 grey levels are
 * 3.0 MB gzipped, which with the 4.4 MB test set and the 0.3 MB shipped
 * model the chapter also fetches stays under its 8 MB budget, with room to
 * spare for a larger model file.
 */
export const TRAIN_PER_CLASS = 1500;
/** Grey levels of the training pictures (16: 4 bits of the 8 a pixel has). */
export const TRAIN_LEVELS = 16;
const SUBSET_SEED = 0;

/** Where Debian's package puts the dataset. */
export const DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

/** Reads one of the dataset's original gzipped IDX files, with a clear message when the package is missing. */
export function readOriginal(dir: string, file: string): IdxArray {
  const path = `${dir}/${file}`;
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or pass --from DIR`);
  }
  return parseIdx(new Uint8Array(gunzipSync(readFileSync(path))));
}

/**
 * Rounds every byte of `pixels` in place to the nearest of `levels` evenly
 * spaced grey levels from 0 to 255 (16 levels: 0, 17, 34, …, 255). Black
 * stays black and white stays white.
 */
export function roundGreys(pixels: Uint8Array, levels: number): Uint8Array {
  if (!Number.isInteger(levels) || levels < 2 || levels > 256) throw new Error(`roundGreys: levels must be an integer from 2 to 256, got ${levels}`);
  const step = 255 / (levels - 1);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(Math.round(pixels[i] / step) * step);
  return pixels;
}

function main(): void {
  const args = process.argv.slice(2);
  const fromAt = args.indexOf("--from");
  const dir = fromAt === -1 ? DEBIAN_DIR : args[fromAt + 1];
  const outDir = fileURLToPath(new URL("../public/data/fashion/", import.meta.url));
  mkdirSync(outDir, { recursive: true });

  const write = (file: string, idx: IdxArray) => {
    // mtime 0 in the gzip header (Node writes 0) keeps the bytes identical between runs.
    const bytes = gzipSync(encodeIdx(idx), { level: 9 });
    writeFileSync(outDir + file, bytes);
    console.log(`  wrote public/data/fashion/${file} [${idx.shape.join(", ")}] (${(bytes.length / 1e6).toFixed(2)} MB)`);
  };

  const testImages = readOriginal(dir, "t10k-images-idx3-ubyte.gz");
  const testLabels = readOriginal(dir, "t10k-labels-idx1-ubyte.gz");
  write(FASHION_FILES.test.images, testImages);
  write(FASHION_FILES.test.labels, testLabels);

  const trainImages = readOriginal(dir, "train-images-idx3-ubyte.gz");
  const trainLabels = readOriginal(dir, "train-labels-idx1-ubyte.gz");
  const rng = new Random(SUBSET_SEED);
  const picked: number[] = [];
  for (let c = 0; c < FASHION_CLASSES.length; c++) {
    const ofClass = [...trainLabels.data.keys()].filter((i) => trainLabels.data[i] === c);
    picked.push(...rng.shuffle(ofClass).slice(0, TRAIN_PER_CLASS));
  }
  const order = rng.shuffle(picked);
  const plane = 28 * 28;
  const images = new Uint8Array(order.length * plane);
  order.forEach((i, k) => images.set(trainImages.data.subarray(i * plane, (i + 1) * plane), k * plane));
  roundGreys(images, TRAIN_LEVELS);
  write(FASHION_FILES.train.images, { shape: [order.length, 28, 28], data: images });
  write(FASHION_FILES.train.labels, { shape: [order.length], data: Uint8Array.from(order, (i) => trainLabels.data[i]) });

  writeFileSync(outDir + "LICENSE", LICENSE);
  console.log("  wrote public/data/fashion/LICENSE");
}

const LICENSE = `Fashion-MNIST
https://github.com/zalandoresearch/fashion-mnist

The files in this folder are a copy of Fashion-MNIST (the whole test set,
exact, and a class-balanced slice of the training set with its pixels
rounded to 16 grey levels), re-encoded by scripts/data-fashion.ts from
Debian's dataset-fashion-mnist package.

Han Xiao, Kashif Rasul, Roland Vollgraf. Fashion-MNIST: a Novel Image
Dataset for Benchmarking Machine Learning Algorithms. arXiv:1708.07747.

The MIT License (MIT) Copyright © [2017] Zalando SE, https://tech.zalando.com

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
