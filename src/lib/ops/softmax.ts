import { getKernels } from "../kernels/index";
import { allocateForOverwrite } from "../memory";
import { normalizeAxis } from "../errors";
import { Tensor, fromOp } from "../tensor";
import { splitAroundAxis } from "./reduce";

/**
 * Shared forward for softmax and logSoftmax along one axis. Subtracting the
 * row maximum first keeps `exp` from overflowing; it does not change the
 * result because softmax ignores a constant shift. Each "row" is the `length`
 * elements along the axis, `inner` apart (1 for the last axis).
 */
function softmaxForward(op: string, x: Tensor, axis: number, logarithm: boolean): Float32Array {
  const { outer, length, inner } = splitAroundAxis(x.shape, normalizeAxis(op, axis, x.shape));
  const X = x.data;
  const out = allocateForOverwrite(x.size); // every row is written whole, by the kernel or below
  if (inner === 1 && !logarithm) {
    getKernels().softmax(X, out, outer, length); // contiguous rows (the last axis): the kernel's loop
    return out;
  }
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = o * length * inner + i;
      const end = start + length * inner;
      let max = -Infinity;
      for (let at = start; at < end; at += inner) if (X[at] > max) max = X[at];
      // A row of only -Infinity keeps max = -Infinity, and -Infinity - max = NaN: the row is NaN, as in PyTorch.
      let total = 0;
      for (let at = start; at < end; at += inner) {
        const e = Math.exp(X[at] - max);
        out[at] = e;
        total += e;
      }
      if (logarithm) {
        const shift = max + Math.log(total);
        for (let at = start; at < end; at += inner) out[at] = X[at] - shift;
      } else {
        const scale = 1 / total;
        for (let at = start; at < end; at += inner) out[at] *= scale;
      }
    }
  }
  return out;
}

/**
 * `softmax(x)_i = e^(x_i) / Σ_j e^(x_j)` along `axis` (default: last).
 * Entries equal to `-Infinity` get weight 0 (that is how masks work);
 * a row that is entirely `-Infinity` gives `NaN`, as in PyTorch.
 * `[n, m] -> [n, m]`, each row sums to 1.
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  const y = softmaxForward("softmax", x, axis, false);
  const { outer, length, inner } = splitAroundAxis(x.shape, normalizeAxis("softmax", axis, x.shape));
  return fromOp("softmax", y, x.shape.slice(), [x], (g) => {
    // dx_k = y_k · (g_k - Σ_j g_j y_j)
    const gx = allocateForOverwrite(x.size); // every element written below
    if (inner === 1) {
      getKernels().softmaxBackward(y, g, gx, outer, length); // contiguous rows: the kernel's loop
      return [gx];
    }
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * length * inner + i;
        let weighted = 0;
        for (let k = 0; k < length; k++) weighted += g[base + k * inner] * y[base + k * inner];
        for (let k = 0; k < length; k++) {
          const at = base + k * inner;
          gx[at] = y[at] * (g[at] - weighted);
        }
      }
    }
    return [gx];
  });
}

/**
 * `log(softmax(x))` computed directly (`x - max - log Σ e^(x - max)`), which
 * stays finite where `log(softmax(x))` would underflow to `-Infinity`.
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const y = softmaxForward("logSoftmax", x, axis, true);
  const { outer, length, inner } = splitAroundAxis(x.shape, normalizeAxis("logSoftmax", axis, x.shape));
  return fromOp("logSoftmax", y, x.shape.slice(), [x], (g) => {
    // dx_k = g_k - softmax_k · Σ_j g_j
    const gx = allocateForOverwrite(x.size); // every element written below
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * length * inner + i;
        let total = 0;
        for (let k = 0; k < length; k++) total += g[base + k * inner];
        for (let k = 0; k < length; k++) {
          const at = base + k * inner;
          gx[at] = g[at] - Math.exp(y[at]) * total;
        }
      }
    }
    return [gx];
  });
}
