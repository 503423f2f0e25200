import { type Random, type Tensor, ones, randn, zeros } from "../core";
import type { AttentionParams } from "./multiHeadAttention";
import type { MlpParams } from "./mlp";
import { type Params, prefixed } from "./params";

// Every initialiser draws from the `Random` it is given, in a fixed order, so a
// seed fully determines a model. All returned tensors require grad.

/** A linear layer `x @ w + b`: Xavier-normal `w [inDim, outDim]` (keeps activations' variance), zero `b [outDim]`. */
export function initLinear(rng: Random, inDim: number, outDim: number): { w: Tensor; b: Tensor } {
  const std = Math.sqrt(2 / (inDim + outDim));
  return { w: randn([inDim, outDim], { rng, std, requiresGrad: true }), b: zeros([outDim], { requiresGrad: true }) };
}

/** LayerNorm's scale (ones) and shift (zeros), `[d]` each: the identity at the start. */
export function initLayerNorm(d: number): { gamma: Tensor; beta: Tensor } {
  return { gamma: ones([d], { requiresGrad: true }), beta: zeros([d], { requiresGrad: true }) };
}

/** The eight attention parameters for width `d`. */
export function initAttention(rng: Random, d: number): AttentionParams {
  const [q, k, v, o] = [initLinear(rng, d, d), initLinear(rng, d, d), initLinear(rng, d, d), initLinear(rng, d, d)];
  return { wq: q.w, bq: q.b, wk: k.w, bk: k.b, wv: v.w, bv: v.b, wo: o.w, bo: o.b };
}

/** The MLP `d -> hidden -> d`. */
export function initMlp(rng: Random, d: number, hidden: number): MlpParams {
  const [a, b] = [initLinear(rng, d, hidden), initLinear(rng, hidden, d)];
  return { w1: a.w, b1: a.b, w2: b.w, b2: b.b };
}

/**
 * An encoder block's parameters, named as {@link transformerBlock} reads them:
 * `ln1.{gamma,beta}`, `attn.{wq,...,bo}`, `ln2.{gamma,beta}`, `mlp.{w1,b1,w2,b2}`.
 */
export function initBlock(rng: Random, d: number, mlpDim: number): Params {
  return {
    ...prefixed("ln1", initLayerNorm(d)),
    ...prefixed("attn", { ...initAttention(rng, d) }),
    ...prefixed("ln2", initLayerNorm(d)),
    ...prefixed("mlp", { ...initMlp(rng, d, mlpDim) }),
  };
}

/**
 * A decoder block's parameters, named as {@link decoderBlock} reads them:
 * `ln1`, `attn` (masked self-attention), `ln2`, `cross` (cross-attention), `ln3`, `mlp`.
 */
export function initDecoderBlock(rng: Random, d: number, mlpDim: number): Params {
  return {
    ...prefixed("ln1", initLayerNorm(d)),
    ...prefixed("attn", { ...initAttention(rng, d) }),
    ...prefixed("ln2", initLayerNorm(d)),
    ...prefixed("cross", { ...initAttention(rng, d) }),
    ...prefixed("ln3", initLayerNorm(d)),
    ...prefixed("mlp", { ...initMlp(rng, d, mlpDim) }),
  };
}

/** A learned embedding table `[rows, d]` (tokens or positions), small normal values. */
export function initEmbedding(rng: Random, rows: number, d: number, std = 0.02): Tensor {
  return randn([rows, d], { rng, std, requiresGrad: true });
}
