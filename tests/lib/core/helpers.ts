import { Tensor } from "../../../src/lib/core";

/** A tensor as stored in the fixtures: non-finite numbers are strings. */
export interface EncodedTensor {
  shape: number[];
  data: (number | string)[];
}

export function decode(t: EncodedTensor, requiresGrad = false): Tensor {
  return new Tensor(Float32Array.from(t.data, Number), t.shape, requiresGrad);
}

/**
 * Float32 closeness, like numpy.allclose: |actual - expected| <= atol + rtol·|expected|,
 * with NaN matching NaN and infinities matching exactly. Returns a description of
 * the first mismatch, or null.
 */
export function mismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= atol + rtol * Math.abs(e)) continue;
    return `element ${i}: got ${a}, expected ${e}`;
  }
  return null;
}

/** Expects two tensors (or arrays) to be close; the message says where they differ. */
export function expectClose(actual: Tensor | ArrayLike<number>, expected: Tensor | ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  const a = actual instanceof Tensor ? actual.data : actual;
  const e = expected instanceof Tensor ? expected.data : expected;
  const problem = mismatch(a, e, rtol, atol);
  if (problem) throw new Error(`values differ: ${problem}`);
}
