import { ShapeError, shapeString } from "../errors";
import { Random, type Tensor, dropout, layerNorm, linear, reshape, slice } from "../core";
import { initBlock, initEmbedding, initLayerNorm, initLinear } from "../nn/init";
import { patchEmbedding } from "../nn/patchEmbedding";
import { type Params, prefixed, scope } from "../nn/params";
import { encoder } from "../nn/stacks";

/** Size of a {@link ViT}. */
export interface ViTConfig {
  /** Height and width of the (square) images. */
  imageSize: number;
  channels: number;
  /** Side of a square patch; must divide `imageSize`. */
  patchSize: number;
  /** Width d of every token. */
  dim: number;
  /** Number of encoder blocks. */
  depth: number;
  heads: number;
  /** Hidden width of each block's MLP. */
  mlpDim: number;
  classes: number;
  /** Dropout on the patch embeddings while training (default 0). */
  dropout?: number;
}

/** What a traced forward pass saw, for plots. T = 1 + N tokens (class token first). */
export interface EncoderTrace {
  /** The tokens entering block 0, then after each block: `depth + 1` tensors `[B, T, d]`. */
  embeddings: Tensor[];
  /** Per layer, the attention weights of every head: `depth` tensors `[B, heads, T, T]`. */
  attention: Tensor[];
}

/**
 * A Vision Transformer classifier: patches -> linear projection + class token
 * + learned positions -> pre-norm encoder blocks -> LayerNorm of the class
 * token -> linear head.
 *
 * Parameters: `patch.proj.{w,b}`, `patch.cls [1, d]`, `patch.pos [1 + N, d]`,
 * `blocks.i.*`, `norm.{gamma,beta}`, `head.{w,b}`.
 *
 * @example
 * import { ViT, rand } from "transformer";
 * const vit = new ViT({ imageSize: 32, channels: 3, patchSize: 4, dim: 64, depth: 2, heads: 4, mlpDim: 128, classes: 4 }, { seed: 0 });
 * const { logits, trace } = vit.forward(rand([8, 3, 32, 32]), { trace: true }); // logits [8, 4]; trace.attention[1] [8, 4, 65, 65]
 */
export class ViT {
  readonly params: Params;
  /** Draws the dropout masks. */
  readonly rng: Random;

  constructor(readonly config: ViTConfig, options: { seed?: number; params?: Params } = {}) {
    const { imageSize, channels, patchSize, dim, depth, mlpDim, classes } = config;
    if (imageSize % patchSize !== 0) throw new ShapeError(`ViT: patchSize ${patchSize} does not divide imageSize ${imageSize}`);
    if (dim % config.heads !== 0) throw new ShapeError(`ViT: dim ${dim} is not divisible by heads ${config.heads}`);
    const rng = new Random(options.seed ?? 0);
    this.rng = rng;
    const patches = (imageSize / patchSize) ** 2;
    this.params = options.params ?? {
      ...prefixed("patch.proj", initLinear(rng, channels * patchSize * patchSize, dim)),
      "patch.cls": initEmbedding(rng, 1, dim),
      "patch.pos": initEmbedding(rng, 1 + patches, dim),
      ...Object.assign({}, ...Array.from({ length: depth }, (_, i) => prefixed(`blocks.${i}`, initBlock(rng, dim, mlpDim)))),
      ...prefixed("norm", initLayerNorm(dim)),
      ...prefixed("head", initLinear(rng, dim, classes)),
    };
  }

  /** `images [B, C, H, W] -> logits [B, classes]`; with `trace`, also the attention maps and embeddings. */
  forward(images: Tensor, options: { trace?: boolean; training?: boolean } = {}): { logits: Tensor; trace?: EncoderTrace } {
    const { imageSize: size, channels } = this.config;
    const s = images.shape;
    if (s.length !== 4 || s[1] !== channels || s[2] !== size || s[3] !== size) {
      throw new ShapeError(`ViT.forward: images must be [B, ${channels}, ${size}, ${size}], got ${shapeString(s)}`);
    }
    const p = this.params;
    let tokens = patchEmbedding(images, scope(p, "patch"), { patchSize: this.config.patchSize }); // [B, 1 + N, d]
    if (options.training && this.config.dropout) tokens = dropout(tokens, this.config.dropout, { training: true, rng: this.rng });
    const { output, layers } = encoder(tokens, p, { heads: this.config.heads });
    const cls = reshape(slice(output, 1, 0, 1), [s[0], this.config.dim]); // [B, 1, d] -> [B, d]
    const logits = linear(layerNorm(cls, p["norm.gamma"], p["norm.beta"]), p["head.w"], p["head.b"]); // [B, classes]
    if (!options.trace) return { logits };
    return { logits, trace: { embeddings: [tokens, ...layers.map((l) => l.output)], attention: layers.map((l) => l.weights) } };
  }
}
