/**
 * The library's machinery, for its own tests, benchmarks and kernel sets;
 * not part of what cells import (`index.ts`). Ops are built from these:
 * `allocate` a buffer from the pool, fill it (often through a kernel), and
 * wrap it with `fromOp` together with the backward rule.
 */
export { fromOp, releaseTensor, type BackwardFn } from "./tensor";
export { allocate, allocateForOverwrite, recycle, copyOf, poolStats } from "./memory";
export { withScope } from "./scope";
export { backward } from "./autograd";
export {
  getKernels, setKernels, kernelName, registerKernels, availableKernels,
  type Kernels, type KernelSetName,
} from "./kernels/index";
export { referenceGemm } from "./ops/matmul";
