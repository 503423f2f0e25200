/**
 * GELU, softmax and layer normalization, forward and backward, on the
 * WebAssembly kernels of activations.wat.
 *
 * As for the product (gemm.ts), each call copies its operands into the
 * kernels' memory, runs the SIMD loop there and copies the result out: a
 * memory copy per array, small next to the exponentials it saves. Arrays too
 * large for the memory run on the TypeScript kernels instead.
 */

import type { Kernels } from "../index";

/** The functions activations.wat exports; pointers are byte offsets into the memory. */
interface ActivationExports {
  gelu(x: number, out: number, cdf: number, n: number): void;
  geluBackward(x: number, cdf: number, g: number, gx: number, n: number): void;
  softmax(x: number, rows: number, length: number): void;
  softmaxBackward(y: number, g: number, gx: number, rows: number, length: number): void;
  layerNorm(x: number, gamma: number, beta: number, out: number, normalized: number, rstd: number, rows: number, d: number, eps: number): void;
  layerNormBackward(g: number, gamma: number, normalized: number, rstd: number, gx: number, gGamma: number, gBeta: number, rows: number, d: number, withGx: number): void;
}

/** Where operands start in the memory, in floats: after gemm.wat's 128-byte scratch tile. */
const FIRST = 32;

/** `n` rounded up to whole vectors of 4 floats: the GELU loops run over whole vectors. */
const vectors = (n: number) => (n + 3) & ~3;

/**
 * GELU, softmax and layer normalization, forward and backward, running on an instance of
 * activations.wat in `memory`, with `fallback` (the TypeScript kernels) for
 * arrays that do not fit in it.
 */
export function wasmActivations(
  module: WebAssembly.Module, memory: WebAssembly.Memory, fallback: Kernels,
): Omit<Kernels, "gemm" | "gemmBatch"> {
  const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as ActivationExports;
  const heap = new Float32Array(memory.buffer); // valid for good: the memory never grows
  const capacity = heap.length;

  return {
    gelu(x, out, cdf) {
      const n = x.length, size = vectors(n);
      const xAt = FIRST, outAt = xAt + size, cdfAt = outAt + size;
      if (cdfAt + size > capacity) return fallback.gelu(x, out, cdf);
      heap.set(x, xAt);
      kernel.gelu(4 * xAt, 4 * outAt, 4 * cdfAt, n);
      out.set(heap.subarray(outAt, outAt + n));
      cdf.set(heap.subarray(cdfAt, cdfAt + n));
    },

    geluBackward(x, cdf, g, gx) {
      const n = x.length, size = vectors(n);
      const xAt = FIRST, cdfAt = xAt + size, gAt = cdfAt + size, gxAt = gAt + size;
      if (gxAt + size > capacity) return fallback.geluBackward(x, cdf, g, gx);
      heap.set(x, xAt);
      heap.set(cdf.subarray(0, n), cdfAt);
      heap.set(g.subarray(0, n), gAt);
      kernel.geluBackward(4 * xAt, 4 * cdfAt, 4 * gAt, 4 * gxAt, n);
      gx.set(heap.subarray(gxAt, gxAt + n));
    },

    softmax(x, out, rows, length) {
      rows |= 0; length |= 0;
      const n = rows * length;
      if (FIRST + n > capacity) return fallback.softmax(x, out, rows, length);
      heap.set(x.subarray(0, n), FIRST);
      kernel.softmax(4 * FIRST, rows, length);
      out.set(heap.subarray(FIRST, FIRST + n));
    },

    softmaxBackward(y, g, gx, rows, length) {
      rows |= 0; length |= 0;
      const n = rows * length;
      const yAt = FIRST, gAt = yAt + n, gxAt = gAt + n;
      if (gxAt + n > capacity) return fallback.softmaxBackward(y, g, gx, rows, length);
      heap.set(y.subarray(0, n), yAt);
      heap.set(g.subarray(0, n), gAt);
      kernel.softmaxBackward(4 * yAt, 4 * gAt, 4 * gxAt, rows, length);
      gx.set(heap.subarray(gxAt, gxAt + n));
    },

    layerNorm(x, gamma, beta, eps, out, normalized, rstd, rows, d) {
      rows |= 0; d |= 0;
      const n = rows * d;
      const xAt = FIRST, gammaAt = xAt + n, betaAt = gammaAt + d, outAt = betaAt + d, normalizedAt = outAt + n, rstdAt = normalizedAt + n;
      if (rstdAt + rows > capacity) return fallback.layerNorm(x, gamma, beta, eps, out, normalized, rstd, rows, d);
      heap.set(x.subarray(0, n), xAt);
      heap.set(gamma.subarray(0, d), gammaAt);
      heap.set(beta.subarray(0, d), betaAt);
      kernel.layerNorm(4 * xAt, 4 * gammaAt, 4 * betaAt, 4 * outAt, 4 * normalizedAt, 4 * rstdAt, rows, d, eps);
      out.set(heap.subarray(outAt, outAt + n));
      normalized.set(heap.subarray(normalizedAt, normalizedAt + n));
      rstd.set(heap.subarray(rstdAt, rstdAt + rows));
    },

    layerNormBackward(g, gamma, normalized, rstd, gx, gGamma, gBeta, rows, d) {
      rows |= 0; d |= 0;
      const n = rows * d;
      const gAt = FIRST, gammaAt = gAt + n, normalizedAt = gammaAt + d, rstdAt = normalizedAt + n;
      const gxAt = rstdAt + rows, gGammaAt = gxAt + n, gBetaAt = gGammaAt + d;
      if (gBetaAt + d > capacity) return fallback.layerNormBackward(g, gamma, normalized, rstd, gx, gGamma, gBeta, rows, d);
      heap.set(g.subarray(0, n), gAt);
      heap.set(gamma.subarray(0, d), gammaAt);
      heap.set(normalized.subarray(0, n), normalizedAt);
      heap.set(rstd.subarray(0, rows), rstdAt);
      heap.set(gGamma.subarray(0, d), gGammaAt);
      heap.set(gBeta.subarray(0, d), gBetaAt);
      kernel.layerNormBackward(4 * gAt, 4 * gammaAt, 4 * normalizedAt, 4 * rstdAt, 4 * gxAt, 4 * gGammaAt, 4 * gBetaAt, rows, d, gx ? 1 : 0);
      if (gx) gx.set(heap.subarray(gxAt, gxAt + n));
      gGamma.set(heap.subarray(gGammaAt, gGammaAt + d));
      gBeta.set(heap.subarray(gBetaAt, gBetaAt + d));
    },
  };
}
