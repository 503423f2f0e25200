import { type Tensor, zeroGrad } from "../core";

/** What {@link train} needs from an optimizer. */
export interface Optimizer {
  /** Learning rate; change it between steps for a schedule. */
  lr: number;
  /** Updates every parameter in place from its `.grad` (parameters without a gradient are skipped). */
  step(): void;
  /** Clears every parameter's `.grad`. */
  zeroGrad(): void;
}

/** A state dict or a list of parameters. */
export type ParamSource = Record<string, Tensor> | Tensor[];

/** The parameters of a source as a list. */
export const parameterList = (params: ParamSource): Tensor[] => (Array.isArray(params) ? params : Object.values(params));

/**
 * Stochastic gradient descent, as `torch.optim.SGD`: with weight decay
 * `g += weightDecay·p`, with momentum `buf = momentum·buf + g` and `g = buf`, then `p -= lr·g`.
 *
 * @example
 * import { SGD } from "transformer";
 * const opt = new SGD(model.params, { lr: 0.1, momentum: 0.9 });
 * loss.backward(); opt.step(); opt.zeroGrad();
 */
export class SGD implements Optimizer {
  lr: number;
  readonly momentum: number;
  readonly weightDecay: number;
  private readonly params: Tensor[];
  private readonly buffers = new Map<Tensor, Float32Array>();

  constructor(params: ParamSource, options: { lr: number; momentum?: number; weightDecay?: number }) {
    this.params = parameterList(params);
    this.lr = options.lr;
    this.momentum = options.momentum ?? 0;
    this.weightDecay = options.weightDecay ?? 0;
  }

  step(): void {
    const { lr, momentum, weightDecay } = this;
    for (const p of this.params) {
      if (!p.grad) continue;
      const [w, g] = [p.data, p.grad.data];
      const first = !this.buffers.has(p);
      if (first) this.buffers.set(p, new Float32Array(w.length));
      const buf = this.buffers.get(p)!;
      for (let i = 0; i < w.length; i++) {
        const d = g[i] + weightDecay * w[i];
        buf[i] = first ? d : momentum * buf[i] + d; // torch starts the buffer at the first gradient
        w[i] -= lr * (momentum ? buf[i] : d);
      }
    }
  }

  zeroGrad(): void {
    zeroGrad(this.params);
  }
}

/** Options of {@link AdamW}; defaults are PyTorch's. */
export interface AdamWOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Decay rates of the running mean of gradients and of squared gradients (default [0.9, 0.999]). */
  betas?: [number, number];
  /** Added to the denominator so it is never 0 (default 1e-8). */
  eps?: number;
  /** Decoupled weight decay: `p -= lr·weightDecay·p` each step, apart from the gradient (default 0.01). */
  weightDecay?: number;
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter), as `torch.optim.AdamW`:
 *
 *   p -= lr·λ·p;  m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²
 *   p -= lr · (m / (1-β1ᵗ)) / (√(v / (1-β2ᵗ)) + ε)
 *
 * Each parameter gets its own step size, scaled by how large its gradients usually are.
 *
 * @example
 * import { AdamW } from "transformer";
 * const opt = new AdamW(model.params, { lr: 3e-3, weightDecay: 0.01 });
 */
export class AdamW implements Optimizer {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** Number of steps taken (t in the bias corrections). */
  t = 0;
  private readonly params: Tensor[];
  private readonly moments = new Map<Tensor, { m: Float32Array; v: Float32Array }>();

  constructor(params: ParamSource, options: AdamWOptions = {}) {
    this.params = parameterList(params);
    this.lr = options.lr ?? 1e-3;
    [this.beta1, this.beta2] = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
  }

  step(): void {
    this.t++;
    const { lr, beta1, beta2, eps, weightDecay, t } = this;
    const correction1 = 1 - beta1 ** t;
    const sqrtCorrection2 = Math.sqrt(1 - beta2 ** t);
    for (const p of this.params) {
      if (!p.grad) continue;
      const [w, g] = [p.data, p.grad.data];
      let state = this.moments.get(p);
      if (!state) this.moments.set(p, (state = { m: new Float32Array(w.length), v: new Float32Array(w.length) }));
      const { m, v } = state;
      const decay = 1 - lr * weightDecay;
      for (let i = 0; i < w.length; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
        w[i] = w[i] * decay - (lr / correction1) * (m[i] / (Math.sqrt(v[i]) / sqrtCorrection2 + eps));
      }
    }
  }

  zeroGrad(): void {
    zeroGrad(this.params);
  }
}
