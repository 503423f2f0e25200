import { ShapeError } from "../errors";
import { type Tensor, tensor } from "../core";

/**
 * The fixed position encoding of "Attention Is All You Need": `[n, d]` with
 * `PE[pos, 2i] = sin(pos / 10000^(2i/d))` and `PE[pos, 2i+1] = cos(pos / 10000^(2i/d))`.
 * Each pair of columns is a clock at its own frequency, so nearby positions
 * get similar rows and a relative offset is a rotation.
 *
 * @example
 * import { sinusoidalPositions } from "transformer";
 * sinusoidalPositions(50, 16).shape; // [50, 16]
 */
export function sinusoidalPositions(n: number, d: number): Tensor {
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 1 || d < 1) {
    throw new ShapeError(`sinusoidalPositions: n and d must be positive integers, got n=${n}, d=${d}`);
  }
  const data = new Float32Array(n * d);
  for (let pos = 0; pos < n; pos++) {
    for (let i = 0; i < d; i += 2) {
      const angle = pos / Math.pow(10000, i / d);
      data[pos * d + i] = Math.sin(angle);
      if (i + 1 < d) data[pos * d + i + 1] = Math.cos(angle);
    }
  }
  return tensor(data, [n, d]);
}
