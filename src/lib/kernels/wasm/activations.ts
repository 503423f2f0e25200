/**
 * GELU and softmax on the WebAssembly kernels of activations.wat.
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
}

/** Where operands start in the memory, in floats: after gemm.wat's 128-byte scratch tile. */
const FIRST = 32;

/** `n` rounded up to whole vectors of 4 floats: the GELU loops run over whole vectors. */
const vectors = (n: number) => (n + 3) & ~3;

/**
 * GELU forward and backward and softmax running on an instance of
 * activations.wat in `memory`, with `fallback` (the TypeScript kernels) for
 * arrays that do not fit in it.
 */
export function wasmActivations(
  module: WebAssembly.Module, memory: WebAssembly.Memory, fallback: Kernels,
): Pick<Kernels, "gelu" | "geluBackward" | "softmax"> {
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
  };
}
