import { AdamW } from "../train/optimizers";
import { train, type TrainOptions, type TrainProgress, type TrainResult } from "../train/train";
import type { Params } from "../nn/params";

/**
 * What every recipe's training function takes. The same call runs in a
 * chapter's worker (with the page's `signal` and a live chart in
 * `onProgress`) and in `scripts/train.ts` (which writes the shipped weights).
 */
export interface RecipeOptions {
  /** Seeds the initial weights and the order of the training data: same seed, same losses. */
  seed?: number;
  /** Optimizer steps; each recipe has a default that reaches its targets. */
  steps?: number;
  /** Called after every step with the loss, speed and extra metrics. */
  onProgress?: (progress: TrainProgress) => void;
  /** Stops training before the next step once aborted (the notebook's Stop button). */
  signal?: { readonly aborted: boolean };
}

/** A trained model with the record of its training run. */
export interface Trained<Model> {
  model: Model;
  result: TrainResult;
}

/**
 * Learning rate at `step` (0-based) of `steps`: a linear warm-up over the
 * first `warmup` steps (large early updates on random weights are what
 * makes small transformers diverge), then a cosine decay from `peak` to
 * `peak · floor`, so the last steps settle instead of bouncing.
 *
 * @example
 * warmupCosine(0, 100, 1e-2, 10);  // 1e-3
 * warmupCosine(99, 100, 1e-2, 10); // ~1e-3 (floor 0.1 of the peak)
 */
export function warmupCosine(step: number, steps: number, peak: number, warmup: number, floor = 0.1): number {
  if (step < warmup) return (peak * (step + 1)) / warmup;
  const progress = Math.min(1, (step - warmup) / Math.max(1, steps - warmup));
  return peak * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/** The optimisation settings of a recipe (its `*_TRAINING` constant). */
export interface Schedule {
  steps: number;
  lr: number;
  warmup: number;
  weightDecay: number;
  clip: number;
}

/**
 * The loop every recipe shares: AdamW with {@link warmupCosine}, gradients
 * clipped to `schedule.clip`, stoppable through `options.signal`. Only the
 * loss of a step differs between models (and, optionally, how a step's data
 * is fetched: `prepare`, see {@link TrainOptions}).
 */
export function trainWithSchedule(
  params: Params,
  schedule: Schedule,
  options: RecipeOptions,
  stepLoss: TrainOptions["step"],
  { prepare }: Pick<TrainOptions, "prepare"> = {},
): Promise<TrainResult> {
  const { steps = schedule.steps, onProgress, signal } = options;
  const { lr, warmup, weightDecay, clip } = schedule;
  const optimizer = new AdamW(params, { lr, weightDecay });
  return train({
    params,
    optimizer,
    steps,
    clip,
    onProgress,
    signal,
    prepare,
    step: (i) => {
      optimizer.lr = warmupCosine(i, steps, lr, warmup);
      return stepLoss(i);
    },
  });
}
