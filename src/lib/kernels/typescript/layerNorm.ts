/**
 * Layer normalization's loops, forward and backward, over the rows of a
 * row-major `[rows, d]`. The op (`ops/layernorm.ts`) checks shapes and
 * allocates; these loops only compute.
 */

/**
 * For each row r: `normalized[r, j] = (x[r, j] - mean_r)·rstd[r]` with
 * `rstd[r] = 1/√(var_r + eps)` (biased variance, over d), and
 * `out[r, j] = normalized[r, j]·gamma[j] + beta[j]`. Mean and variance are
 * summed in double precision. `out`, `normalized` and `rstd` are overwritten.
 */
export function layerNorm(
  x: Float32Array, gamma: Float32Array, beta: Float32Array, eps: number,
  out: Float32Array, normalized: Float32Array, rstd: Float32Array, rows: number, d: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let mean = 0;
    for (let j = 0; j < d; j++) mean += x[o + j];
    mean /= d;
    let variance = 0;
    for (let j = 0; j < d; j++) variance += (x[o + j] - mean) ** 2;
    variance /= d;
    const s = 1 / Math.sqrt(variance + eps);
    rstd[r] = s;
    for (let j = 0; j < d; j++) {
      const xhat = (x[o + j] - mean) * s;
      normalized[o + j] = xhat;
      out[o + j] = xhat * gamma[j] + beta[j];
    }
  }
}

/**
 * The backward loop, from the forward pass's `normalized` (x̂) and `rstd`
 * and the gradient `g` of the output: `gGamma[j] = Σ_r g·x̂`,
 * `gBeta[j] = Σ_r g`, and (unless `gx` is null) with ĝ = g·gamma,
 * `gx = rstd·(ĝ - mean(ĝ) - x̂·mean(ĝ·x̂))`, means over the row. `gGamma` and
 * `gBeta` arrive zeroed and are added into; `gx` is overwritten.
 */
export function layerNormBackward(
  g: Float32Array, gamma: Float32Array, normalized: Float32Array, rstd: Float32Array,
  gx: Float32Array | null, gGamma: Float32Array, gBeta: Float32Array, rows: number, d: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let meanG = 0;
    let meanGX = 0;
    for (let j = 0; j < d; j++) {
      const gh = g[o + j] * gamma[j];
      meanG += gh;
      meanGX += gh * normalized[o + j];
      gGamma[j] += g[o + j] * normalized[o + j];
      gBeta[j] += g[o + j];
    }
    if (!gx) continue;
    meanG /= d;
    meanGX /= d;
    for (let j = 0; j < d; j++) {
      gx[o + j] = rstd[r] * (g[o + j] * gamma[j] - meanG - normalized[o + j] * meanGX);
    }
  }
}
