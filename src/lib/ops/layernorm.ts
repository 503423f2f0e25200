import { getKernels } from "../kernels/index";
import { allocate, allocateForOverwrite } from "../memory";
import { ShapeError, shapeString } from "../errors";
import { Tensor, fromOp } from "../tensor";

/**
 * Layer normalization over the last axis, as `torch.nn.LayerNorm`: each row
 * is shifted to mean 0 and scaled to variance 1 (biased variance, divided by
 * d), then scaled by `gamma` and shifted by `beta`.
 * `x [..., d], gamma [d], beta [d] -> [..., d]`
 */
export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps = 1e-5): Tensor {
  const d = x.shape[x.ndim - 1];
  const where = () => `x ${shapeString(x.shape)}, gamma ${shapeString(gamma.shape)}, beta ${shapeString(beta.shape)}`;
  if (x.ndim === 0 || gamma.ndim !== 1 || beta.ndim !== 1 || gamma.shape[0] !== d || beta.shape[0] !== d) {
    throw new ShapeError(`layerNorm: gamma and beta must have shape [${x.ndim ? d : "d"}] to match the last axis: ${where()}`);
  }
  const rows = d === 0 ? 0 : x.size / d;
  const X = x.data;
  const G = gamma.data;
  const B = beta.data;
  // The kernel overwrites these three (Kernels.layerNorm), so they need no zeroing.
  const out = allocateForOverwrite(x.size);
  const normalized = allocateForOverwrite(x.size); // x̂, kept for backward
  const rstd = allocateForOverwrite(rows); // 1 / sqrt(var + eps) per row
  getKernels().layerNorm(X, G, B, eps, out, normalized, rstd, rows, d);
  return fromOp("layerNorm", out, x.shape.slice(), [x, gamma, beta], (g) => {
    const gx = x.requiresGrad ? allocateForOverwrite(x.size) : null; // overwritten; gGamma and gBeta are added into
    const gGamma = allocate(d);
    const gBeta = allocate(d);
    getKernels().layerNormBackward(g, G, normalized, rstd, gx, gGamma, gBeta, rows, d);
    return [gx, gGamma, gBeta];
  }, [normalized, rstd]);
}
