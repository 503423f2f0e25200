/**
 * The transformer library, as cells import it: `import { attention } from "transformer"`.
 *
 * core      tensors, scopes, autograd, ops (tensor.ts, scope.ts, autograd.ts, ops/)
 * nn        layers that return their intermediates (attention, blocks, stacks, state files)
 * models    ViT, LanguageModel, Seq2Seq
 * train     optimizers, gradient clipping, the training loop
 * data      tokenizer, batching, the course's generated datasets, the Fashion-MNIST loader
 * recipes   the trained models of the course: configs, data pipelines, training and metrics
 */
export * from "./core";

export { attention, causalMask, type AttentionResult } from "./nn/attention";
export { multiHeadAttention, type AttentionParams, type MultiHeadOptions, type MultiHeadResult } from "./nn/multiHeadAttention";
export { patchify, unpatchify } from "./nn/patchify";
export { patchEmbedding } from "./nn/patchEmbedding";
export { sinusoidalPositions } from "./nn/positions";
export { mlp, type MlpParams } from "./nn/mlp";
export {
  transformerBlock, decoderBlock,
  type BlockOptions, type BlockResult, type DecoderBlockOptions, type DecoderBlockResult,
} from "./nn/block";
export { encoder, decoder, type StackResult } from "./nn/stacks";
export { initLinear, initLayerNorm, initAttention, initMlp, initBlock, initDecoderBlock, initEmbedding } from "./nn/init";
export { type Params, scope, prefixed, pick, countLayers, parameterCount } from "./nn/params";
export { saveState, loadState, stateToBase64, stateFromBase64, copyState } from "./nn/state";

export { ViT, type ViTConfig, type EncoderTrace } from "./models/vit";
export { LanguageModel, type LanguageModelConfig, type GenerateOptions } from "./models/languageModel";
export { Seq2Seq, type Seq2SeqConfig, type Seq2SeqTrace } from "./models/seq2seq";
export type { TokenIds } from "./models/tokens";

export { setKernels, kernelName, availableKernels, type KernelSetName } from "./kernels/index";

export { SGD, AdamW, type Optimizer, type AdamWOptions, type ParamSource } from "./train/optimizers";
export { clipGradNorm } from "./train/clipGradNorm";
export { ParameterAverage } from "./train/average";
export { train, nextMacrotask, type TrainOptions, type TrainProgress, type TrainResult } from "./train/train";

export { CharTokenizer } from "./data/tokenizer";
export { shuffled, batches, sampleWindows, padBatch } from "./data/batches";
export * from "./data/datasets";
export * from "./recipes/index";
