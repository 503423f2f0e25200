import { type Tensor, gelu, linear } from "../core";

/** Parameters of the position-wise MLP: `w1 [d, hidden]`, `b1 [hidden]`, `w2 [hidden, d]`, `b2 [d]`. */
export interface MlpParams {
  w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor;
}

/**
 * The feed-forward part of a transformer block, applied to each position on
 * its own: Linear -> GELU -> Linear.
 *
 * `[..., d] @ [d, hidden] -> gelu -> @ [hidden, d] -> [..., d]`
 *
 * @example
 * import { mlp, initMlp, randn, Random } from "transformer";
 * mlp(randn([5, 16]), initMlp(new Random(0), 16, 64)).shape; // [5, 16]
 */
export function mlp(x: Tensor, params: MlpParams): Tensor {
  return linear(gelu(linear(x, params.w1, params.b1)), params.w2, params.b2);
}
