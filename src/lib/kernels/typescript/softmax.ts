/**
 * Softmax's loops over contiguous rows, forward and backward. The op
 * (`ops/softmax.ts`) owns axes, strided rows and logSoftmax.
 */

/**
 * `out[r, j] = e^(x[r, j] - max_r) / Σ_j e^(x[r, j] - max_r)` for `rows` rows
 * of `length` numbers, row-major (`[rows, length] -> [rows, length]`).
 * Subtracting the row maximum keeps `exp` from overflowing. The sum is kept
 * in double precision. A row of only `-Infinity` becomes NaN, as in PyTorch.
 */
export function softmax(x: Float32Array, out: Float32Array, rows: number, length: number): void {
  for (let r = 0; r < rows; r++) {
    const start = r * length, end = start + length;
    let max = -Infinity;
    for (let at = start; at < end; at++) if (x[at] > max) max = x[at];
    let total = 0;
    for (let at = start; at < end; at++) {
      const e = Math.exp(x[at] - max);
      out[at] = e;
      total += e;
    }
    const scale = 1 / total;
    for (let at = start; at < end; at++) out[at] *= scale;
  }
}

/**
 * The backward loop: `gx[r, k] = y[r, k]·(g[r, k] - Σ_j g[r, j]·y[r, j])`
 * for `rows` rows of `length`, with `y` the softmax's output and `g` the
 * gradient of the loss with respect to it. The sum is kept in double precision.
 */
export function softmaxBackward(y: Float32Array, g: Float32Array, gx: Float32Array, rows: number, length: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * length;
    let weighted = 0;
    for (let k = 0; k < length; k++) weighted += g[base + k] * y[base + k];
    for (let k = 0; k < length; k++) {
      const at = base + k;
      gx[at] = y[at] * (g[at] - weighted);
    }
  }
}
