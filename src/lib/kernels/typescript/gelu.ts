/**
 * GELU's forward and backward loops and the fast `erfc` they rest on. The op
 * (`ops/elementwise.ts`) owns shapes and the backward rule.
 */

/**
 * `out[i] = x[i]·Φ(x[i])` and `cdf[i] = Φ(x[i]) = erfc(-x[i]/√2)/2` for every
 * i < x.length. Written with `erfc` so it stays accurate for large negative
 * x, where `1 + erf` would cancel to 0.
 */
export function gelu(x: Float32Array, out: Float32Array, cdf: Float32Array): void {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const phi = 0.5 * erfc(-x[i] * Math.SQRT1_2);
    cdf[i] = phi;
    out[i] = x[i] * phi;
  }
}

/**
 * GELU's backward loop: `gx[i] = g[i]·(cdf[i] + x[i]·φ(x[i]))`, the chain
 * rule through `d/dx x·Φ(x) = Φ(x) + x·φ(x)`, with `cdf` the Φ(x) that
 * {@link gelu} wrote and φ the standard normal density `e^(-x²/2)/√(2π)`.
 */
export function geluBackward(x: Float32Array, cdf: Float32Array, g: Float32Array, gx: Float32Array): void {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    gx[i] = g[i] * (cdf[i] + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI);
  }
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Complementary error function `1 - erf(z)` with relative error below
 * 1.2e-7 everywhere (Chebyshev fit from Numerical Recipes, §6.2), about the
 * precision of a float32.
 */
export function erfc(z: number): number {
  const x = Math.abs(z);
  const t = 1 / (1 + 0.5 * x);
  // c1·t + c2·t² + … + c9·t⁹ by Estrin's scheme: pairs first, then powers of t. Same
  // polynomial as nested Horner form, but its steps do not all wait on each other.
  const t2 = t * t, t4 = t2 * t2, t8 = t4 * t4;
  const c12 = 1.00002368 + 0.37409196 * t;
  const c34 = 0.09678418 - 0.18628806 * t;
  const c56 = 0.27886807 - 1.13520398 * t;
  const c78 = 1.48851587 - 0.82215223 * t;
  const poly = -x * x - 1.26551223 + t * (c12 + t2 * c34 + t4 * (c56 + t2 * c78) + t8 * 0.17087277);
  const r = t * Math.exp(poly);
  return z >= 0 ? r : 2 - r;
}
