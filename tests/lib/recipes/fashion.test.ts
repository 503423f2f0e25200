/**
 * The Fashion-MNIST recipe: batches (with and without flips and shifts), a
 * short training run on the committed training slice, and the bookkeeping of
 * the evaluation (accuracy and confusion matrix agree with the predictions;
 * looking twice, with the mirror image, is what it says).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  FASHION_CLASSES, FASHION_CONFIG, FASHION_PAGE_CONFIG, FASHION_PAGE_TRAINING, FASHION_TRAINING, Random, Tensor, ViT, eraseRectangle, evaluateFashion, fashionBatch, loadFashion, mirrorPictures, parameterCount, trainFashion,
  type FashionSet,
} from "transformer";

const publicDir = fileURLToPath(new URL("../../../public/", import.meta.url));
const read = async (path: string) => new Uint8Array(readFileSync(publicDir + path));

/** One 28×28 picture whose pixel (y, x) is (28·y + x) / 784: every pixel different, so moves are visible. */
function gradientSet(label = 3): FashionSet {
  const pixels = Float32Array.from({ length: 784 }, (_, i) => i / 784);
  return { images: new Tensor(pixels, [1, 1, 28, 28]), labels: [label], classes: FASHION_CLASSES };
}

const mirrored = (p: Float32Array) => Float32Array.from(p, (_, i) => p[Math.floor(i / 28) * 28 + 27 - (i % 28)]);

describe("fashionBatch", () => {
  it("copies pictures unchanged without augmentation, with their labels", () => {
    const data = gradientSet(7);
    const { images, labels } = fashionBatch(data, new Random(0), 4, { augment: false });
    expect(images.shape).toEqual([4, 1, 28, 28]);
    expect(labels).toEqual([7, 7, 7, 7]);
    for (let b = 0; b < 4; b++) expect(Array.from(images.data.subarray(b * 784, (b + 1) * 784))).toEqual(Array.from(data.images.data));
  });

  it("with shift 0, gives each picture as it is or mirrored left-right, both sides appearing", () => {
    const data = gradientSet();
    const source = data.images.data;
    const { images } = fashionBatch(data, new Random(1), 32, { augment: true, shift: 0 });
    const kinds = Array.from({ length: 32 }, (_, b) => {
      const got = Array.from(images.data.subarray(b * 784, (b + 1) * 784));
      if (got.join() === Array.from(source).join()) return "same";
      if (got.join() === Array.from(mirrored(source)).join()) return "mirrored";
      return "other";
    });
    expect(kinds).not.toContain("other");
    expect(new Set(kinds)).toEqual(new Set(["same", "mirrored"]));
  });

  it("shifts by at most `shift` pixels, filling the border with black", () => {
    const data = gradientSet();
    const { images } = fashionBatch(data, new Random(2), 16, { augment: true, shift: 2 });
    for (let b = 0; b < 16; b++) {
      const picture = images.data.subarray(b * 784, (b + 1) * 784);
      // At most 2 rows and 2 columns of black border (the source's only 0 is its first pixel).
      expect(picture.filter((v) => v === 0).length).toBeLessThanOrEqual(2 * 28 + 2 * 28 + 1);
      // The centre 24×24 always comes from the source, mirrored or not.
      const values = new Set(data.images.data);
      for (let y = 2; y < 26; y++) for (let x = 2; x < 26; x++) expect(values.has(picture[y * 28 + x])).toBe(true);
    }
  });

  it("draws the same batches from the same seed", () => {
    const data = gradientSet();
    const a = fashionBatch(data, new Random(5), 8);
    const b = fashionBatch(data, new Random(5), 8);
    expect(Array.from(b.images.data)).toEqual(Array.from(a.images.data));
  });
});

describe("eraseRectangle", () => {
  it("covers one rectangle of about 2% to 33% of the picture with grey levels in [0, 1), inside the picture", () => {
    for (let seed = 0; seed < 200; seed++) {
      const picture = new Float32Array(784).fill(-1);
      eraseRectangle(picture, 28, new Random(seed));
      const changed = [...picture.keys()].filter((i) => picture[i] !== -1);
      const rows = changed.map((i) => Math.floor(i / 28)), cols = changed.map((i) => i % 28);
      const height = Math.max(...rows) - Math.min(...rows) + 1, width = Math.max(...cols) - Math.min(...cols) + 1;
      expect(changed.length, `seed ${seed}: one full rectangle`).toBe(height * width);
      expect(changed.length).toBeGreaterThanOrEqual(0.01 * 784);
      expect(changed.length).toBeLessThanOrEqual(0.4 * 784);
      expect(changed.every((i) => picture[i] >= 0 && picture[i] < 1)).toBe(true);
    }
  });

  it("erases in a fashionBatch only with erase > 0, and the same seed erases the same way", () => {
    const data = gradientSet();
    const plain = fashionBatch(data, new Random(9), 6, { shift: 0 });
    expect(Array.from(fashionBatch(data, new Random(9), 6, { shift: 0, erase: 0 }).images.data)).toEqual(Array.from(plain.images.data));
    const erased = fashionBatch(data, new Random(9), 6, { shift: 0, erase: 1 });
    expect(Array.from(erased.images.data)).not.toEqual(Array.from(plain.images.data));
    expect(Array.from(fashionBatch(data, new Random(9), 6, { shift: 0, erase: 1 }).images.data)).toEqual(Array.from(erased.images.data));
  });
});

describe("trainFashion", () => {
  it("a short run on the committed training slice lowers the loss, and the same seed repeats it", async () => {
    const train = await loadFashion(read, { split: "train" });
    const schedule = { ...FASHION_PAGE_TRAINING, batchSize: 16, warmup: 5 };
    const { result } = await trainFashion(train, { seed: 3, steps: 40, schedule });
    expect(result.steps).toBe(40);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // The untrained model is close to log(10) = 2.30 nats per picture.
    expect(mean(result.losses.slice(0, 5))).toBeGreaterThan(1.8);
    expect(mean(result.losses.slice(-8))).toBeLessThan(mean(result.losses.slice(0, 5)) - 0.5);
    const again = await trainFashion(train, { seed: 3, steps: 3, schedule: { ...schedule, steps: 40 } });
    // The first steps are inside the warm-up, where the learning rate does not depend on the run's length.
    expect(again.result.losses).toEqual(result.losses.slice(0, 3));
  }, 180_000);

  it("with schedule.average, also returns the model with the running average of the weights", async () => {
    const schedule = { ...FASHION_TRAINING, batchSize: 4, warmup: 2, steps: 6, average: 0.5, erase: 0.5, labelSmoothing: 0.1 };
    const model = new ViT(FASHION_CONFIG, { seed: 2 });
    const name = "head.w";
    // Independently: the weights after every step, averaged by hand in double precision.
    let reference = Array.from(model.params[name].data);
    const { averaged } = await trainFashion(gradientSet(), {
      seed: 2, model, schedule,
      onProgress: () => { reference = reference.map((a, i) => 0.5 * a + 0.5 * model.params[name].data[i]); },
    });
    expect(averaged!.config).toEqual(model.config);
    expect(Array.from(averaged!.params[name].data)).not.toEqual(Array.from(model.params[name].data));
    averaged!.params[name].data.forEach((v, i) => expect(v).toBeCloseTo(reference[i], 6));
    expect((await trainFashion(gradientSet(), { seed: 2, schedule: { ...schedule, average: undefined } })).averaged).toBeNull();
  });

  it("stops before the next step when the signal is aborted, keeping the model", async () => {
    const signal = { aborted: false };
    const { model, result } = await trainFashion(gradientSet(), {
      steps: 50, signal, schedule: { ...FASHION_TRAINING, batchSize: 2 }, onProgress: (p) => { if (p.step === 3) signal.aborted = true; },
    });
    expect(result).toMatchObject({ steps: 3, stopped: true });
    expect(model.config).toEqual(FASHION_CONFIG);
  });

  it("refuses an empty data set", async () => {
    const empty = { images: new Tensor(new Float32Array(0), [0, 1, 28, 28]), labels: [], classes: FASHION_CLASSES };
    await expect(trainFashion(empty)).rejects.toThrow(/no pictures/);
  });
});

describe("FASHION_PAGE_CONFIG", () => {
  it("takes the same pictures and gives the same ten scores as the shipped model's shape, with fewer parameters", () => {
    const page = new ViT(FASHION_PAGE_CONFIG, { seed: 0 });
    const { logits } = page.forward(gradientSet().images);
    expect(logits.shape).toEqual([1, FASHION_CLASSES.length]);
    expect(FASHION_PAGE_CONFIG).toMatchObject({ imageSize: 28, channels: 1, classes: 10 });
    // 49·48 + 48 (patches) + 17·48 + 48 (positions, class token) + 2 blocks of 18,960 + 96 (norm) + 48·10 + 10 (head)
    expect(parameterCount(page.params)).toBe(41770);
    expect(parameterCount(page.params)).toBeLessThan(parameterCount(new ViT(FASHION_CONFIG).params));
  });
});

describe("mirrorPictures", () => {
  it("reverses every row of every picture, and twice gives the pictures back", () => {
    const { images } = gradientSet();
    const two = new Tensor(Float32Array.from([...images.data, ...mirrored(images.data)]), [2, 1, 28, 28]);
    const once = mirrorPictures(two);
    expect(Array.from(once.data)).toEqual([...mirrored(images.data), ...images.data]);
    expect(once.shape).toEqual([2, 1, 28, 28]);
    expect(Array.from(mirrorPictures(once).data)).toEqual(Array.from(two.data));
  });
});

describe("evaluateFashion", () => {
  it("counts every picture once in the confusion matrix, and accuracy is its diagonal share", async () => {
    const test = await loadFashion(read, { split: "test", count: 60 });
    const model = new ViT(FASHION_CONFIG, { seed: 4 });
    const { accuracy, predictions, confusion } = evaluateFashion(model, test, { batchSize: 25 });
    expect(predictions).toHaveLength(60);
    expect(confusion.map((row) => row.reduce((a, b) => a + b, 0))).toEqual(FASHION_CLASSES.map((_, c) => test.labels.filter((l) => l === c).length));
    const diagonal = confusion.reduce((a, row, i) => a + row[i], 0);
    expect(accuracy).toBeCloseTo(diagonal / 60, 12);
    expect(accuracy).toBeCloseTo(predictions.filter((p, i) => p === test.labels[i]).length / 60, 12);
    // Batching does not change a prediction.
    expect(evaluateFashion(model, test, { batchSize: 60 }).predictions).toEqual(predictions);
  });

  it("with mirror, predicts from the log-probabilities of the picture and its mirror image added up", async () => {
    const test = await loadFashion(read, { split: "test", count: 40 });
    const model = new ViT(FASHION_CONFIG, { seed: 5 });
    const { predictions, singleView } = evaluateFashion(model, test, { mirror: true, batchSize: 16 });
    // The first look alone comes with it: the plain evaluation's numbers.
    expect(singleView).toEqual(evaluateFashion(model, test));
    // Independently: mirror each picture by hand, one at a time, and add the two log-softmax rows.
    const logProbabilities = (pixels: Float32Array) => {
      const logits = Array.from(model.forward(new Tensor(pixels, [1, 1, 28, 28])).logits.data);
      const top = Math.max(...logits), total = Math.log(logits.reduce((a, z) => a + Math.exp(z - top), 0)) + top;
      return logits.map((z) => z - total);
    };
    const expected = test.labels.map((_, i) => {
      const picture = test.images.data.slice(i * 784, (i + 1) * 784);
      const both = logProbabilities(picture).map((v, c) => v + logProbabilities(mirrored(picture))[c]);
      return both.indexOf(Math.max(...both));
    });
    expect(predictions).toEqual(expected);
    // A picture that is its own mirror image gets the same answer either way.
    const symmetric = { ...gradientSet(), images: new Tensor(Float32Array.from({ length: 784 }, (_, j) => Math.abs((j % 28) - 13.5) / 14), [1, 1, 28, 28]) };
    expect(evaluateFashion(model, symmetric, { mirror: true }).predictions).toEqual(evaluateFashion(model, symmetric).predictions);
  });
});
