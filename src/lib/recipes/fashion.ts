/**
 * The Fashion-MNIST recipe: the course's ViT on real pictures. Same model
 * class as the shapes recipe; what changes is the data: one channel
 * instead of three, 28×28 pixels, ten classes, and no background trick
 * (the clothes are always light on black, so the raw pixels go in as they
 * are).
 */
import { Random, Tensor, add, argmax, logSoftmax, mean, mul, noGrad } from "../core";
import { crossEntropy } from "../ops/loss";
import { ViT, type ViTConfig } from "../models/vit";
import { loadState } from "../nn/state";
import { FASHION_CLASSES, FASHION_SIZE, type FashionSet } from "../data/fashion";
import { ParameterAverage } from "../train/average";
import { AdamW } from "../train/optimizers";
import { train } from "../train/train";
import { type RecipeOptions, type Schedule, type Trained, warmupCosine } from "./options";

/**
 * 7×7 patches of a 28×28 picture give 16 tokens plus the class token, as
 * many as the shapes ViT: a training step stays cheap enough for a page.
 * 4×4 patches (49 tokens) would show a sleeve or a heel as a patch of its
 * own, but a step took 4× as long (0.84 against 3.5 steps a second at batch
 * 64 on the course's test machine, measured). Width 64, 2 blocks: 72K
 * parameters, a 0.28 MB weights file.
 */
export const FASHION_CONFIG: ViTConfig = {
  imageSize: FASHION_SIZE,
  channels: 1,
  patchSize: 7,
  dim: 64,
  depth: 2,
  heads: 4,
  mlpDim: 128,
  classes: FASHION_CLASSES.length,
};

/**
 * The schedule `npm run train` uses for the shipped weights, on training
 * pictures 0 to 54,999 (the last 5,000 are held out to watch the run):
 * 48,000 steps of 64 pictures, about 56 passes (about half an hour of one
 * core on the WebAssembly kernels). So many passes call for more pictures
 * than there are, and for a model that cannot simply remember the ones it
 * has: without any of the following, a model three passes in already scored
 * 2 points higher on pictures it had trained on than on new ones (0.888
 * against 0.865).
 * - Mirrored clothes are still the same clothes: every picture is flipped
 *   left-right half the time. Shifts are left out: the pictures are all
 *   centred the same way, a shifted one cuts the 7×7 patches differently,
 *   and shifts of up to 2 pixels slowed learning too much.
 * - Half the pictures get a rectangle of random grey ({@link eraseRectangle}).
 * - Label smoothing 0.1 ({@link smoothedCrossEntropy}).
 * - The shipped weights are the running average of the weights with decay
 *   0.999, about the last thousand steps ({@link ParameterAverage}).
 * Each choice was made on the held-out pictures; docs/performance.md has
 * the runs (36,000 steps with flips alone scored 0.894 there, these 0.907).
 */
export const FASHION_TRAINING: FashionSchedule = {
  steps: 48000, batchSize: 64, lr: 2e-3, warmup: 300, weightDecay: 0.05, clip: 1,
  augment: true, shift: 0, erase: 0.5, labelSmoothing: 0.1, average: 0.999,
};

/**
 * The model the chapter trains from scratch in the page: the shipped model's
 * shape at width 48 (MLP 96), 41,770 parameters. A minute buys more steps of
 * a narrower model, and in a short run more steps help more than width: a
 * step of 64 takes about two thirds as long as at width 64 for a little
 * over half the arithmetic, because at this size much of a step is
 * bookkeeping (copies, reshapes, allocations) that does not shrink with the
 * width. Spelled out rather than derived from {@link FASHION_CONFIG}, so that
 * retraining the shipped model never changes what the page trains.
 */
export const FASHION_PAGE_CONFIG: ViTConfig = {
  imageSize: FASHION_SIZE,
  channels: 1,
  patchSize: 7,
  dim: 48,
  depth: 2,
  heads: 4,
  mlpDim: 96,
  classes: FASHION_CLASSES.length,
};

/**
 * The schedule the chapter trains {@link FASHION_PAGE_CONFIG} with in the
 * page, on the committed 15,000-picture training slice: 2,000 steps of 64,
 * which with fetching took 46 s on the WebAssembly kernels of a two-core
 * machine (see docs/performance.md), the learning rate decaying to its
 * floor by the last step. That is about eight passes through the slice;
 * pictures are flipped half the time as in the long run (at this length
 * flips neither helped nor hurt measurably). The long run's erasing, label
 * smoothing and averaging are left out: they slow the first thousands of
 * steps, and averaging gained nothing at the end of so short a run.
 */
export const FASHION_PAGE_TRAINING: FashionSchedule = { steps: 2000, batchSize: 64, lr: 2e-3, warmup: 100, weightDecay: 0.05, clip: 1, augment: true, shift: 0 };

/**
 * A batch of `batchSize` pictures drawn at random from `data`, each flipped
 * left-right with probability 1/2 and shifted by up to `shift` pixels
 * (the freed border is black, like the background): clothes stay what they
 * are when mirrored or moved a little, and a model that sees the same
 * 60,000 pictures many times learns the clothes instead of the pictures.
 * With `erase`, that share of the pictures also gets a rectangle of random
 * grey (see {@link eraseRectangle}).
 * `-> images [batchSize, 1, 28, 28], labels (batchSize)`.
 */
export function fashionBatch(
  data: FashionSet,
  rng: Random,
  batchSize: number,
  { augment = true, shift = 2, erase = 0 }: { augment?: boolean; shift?: number; erase?: number } = {},
): { images: Tensor; labels: number[] } {
  const n = data.labels.length;
  const size = FASHION_SIZE;
  const plane = size * size;
  const out = new Float32Array(batchSize * plane);
  const labels: number[] = [];
  for (let b = 0; b < batchSize; b++) {
    const i = rng.int(n);
    labels.push(data.labels[i]);
    const source = data.images.data.subarray(i * plane, (i + 1) * plane);
    const target = out.subarray(b * plane, (b + 1) * plane);
    if (!augment) {
      target.set(source);
      continue;
    }
    const flip = rng.next() < 0.5;
    const dy = rng.int(2 * shift + 1) - shift;
    const dx = rng.int(2 * shift + 1) - shift;
    for (let y = 0; y < size; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= size) continue;
      for (let x = 0; x < size; x++) {
        const sx0 = x - dx;
        if (sx0 < 0 || sx0 >= size) continue;
        target[y * size + x] = source[sy * size + (flip ? size - 1 - sx0 : sx0)];
      }
    }
    if (erase > 0 && rng.next() < erase) eraseRectangle(target, size, rng);
  }
  return { images: new Tensor(out, [batchSize, 1, size, size]), labels };
}

/**
 * Random erasing (Zhong et al., 2017): covers a rectangle of a `size × size`
 * picture with random grey levels, in place. Its area is 2% to 33% of the
 * picture and its height-to-width ratio between 0.3 and 3.3 (uniform in the
 * logarithm), placed anywhere it fits; a draw that does not fit is retried,
 * up to 10 times. A model that cannot count on any one part of a picture
 * (a collar, a heel) being visible learns to use all of them, so it leans
 * less on the details of the pictures it trains on.
 */
export function eraseRectangle(picture: Float32Array, size: number, rng: Random): void {
  const area = size * size;
  for (let attempt = 0; attempt < 10; attempt++) {
    const covered = (0.02 + rng.next() * 0.31) * area;
    const aspect = Math.exp(Math.log(0.3) + rng.next() * (Math.log(3.3) - Math.log(0.3)));
    const h = Math.round(Math.sqrt(covered * aspect)), w = Math.round(Math.sqrt(covered / aspect));
    if (h < 1 || w < 1 || h >= size || w >= size) continue;
    const top = rng.int(size - h + 1), left = rng.int(size - w + 1);
    for (let y = top; y < top + h; y++) for (let x = left; x < left + w; x++) picture[y * size + x] = rng.next();
    return;
  }
}

/** Optimisation settings of {@link trainFashion}: the shared schedule, the batch size, how {@link fashionBatch} varies the pictures, and what else guards against learning the pictures by heart. */
export interface FashionSchedule extends Schedule {
  batchSize: number;
  augment: boolean;
  /** With `augment`, the largest shift in pixels (default 2; 0 flips only). */
  shift?: number;
  /** With `augment`, the share of pictures that get a rectangle erased (default 0; see {@link eraseRectangle}). */
  erase?: number;
  /** Label smoothing ε of the loss (default 0; see {@link smoothedCrossEntropy}). */
  labelSmoothing?: number;
  /** Keep a {@link ParameterAverage} with this decay (default none); {@link trainFashion} then also returns the averaged model. */
  average?: number;
}

/** Options of {@link trainFashion}: the recipe's, plus the model and schedule to use. */
export interface FashionTrainOptions extends RecipeOptions {
  /** The model's size (default {@link FASHION_CONFIG}). */
  config?: ViTConfig;
  /**
   * Optimisation settings (default {@link FASHION_TRAINING}). `steps` in the
   * options sets how many steps run; the learning rate always follows
   * `schedule.steps`, so stopping early gives exactly the start of the full run.
   */
  schedule?: FashionSchedule;
  /** Keep training this model instead of a fresh one (its config wins over `config`). */
  model?: ViT;
}

/**
 * Trains a fresh {@link ViT} on the pictures of `data` (any number, e.g. the
 * 15,000 of the course's training slice, or all 60,000): AdamW with warm-up
 * and cosine decay, gradient clipping, a random batch every step (flipped
 * and shifted when `schedule.augment`).
 * Reports `accuracy` on the current batch (before the update) as a metric.
 *
 * @example
 * import { trainFashion, evaluateFashion, loadFashion } from "transformer";
 * import { loadBytes, signal } from "notebook";
 * const train = await loadFashion(loadBytes, { split: "train" });
 * const { model } = await trainFashion(train, { steps: 300, signal, onProgress: (p) => console.log(p.step, p.loss) });
 */
export async function trainFashion(data: FashionSet, options: FashionTrainOptions = {}): Promise<FashionTrained> {
  const { seed = 0, config = FASHION_CONFIG, schedule = FASHION_TRAINING } = options;
  if (data.labels.length === 0) throw new Error("trainFashion: the data set has no pictures");
  const { steps = schedule.steps, onProgress, signal } = options;
  const model = options.model ?? new ViT(config, { seed });
  // The batches have their own generator, so changing the model never changes the data order.
  const dataRng = new Random(seed + 0xfa5);
  const optimizer = new AdamW(model.params, { lr: schedule.lr, weightDecay: schedule.weightDecay });
  const average = schedule.average === undefined ? null : new ParameterAverage(model.params, schedule.average);
  const { erase = 0, labelSmoothing = 0 } = schedule;
  const result = await train({
    params: model.params,
    optimizer,
    steps,
    clip: schedule.clip,
    onProgress: (progress) => {
      average?.update(); // after every optimizer step
      onProgress?.(progress);
    },
    signal,
    // A step takes a tenth of a second or more in a page: look at the Stop button after every one.
    yieldEvery: 1,
    step: (i) => {
      // The learning rate follows `schedule.steps`, not `steps`: a run of k steps is the start of the full run.
      optimizer.lr = warmupCosine(i, schedule.steps, schedule.lr, schedule.warmup);
      const { images, labels } = fashionBatch(data, dataRng, schedule.batchSize, { augment: schedule.augment, shift: schedule.shift, erase });
      const { logits } = model.forward(images, { training: true }); // [B, 10]
      const loss = labelSmoothing > 0 ? smoothedCrossEntropy(logits, labels, labelSmoothing) : crossEntropy(logits, labels);
      return { loss, metrics: { accuracy: accuracyOf(logits, labels) } };
    },
  });
  return { model, result, averaged: average && new ViT(model.config, { params: average.params }) };
}

/** What {@link trainFashion} gives back: the model, how training went, and with `schedule.average` the model with the averaged weights. */
export interface FashionTrained extends Trained<ViT> {
  /** The model's config with the weights of the {@link ParameterAverage} (null without `schedule.average`). */
  averaged: ViT | null;
}

/**
 * Cross-entropy against softened targets (label smoothing, as
 * `torch.nn.functional.cross_entropy(..., label_smoothing=ε)`): the true
 * class gets 1 - ε + ε/C of the target and every class ε/C, so the loss is
 * `(1 - ε)·crossEntropy + ε·mean over classes of -log p`. A model is never
 * asked for complete certainty, which a model that has seen each picture
 * dozens of times could otherwise give by memorising it.
 * `logits [n, C], labels (n) -> []`.
 */
export function smoothedCrossEntropy(logits: Tensor, labels: readonly number[], smoothing: number): Tensor {
  const trueClass = mul(crossEntropy(logits, labels), 1 - smoothing);
  const everyClass = mul(mean(logSoftmax(logits, -1)), -smoothing); // ε · mean over rows and classes of -log p
  return add(trueClass, everyClass);
}

/** A ViT with `config` (default {@link FASHION_CONFIG}) and the weights of a `saveState` file, e.g. `public/models/fashion.bin`. */
export function loadFashionVit(bytes: Uint8Array, config: ViTConfig = FASHION_CONFIG): ViT {
  return new ViT(config, { params: loadState(bytes, { requiresGrad: false }) });
}

/** What {@link evaluateFashion} measures. */
export interface FashionMetrics {
  /** Share of the pictures classified correctly. */
  accuracy: number;
  /** The predicted class of every picture, in order. */
  predictions: number[];
  /** `confusion[true][predicted]`: how many pictures of class `true` were called `predicted`. */
  confusion: number[][];
  /** With `mirror`, the same measures from the pictures alone (the first of the two looks, computed anyway). */
  singleView?: FashionMetrics;
}

/** Options of {@link evaluateFashion}. */
export interface FashionEvalOptions {
  /** Score the first `count` pictures (default all). */
  count?: number;
  /** Pictures per forward pass (default 250). */
  batchSize?: number;
  /**
   * Look twice: classify each picture as it is and mirrored left-right, and
   * predict the class whose log-probabilities add up highest (default
   * false). The model trained on pictures mirrored half the time, so both
   * looks are pictures it knows; where they disagree, the more confident one
   * tends to win. Twice the arithmetic for a better answer, an old trick
   * ("test-time augmentation") of image-classification benchmarks.
   */
  mirror?: boolean;
}

/**
 * Classifies the first `count` pictures of `data` (default all) in batches
 * of `batchSize`, without gradients; with `mirror`, each picture twice.
 *
 * @example
 * const { accuracy, confusion } = evaluateFashion(model, test, { count: 1000 });
 * const twice = evaluateFashion(model, test, { mirror: true }); // twice.singleView: the first look alone
 */
export function evaluateFashion(model: ViT, data: FashionSet, { count = data.labels.length, batchSize = 250, mirror = false }: FashionEvalOptions = {}): FashionMetrics {
  const n = Math.min(count, data.labels.length);
  const classes = model.config.classes;
  const plane = FASHION_SIZE * FASHION_SIZE;
  const predictions: number[] = [], singleViewPredictions: number[] = [];
  noGrad(() => {
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      const images = new Tensor(data.images.data.subarray(start * plane, (start + m) * plane), [m, 1, FASHION_SIZE, FASHION_SIZE]);
      const logits = model.forward(images).logits; // [m, 10]
      if (!mirror) {
        predictions.push(...argmax(logits, -1)); // [m, 10] -> m
        continue;
      }
      singleViewPredictions.push(...argmax(logits, -1));
      predictions.push(...argmax(add(logSoftmax(logits, -1), logSoftmax(model.forward(mirrorPictures(images)).logits, -1)), -1));
    }
  });
  const metrics = metricsOf(predictions, data.labels, classes);
  return mirror ? { ...metrics, singleView: metricsOf(singleViewPredictions, data.labels, classes) } : metrics;
}

/** Accuracy and confusion matrix of `predictions` against the first of `labels`. */
function metricsOf(predictions: number[], labels: readonly number[], classes: number): FashionMetrics {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  predictions.forEach((p, i) => confusion[labels[i]][p]++);
  const correct = predictions.filter((p, i) => p === labels[i]).length;
  return { accuracy: predictions.length === 0 ? 0 : correct / predictions.length, predictions, confusion };
}

/**
 * The pictures mirrored left-right: `[B, C, H, W] -> [B, C, H, W]`, every
 * row reversed (a new tensor; no gradient flows through it).
 *
 * @example
 * mirrorPictures(tensor([[[[1, 2, 3]]]])).toArray(); // [[[[3, 2, 1]]]]
 */
export function mirrorPictures(images: Tensor): Tensor {
  const width = images.shape.at(-1) ?? 0;
  const x = images.data, out = new Float32Array(x.length);
  for (let row = 0; row < x.length; row += width) {
    for (let j = 0; j < width; j++) out[row + j] = x[row + width - 1 - j];
  }
  return new Tensor(out, images.shape.slice());
}

/** Share of rows of `logits [B, classes]` whose largest entry is the label. */
function accuracyOf(logits: Tensor, labels: readonly number[]): number {
  const predicted = argmax(logits, -1);
  return predicted.filter((p, i) => p === labels[i]).length / labels.length;
}
