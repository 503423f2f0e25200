import { ShapeError, shapeString } from "../errors";
import { type Tensor, linear, reshape, transpose } from "../core";
import { attention } from "./attention";

/** The eight parameters of one attention layer. Projections are `x @ w + b`, `w: [d, d]` as `[in, out]`. */
export interface AttentionParams {
  wq: Tensor; wk: Tensor; wv: Tensor; wo: Tensor;
  bq: Tensor; bk: Tensor; bv: Tensor; bo: Tensor;
}

/** Options of {@link multiHeadAttention}. */
export interface MultiHeadOptions {
  /** Number of heads; must divide the width d. */
  heads: number;
  /** Broadcastable to `[heads, n, m]` (or `[B, heads, n, m]`); 1 keeps a key, 0 excludes it. */
  mask?: Tensor;
  /** Cross-attention: keys and values come from here, `[m, d]` or `[B, m, d]`, instead of from `x`. */
  context?: Tensor;
}

/** What {@link multiHeadAttention} returns. */
export interface MultiHeadResult {
  /** `concat(heads) @ wo + bo`: same shape as `x`. */
  output: Tensor;
  /** Per-head attention weights: `[heads, n, m]`, or `[B, heads, n, m]` for batched `x`. */
  weights: Tensor;
}

/**
 * Multi-head attention: `heads` independent attentions, each on its own
 * contiguous slice of `d / heads` columns of the projected queries, keys and
 * values, concatenated back and mixed by `wo`.
 *
 * `x [n, d]` or `[B, n, d]` -> output of the same shape; weights `[(B,) heads, n, m]`.
 *
 * @example
 * import { multiHeadAttention, initAttention, randn, Random } from "transformer";
 * const params = initAttention(new Random(0), 16);
 * const { output, weights } = multiHeadAttention(randn([5, 16]), params, { heads: 4 });
 * weights.shape; // [4, 5, 5]
 */
export function multiHeadAttention(x: Tensor, params: AttentionParams, options: MultiHeadOptions): MultiHeadResult {
  const { heads, mask } = options;
  const context = options.context ?? x;
  const d = x.shape.at(-1)!;
  const where = () => `x ${shapeString(x.shape)}${options.context ? `, context ${shapeString(context.shape)}` : ""}`;
  if (x.shape.length < 2 || x.shape.length > 3) throw new ShapeError(`multiHeadAttention: x must be [n, d] or [B, n, d], got ${where()}`);
  if (!Number.isInteger(heads) || heads < 1 || d % heads !== 0) {
    throw new ShapeError(`multiHeadAttention: width ${d} is not divisible by heads ${heads} (${where()})`);
  }
  if (context.shape.length !== x.shape.length || context.shape.at(-1) !== d) {
    throw new ShapeError(`multiHeadAttention: context must match x in rank and width d: ${where()}`);
  }
  for (const name of ["wq", "wk", "wv", "wo"] as const) {
    const s = params[name]?.shape;
    if (!s || s.length !== 2 || s[0] !== d || s[1] !== d) {
      throw new ShapeError(`multiHeadAttention: ${name} must be [${d}, ${d}] for ${where()}, got ${s ? shapeString(s) : "nothing"}`);
    }
  }

  const q = splitHeads(linear(x, params.wq, params.bq), heads); //       [(B,) n, d] -> [(B,) h, n, d/h]
  const k = splitHeads(linear(context, params.wk, params.bk), heads); // [(B,) m, d] -> [(B,) h, m, d/h]
  const v = splitHeads(linear(context, params.wv, params.bv), heads);
  const { output, weights } = attention(q, k, v, { mask }); //          [(B,) h, n, d/h], [(B,) h, n, m]
  const merged = reshape(transpose(output, -3, -2), x.shape); //        [(B,) n, h, d/h] -> [(B,) n, d]
  return { output: linear(merged, params.wo, params.bo), weights };
}

/** `[..., n, d] -> [..., heads, n, d / heads]`: head h owns columns h·d/heads .. (h+1)·d/heads - 1. */
function splitHeads(x: Tensor, heads: number): Tensor {
  const s = x.shape;
  const [n, d] = [s.at(-2)!, s.at(-1)!];
  return transpose(reshape(x, [...s.slice(0, -2), n, heads, d / heads]), -3, -2);
}
