import { Random, type Tensor, keep, layerNorm, linear, noGrad, tensor, tidy } from "../core";
import { causalMask } from "../nn/attention";
import { initBlock, initDecoderBlock, initEmbedding, initLayerNorm, initLinear } from "../nn/init";
import { type Params, prefixed, scope } from "../nn/params";
import { sinusoidalPositions } from "../nn/positions";
import { decoder, encoder } from "../nn/stacks";
import { argmaxOf } from "./languageModel";
import { type TokenIds, embedTokens, flattenIds } from "./tokens";

/** Size of a {@link Seq2Seq}. */
export interface Seq2SeqConfig {
  srcVocab: number;
  tgtVocab: number;
  /** Longest source or target sequence (number of positions). */
  maxLength: number;
  dim: number;
  /** Blocks in the encoder and in the decoder. */
  depth: number;
  heads: number;
  mlpDim: number;
  /** Source padding id: the encoder and the cross-attention ignore these positions. */
  pad?: number;
  /** Learned position tables (default) or the fixed sinusoids of the original paper. */
  positions?: "learned" | "sinusoidal";
}

/** What a traced {@link Seq2Seq} forward pass saw. S source and T target positions. */
export interface Seq2SeqTrace {
  encoder: {
    /** `depth + 1` tensors `[B, S, d]`: input to the encoder, then after each block. */
    embeddings: Tensor[];
    /** Per layer `[B, heads, S, S]`. */
    attention: Tensor[];
  };
  decoder: {
    /** `depth + 1` tensors `[B, T, d]`. */
    embeddings: Tensor[];
    /** Masked self-attention per layer `[B, heads, T, T]`. */
    attention: Tensor[];
    /** Cross-attention per layer `[B, heads, T, S]`: which source positions each target position reads. */
    crossAttention: Tensor[];
  };
}

/**
 * An encoder-decoder transformer for sequence-to-sequence tasks (translation):
 * the encoder reads the whole source; the decoder writes the target one token
 * at a time, attending causally to what it wrote and, through cross-attention,
 * to the encoded source.
 *
 * Parameters: `src.tok [srcVocab, d]`, `tgt.tok [tgtVocab, d]`, `src.pos`/`tgt.pos [maxLength, d]` (learned positions only),
 * `encoder.blocks.i.*`, `encoder.norm.*`, `decoder.blocks.i.*` (with `cross.*`), `decoder.norm.*`, `head.{w,b}`.
 *
 * @example
 * import { Seq2Seq } from "transformer";
 * const model = new Seq2Seq({ srcVocab: 12, tgtVocab: 30, maxLength: 16, dim: 32, depth: 2, heads: 4, mlpDim: 64 }, { seed: 0 });
 * model.forward([[3, 4, 5]], [[1, 7, 8]]).logits.shape; // [1, 3, 30]
 * model.greedyDecode([[3, 4, 5]], { maxLength: 10, bos: 1, eos: 2 }); // [[...ids]]
 */
export class Seq2Seq {
  readonly params: Params;
  private readonly fixedPositions?: Tensor;

  constructor(readonly config: Seq2SeqConfig, options: { seed?: number; params?: Params } = {}) {
    const { srcVocab, tgtVocab, maxLength, dim, depth, mlpDim } = config;
    const rng = new Random(options.seed ?? 0);
    const learned = (config.positions ?? "learned") === "learned";
    if (!learned) this.fixedPositions = keep(sinusoidalPositions(maxLength, dim)); // the model's own: no scope releases it
    const stack = (init: typeof initBlock) =>
      Object.assign({}, ...Array.from({ length: depth }, (_, i) => prefixed(`blocks.${i}`, init(rng, dim, mlpDim))));
    this.params = options.params ?? {
      "src.tok": initEmbedding(rng, srcVocab, dim, 1 / Math.sqrt(dim)),
      "tgt.tok": initEmbedding(rng, tgtVocab, dim, 1 / Math.sqrt(dim)),
      ...(learned ? { "src.pos": initEmbedding(rng, maxLength, dim), "tgt.pos": initEmbedding(rng, maxLength, dim) } : {}),
      ...prefixed("encoder", { ...stack(initBlock), ...prefixed("norm", initLayerNorm(dim)) }),
      ...prefixed("decoder", { ...stack(initDecoderBlock), ...prefixed("norm", initLayerNorm(dim)) }),
      ...prefixed("head", initLinear(rng, dim, tgtVocab)),
    };
  }

  /**
   * Teacher forcing: `src [B, S]` and the target shifted right `tgtIn [B, T]`
   * (starting with BOS) -> `logits [B, T, tgtVocab]`, position t predicting target token t.
   */
  forward(src: TokenIds, tgtIn: TokenIds, options: { trace?: boolean } = {}): { logits: Tensor; trace?: Seq2SeqTrace } {
    const enc = this.encode(src);
    const p = this.params;
    const y = embedTokens("Seq2Seq.forward", tgtIn, p["tgt.tok"], p["tgt.pos"] ?? this.fixedPositions!); // [B, T, d]
    const dec = decoder(y, enc.memory, scope(p, "decoder"), {
      heads: this.config.heads,
      mask: causalMask(y.shape[1]),
      memoryMask: enc.padMask,
    });
    const logits = linear(layerNorm(dec.output, p["decoder.norm.gamma"], p["decoder.norm.beta"]), p["head.w"], p["head.b"]);
    if (!options.trace) return { logits };
    const trace: Seq2SeqTrace = {
      encoder: { embeddings: enc.embeddings, attention: enc.attention },
      decoder: {
        embeddings: [y, ...dec.layers.map((l) => l.output)],
        attention: dec.layers.map((l) => l.weights),
        crossAttention: dec.layers.map((l) => l.crossWeights),
      },
    };
    return { logits, trace };
  }

  /**
   * Greedy decoding: starting from `bos`, repeatedly append the most likely
   * next token until `eos` or `maxLength` tokens. Returns each row's tokens
   * without `bos` and `eos`. The source is encoded once; the decoder re-reads
   * its whole prefix at each step (no key/value cache, for clarity).
   */
  greedyDecode(src: TokenIds, options: { maxLength: number; bos: number; eos: number }): number[][] {
    const { maxLength, bos, eos } = options;
    const { B } = flattenIds("Seq2Seq.greedyDecode", src);
    return tidy(() => noGrad(() => {
      const enc = this.encode(src);
      const p = this.params;
      const V = this.config.tgtVocab;
      const rows = Array.from({ length: B }, () => [bos]);
      const done = new Array<boolean>(B).fill(false);
      for (let t = 0; t < Math.min(maxLength, this.config.maxLength) && !done.every(Boolean); t++) tidy(() => {
        const y = embedTokens("Seq2Seq.greedyDecode", rows, p["tgt.tok"], p["tgt.pos"] ?? this.fixedPositions!);
        const dec = decoder(y, enc.memory, scope(p, "decoder"), { heads: this.config.heads, mask: causalMask(t + 1), memoryMask: enc.padMask });
        const logits = linear(layerNorm(dec.output, p["decoder.norm.gamma"], p["decoder.norm.beta"]), p["head.w"], p["head.b"]); // [B, t+1, V]
        for (let b = 0; b < B; b++) {
          // Finished rows keep being fed `eos` so the batch stays rectangular; their output is cut below.
          const next = done[b] ? eos : argmaxOf(logits.data.subarray((b * (t + 1) + t) * V, (b * (t + 1) + t + 1) * V));
          rows[b].push(next);
          if (next === eos) done[b] = true;
        }
      }); // one scope per step: the next step reuses its memory
      return rows.map((row) => {
        const end = row.indexOf(eos, 1);
        return row.slice(1, end === -1 ? undefined : end);
      });
    }));
  }

  /** Runs the encoder: `src [B, S] -> memory [B, S, d]`, plus the padding mask `[B, 1, 1, S]` (if `pad` is set). */
  private encode(src: TokenIds) {
    const p = this.params;
    const x = embedTokens("Seq2Seq.encode", src, p["src.tok"], p["src.pos"] ?? this.fixedPositions!); // [B, S, d]
    let padMask: Tensor | undefined;
    if (this.config.pad !== undefined) {
      const { flat, B, S } = { ...flattenIds("Seq2Seq.encode", src), S: x.shape[1] };
      padMask = tensor(flat.map((id) => (id === this.config.pad ? 0 : 1)), [B, 1, 1, S]); // broadcasts over heads and queries
    }
    const enc = encoder(x, scope(p, "encoder"), { heads: this.config.heads, mask: padMask });
    const memory = layerNorm(enc.output, p["encoder.norm.gamma"], p["encoder.norm.beta"]);
    return { memory, padMask, embeddings: [x, ...enc.layers.map((l) => l.output)], attention: enc.layers.map((l) => l.weights) };
  }
}
