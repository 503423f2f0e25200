import type { Kernels } from "../index";
import { gelu, geluBackward } from "./gelu";
import { gemm, gemmBatch } from "./gemm";
import { layerNorm, layerNormBackward } from "./layerNorm";
import { softmax, softmaxBackward } from "./softmax";

/** The default kernel set: plain TypeScript, tuned for V8 (see `gemm.ts`). Runs everywhere. */
export const typescriptKernels: Kernels = { gemm, gemmBatch, gelu, geluBackward, softmax, softmaxBackward, layerNorm, layerNormBackward };
