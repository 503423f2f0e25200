import { Tensor } from "../tensor";
import type { Params } from "../nn/params";

/**
 * A running average of a model's weights over the last stretch of training
 * (an exponential moving average, "EMA weights", as in Polyak averaging).
 *
 * Late in training, each step moves the weights a little toward its own
 * batch: the weights wander around a good point instead of sitting on it.
 * Their average sits closer to it, and usually classifies new pictures
 * better than the weights of any single step, for no extra training.
 * After every optimizer step, {@link update} moves each averaged number a
 * fraction `1 - decay` of the way to the current weight:
 * `average = decay·average + (1 - decay)·weight`. A decay of 0.9995 averages
 * over roughly the last 1/(1 - 0.9995) = 2,000 steps.
 *
 * @example
 * import { AdamW, ParameterAverage, ViT } from "transformer";
 * const average = new ParameterAverage(model.params, 0.999);
 * // after each optimizer.step():
 * average.update();
 * const smoothed = new ViT(model.config, { params: average.params });
 */
export class ParameterAverage {
  /** The averaged weights: one tensor per parameter, same names and shapes (no gradients). */
  readonly params: Params;

  /** Starts the average at the weights `source` holds now. */
  constructor(readonly source: Params, readonly decay: number) {
    if (!(decay >= 0 && decay < 1)) throw new RangeError(`ParameterAverage: decay must be in [0, 1), got ${decay}`);
    this.params = Object.fromEntries(Object.entries(source).map(([name, p]) => [name, new Tensor(p.data.slice(), p.shape.slice())]));
  }

  /** Moves the average toward the current weights: call once after every optimizer step. */
  update(): void {
    const decay = this.decay;
    for (const [name, weight] of Object.entries(this.source)) {
      const average = this.params[name].data, current = weight.data;
      for (let i = 0; i < average.length; i++) average[i] = decay * average[i] + (1 - decay) * current[i];
    }
  }
}
