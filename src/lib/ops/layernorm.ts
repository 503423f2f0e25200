import { allocate } from "../memory";
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
  const out = allocate(x.size);
  const normalized = allocate(x.size); // x̂, kept for backward
  const rstd = allocate(rows); // 1 / sqrt(var + eps) per row
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let mean = 0;
    for (let j = 0; j < d; j++) mean += X[o + j];
    mean /= d;
    let variance = 0;
    for (let j = 0; j < d; j++) variance += (X[o + j] - mean) ** 2;
    variance /= d;
    const s = 1 / Math.sqrt(variance + eps);
    rstd[r] = s;
    for (let j = 0; j < d; j++) {
      const xhat = (X[o + j] - mean) * s;
      normalized[o + j] = xhat;
      out[o + j] = xhat * G[j] + B[j];
    }
  }
  return fromOp("layerNorm", out, x.shape.slice(), [x, gamma, beta], (g) => {
    const gx = x.requiresGrad ? allocate(x.size) : null;
    const gGamma = allocate(d);
    const gBeta = allocate(d);
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      // With ĝ = g·gamma: dx = rstd · (ĝ - mean(ĝ) - x̂ · mean(ĝ · x̂))
      let meanG = 0;
      let meanGX = 0;
      for (let j = 0; j < d; j++) {
        const gh = g[o + j] * G[j];
        meanG += gh;
        meanGX += gh * normalized[o + j];
        gGamma[j] += g[o + j] * normalized[o + j];
        gBeta[j] += g[o + j];
      }
      if (!gx) continue;
      meanG /= d;
      meanGX /= d;
      for (let j = 0; j < d; j++) {
        gx[o + j] = rstd[r] * (g[o + j] * G[j] - meanG - normalized[o + j] * meanGX);
      }
    }
    return [gx, gGamma, gBeta];
  }, [normalized, rstd]);
}
