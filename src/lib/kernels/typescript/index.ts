import type { Kernels } from "../index";
import { gelu } from "./gelu";
import { gemm } from "./gemm";

/** The default kernel set: plain TypeScript, tuned for V8 (see `gemm.ts`). Runs everywhere. */
export const typescriptKernels: Kernels = { gemm, gelu };
