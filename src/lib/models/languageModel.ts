import { Random, type Tensor, dropout, layerNorm, linear, noGrad, tidy } from "../core";
import { causalMask } from "../nn/attention";
import { initBlock, initEmbedding, initLayerNorm, initLinear } from "../nn/init";
import { type Params, prefixed } from "../nn/params";
import { encoder } from "../nn/stacks";
import { type TokenIds, embedTokens } from "./tokens";
import type { EncoderTrace } from "./vit";

/** Size of a {@link LanguageModel}. */
export interface LanguageModelConfig {
  vocabSize: number;
  /** Longest sequence the model sees (number of learned positions). */
  contextLength: number;
  dim: number;
  depth: number;
  heads: number;
  mlpDim: number;
  /** Dropout on the token embeddings while training (default 0). */
  dropout?: number;
}

/** Options of {@link LanguageModel.generate}. */
export interface GenerateOptions {
  /** How many tokens to add. */
  steps: number;
  /** Divides the logits before sampling: below 1 sharper, above 1 flatter (default 1). */
  temperature?: number;
  /** Always take the most likely token instead of sampling. */
  greedy?: boolean;
  /** Generator for sampling (default: `new Random(0)`, so results repeat). */
  rng?: Random;
}

/**
 * A decoder-only, causal language model (GPT-style): token embedding + learned
 * positions -> pre-norm blocks with a causal mask -> LayerNorm -> linear head.
 * Each position predicts the next token from itself and the ones before it.
 *
 * Parameters: `tok [V, d]`, `pos [contextLength, d]`, `blocks.i.*`, `norm.{gamma,beta}`, `head.{w [d, V], b [V]}`.
 *
 * @example
 * import { LanguageModel } from "transformer";
 * const lm = new LanguageModel({ vocabSize: 30, contextLength: 32, dim: 32, depth: 2, heads: 4, mlpDim: 64 }, { seed: 0 });
 * lm.forward([[1, 2, 3]]).logits.shape; // [1, 3, 30]
 * lm.generate([1, 2, 3], { steps: 10, temperature: 0.8 }); // 13 ids
 */
export class LanguageModel {
  readonly params: Params;
  /** Draws the dropout masks. */
  readonly rng: Random;

  constructor(readonly config: LanguageModelConfig, options: { seed?: number; params?: Params } = {}) {
    const { vocabSize, contextLength, dim, depth, mlpDim } = config;
    const rng = new Random(options.seed ?? 0);
    this.rng = rng;
    this.params = options.params ?? {
      tok: initEmbedding(rng, vocabSize, dim),
      pos: initEmbedding(rng, contextLength, dim),
      ...Object.assign({}, ...Array.from({ length: depth }, (_, i) => prefixed(`blocks.${i}`, initBlock(rng, dim, mlpDim)))),
      ...prefixed("norm", initLayerNorm(dim)),
      ...prefixed("head", initLinear(rng, dim, vocabSize)),
    };
  }

  /** `ids [B, T] -> logits [B, T, vocabSize]`: at position t, scores for token t + 1. */
  forward(ids: TokenIds, options: { trace?: boolean; training?: boolean } = {}): { logits: Tensor; trace?: EncoderTrace } {
    const p = this.params;
    let x = embedTokens("LanguageModel.forward", ids, p.tok, p.pos); // [B, T, d]
    if (options.training && this.config.dropout) x = dropout(x, this.config.dropout, { training: true, rng: this.rng });
    const { output, layers } = encoder(x, p, { heads: this.config.heads, mask: causalMask(x.shape[1]) });
    const logits = linear(layerNorm(output, p["norm.gamma"], p["norm.beta"]), p["head.w"], p["head.b"]); // [B, T, V]
    if (!options.trace) return { logits };
    return { logits, trace: { embeddings: [x, ...layers.map((l) => l.output)], attention: layers.map((l) => l.weights) } };
  }

  /**
   * Continues `prompt` by `steps` tokens, one at a time, each conditioned on
   * the last `contextLength` tokens. Returns prompt and continuation together.
   */
  generate(prompt: number[], options: GenerateOptions): number[] {
    const { steps, temperature = 1, greedy = false, rng = new Random(0) } = options;
    const ids = prompt.slice();
    for (let s = 0; s < steps; s++) {
      // One scope per token: the next forward pass reuses this one's memory.
      tidy(() => noGrad(() => {
        const window = ids.slice(-this.config.contextLength);
        const { logits } = this.forward([window]); // [1, T, V]
        const V = this.config.vocabSize;
        const last = logits.data.subarray((window.length - 1) * V, window.length * V);
        ids.push(greedy ? argmaxOf(last) : sample(last, temperature, rng));
      }));
    }
    return ids;
  }
}

/** Index of the largest entry. */
export function argmaxOf(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Draws an index with probability softmax(logits / temperature). */
function sample(logits: ArrayLike<number>, temperature: number, rng: Random): number {
  const top = logits[argmaxOf(logits)];
  const weights = Array.from(logits, (l) => Math.exp((l - top) / temperature)); // stable: largest is exp(0)
  let r = rng.next() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) if ((r -= weights[i]) < 0) return i;
  return weights.length - 1;
}
