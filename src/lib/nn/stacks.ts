import type { Tensor } from "../core";
import { type BlockOptions, type BlockResult, type DecoderBlockOptions, type DecoderBlockResult, decoderBlock, transformerBlock } from "./block";
import { type Params, countLayers, scope } from "./params";

/** A stack's output plus every block's intermediates, in order. */
export interface StackResult<Layer> {
  output: Tensor;
  /** One entry per block: its output, attention weights per head, ΔE's. */
  layers: Layer[];
}

/**
 * The encoder: blocks `blocks.0`, `blocks.1`, ... of `params` applied in turn
 * (the depth is however many there are). `x [(B,) n, d] -> [(B,) n, d]`.
 * `layers[i].output` is the embedding after block i.
 */
export function encoder(x: Tensor, params: Params, options: BlockOptions): StackResult<BlockResult> {
  const layers: BlockResult[] = [];
  for (let i = 0, depth = countLayers(params, "blocks"); i < depth; i++) {
    layers.push(transformerBlock(layers.at(-1)?.output ?? x, scope(params, `blocks.${i}`), options));
  }
  return { output: layers.at(-1)?.output ?? x, layers };
}

/**
 * The decoder: blocks `blocks.0`, `blocks.1`, ... each with masked
 * self-attention (pass `mask: causalMask(n)`), cross-attention to
 * `memory [(B,) m, d]` and an MLP. `x [(B,) n, d] -> [(B,) n, d]`.
 */
export function decoder(x: Tensor, memory: Tensor, params: Params, options: DecoderBlockOptions): StackResult<DecoderBlockResult> {
  const layers: DecoderBlockResult[] = [];
  for (let i = 0, depth = countLayers(params, "blocks"); i < depth; i++) {
    layers.push(decoderBlock(layers.at(-1)?.output ?? x, memory, scope(params, `blocks.${i}`), options));
  }
  return { output: layers.at(-1)?.output ?? x, layers };
}
