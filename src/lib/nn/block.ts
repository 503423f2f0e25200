import { type Tensor, add, layerNorm } from "../core";
import { mlp } from "./mlp";
import { multiHeadAttention } from "./multiHeadAttention";
import { type Params, pick } from "./params";

const ATTENTION = ["wq", "wk", "wv", "wo", "bq", "bk", "bv", "bo"] as const;
const MLP = ["w1", "b1", "w2", "b2"] as const;

/** Options of {@link transformerBlock} and {@link decoderBlock}. */
export interface BlockOptions {
  heads: number;
  /** Self-attention mask, broadcastable to `[(B,) heads, n, n]` (e.g. `causalMask(n)`). */
  mask?: Tensor;
  /**
   * Normalise after each residual addition, as in "Attention Is All You Need"
   * (`x = LN(x + f(x))`), instead of before each sublayer as in ViT and GPT-2
   * (`x = x + f(LN(x))`, the default, which trains more easily).
   */
  postNorm?: boolean;
}

/** A block's output and what happened inside it. */
export interface BlockResult {
  /** `[(B,) n, d]`, same shape as the input. */
  output: Tensor;
  /** Self-attention weights per head: `[(B,) heads, n, n]`. */
  weights: Tensor;
  /** ΔE from attention: what the attention sublayer added to the residual stream, `[(B,) n, d]`. */
  attentionDelta: Tensor;
  /** ΔE from the MLP, `[(B,) n, d]`. */
  mlpDelta: Tensor;
}

/**
 * One encoder block: self-attention then MLP, each added back to the residual stream.
 *
 * Pre-norm (default): `x += attn(LN1(x)); x += mlp(LN2(x))`. With `postNorm`:
 * `x = LN1(x + attn(x)); x = LN2(x + mlp(x))`. `x [(B,) n, d] -> [(B,) n, d]`.
 * Reads `ln1.*`, `attn.*`, `ln2.*`, `mlp.*` from `params` (see `initBlock`).
 *
 * @example
 * import { transformerBlock, initBlock, randn, Random } from "transformer";
 * const { output, weights } = transformerBlock(randn([65, 64]), initBlock(new Random(0), 64, 256), { heads: 4 });
 */
export function transformerBlock(x: Tensor, params: Params, options: BlockOptions): BlockResult {
  const ln1 = pick(params, "ln1", ["gamma", "beta"]);
  const ln2 = pick(params, "ln2", ["gamma", "beta"]);
  const attn = pick(params, "attn", ATTENTION);
  const feedForward = pick(params, "mlp", MLP);
  const { heads, mask } = options;

  if (options.postNorm) {
    const a = multiHeadAttention(x, attn, { heads, mask });
    const h = layerNorm(add(x, a.output), ln1.gamma, ln1.beta);
    const m = mlp(h, feedForward);
    return { output: layerNorm(add(h, m), ln2.gamma, ln2.beta), weights: a.weights, attentionDelta: a.output, mlpDelta: m };
  }
  const a = multiHeadAttention(layerNorm(x, ln1.gamma, ln1.beta), attn, { heads, mask });
  const h = add(x, a.output);
  const m = mlp(layerNorm(h, ln2.gamma, ln2.beta), feedForward);
  return { output: add(h, m), weights: a.weights, attentionDelta: a.output, mlpDelta: m };
}

/** Options of {@link decoderBlock}: `mask` is the self-attention mask (usually causal). */
export interface DecoderBlockOptions extends BlockOptions {
  /** Which encoder positions the cross-attention may use, broadcastable to `[(B,) heads, n, m]` (padding). */
  memoryMask?: Tensor;
}

/** A decoder block's output and intermediates. */
export interface DecoderBlockResult extends BlockResult {
  /** Cross-attention weights per head: `[(B,) heads, n, m]` (target position -> source position). */
  crossWeights: Tensor;
  /** ΔE from cross-attention, `[(B,) n, d]`. */
  crossDelta: Tensor;
}

/**
 * One decoder block: masked self-attention, cross-attention to the encoder's
 * output `memory [(B,) m, d]`, then MLP; each added back to the residual stream
 * (pre-norm by default, `postNorm` as in the original paper).
 * Reads `ln1`, `attn`, `ln2`, `cross`, `ln3`, `mlp` (see `initDecoderBlock`).
 * `x [(B,) n, d] -> [(B,) n, d]`.
 */
export function decoderBlock(x: Tensor, memory: Tensor, params: Params, options: DecoderBlockOptions): DecoderBlockResult {
  const lns = [1, 2, 3].map((i) => pick(params, `ln${i}`, ["gamma", "beta"]));
  const self = pick(params, "attn", ATTENTION);
  const cross = pick(params, "cross", ATTENTION);
  const feedForward = pick(params, "mlp", MLP);
  const { heads, mask, memoryMask, postNorm } = options;
  const norm = (t: Tensor, i: number) => layerNorm(t, lns[i].gamma, lns[i].beta);

  // Each sublayer f: pre-norm x + f(LN(x)), post-norm LN(x + f(x)).
  const residual = (h: Tensor, i: number, f: (input: Tensor) => Tensor) =>
    postNorm ? norm(add(h, f(h)), i) : add(h, f(norm(h, i)));
  let weights!: Tensor, attentionDelta!: Tensor, crossWeights!: Tensor, crossDelta!: Tensor, mlpDelta!: Tensor;
  const h1 = residual(x, 0, (t) => {
    ({ output: attentionDelta, weights } = multiHeadAttention(t, self, { heads, mask }));
    return attentionDelta;
  });
  const h2 = residual(h1, 1, (t) => {
    ({ output: crossDelta, weights: crossWeights } = multiHeadAttention(t, cross, { heads, context: memory, mask: memoryMask }));
    return crossDelta;
  });
  const output = residual(h2, 2, (t) => (mlpDelta = mlp(t, feedForward)));
  return { output, weights, attentionDelta, crossWeights, crossDelta, mlpDelta };
}
