/**
 * The core of the library: tensors, scopes, autograd and ops. `index.ts`
 * re-exports all of it alongside the layers, models and training helpers.
 * The machinery under them (the buffer pool, `fromOp`, kernels) is not here:
 * see `internal.ts`.
 */
export { ShapeError, shapeString, normalizeAxis } from "./errors";
export { Random, defaultRng, manualSeed } from "./random";
export { Tensor, sizeOf, type NestedArray } from "./tensor";
export { tidy, keep } from "./scope";
export { noGrad, isGradEnabled, zeroGrad, detach } from "./autograd";
export {
  tensor, fromNested, zeros, ones, full, arange, eye, randn, rand,
  type CreateOptions, type RandomOptions,
} from "./ops/creation";
export { broadcastShapes } from "./ops/broadcast";
export { reshape, transpose, permute, slice, index, concat, split, stack } from "./ops/movement";
export {
  add, sub, mul, div, neg, exp, log, sqrt, pow, abs, tanh, relu, gelu, sigmoid, erf, erfc, asTensor,
  type TensorOrNumber,
} from "./ops/elementwise";
export { sum, mean, max, argmax } from "./ops/reduce";
export { matmul, linear } from "./ops/matmul";
export { softmax, logSoftmax } from "./ops/softmax";
export { layerNorm } from "./ops/layernorm";
export { dropout, type DropoutOptions } from "./ops/dropout";
export { maskedFill, where } from "./ops/masking";
export { embedding, oneHot } from "./ops/embedding";
export { crossEntropy, type CrossEntropyOptions } from "./ops/loss";
export { allClose, maxAbsDifference } from "./ops/compare";
